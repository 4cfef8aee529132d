package candidate

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The signed-in agent's mobility space: the offers open to them, their
// profile's state, the invitations they received and who viewed their
// profile. Every change is a POST with the CSRF token.

// mobilityOffersPerPage is how many offers a page of the space lists.
const mobilityOffersPerPage = 10

// mobilityHomePage is /mobilite.
type mobilityHomePage struct {
	templates.Page
	MobilityAgent *vivier.MobilityAgent
	Profile       *vivier.MobilityProfile
	Offers        []vivier.OfferHit
	Reserved      map[int64]bool
	Total         int
	OfferPage     int
	Prev, Next    string
	Invitations   []vivier.MobilityInvitation
	Views         []vivier.MobilityView
	Now           time.Time
}

var mobilityDone = map[string]string{
	"profil":      "Votre profil est enregistré. Il est valable 12 mois.",
	"prolonge":    "Votre profil est prolongé de 12 mois.",
	"interesse":   "Votre réponse est envoyée : vous êtes intéressé·e. Le recruteur la voit sur votre profil.",
	"pas-interet": "Votre réponse est envoyée : vous n'êtes pas intéressé·e.",
}

func (h *Handler) mobilityHomePage(c *fiber.Ctx) error {
	ctx, agent := c.UserContext(), h.mobilityAgent(c)
	page, err := templates.QueryPage(c)
	if err != nil {
		return err
	}
	res, err := h.Store.SearchOffers(ctx, vivier.OfferSearch{Mobilite: true, ByDate: true, Page: page, PerPage: mobilityOffersPerPage})
	if err != nil {
		return err
	}
	p := &mobilityHomePage{MobilityAgent: agent, Offers: res.Hits, Total: res.Total, OfferPage: page, Now: time.Now()}
	p.Flash = mobilityDone[c.Query("fait")]
	ids := make([]int64, len(res.Hits))
	for i, o := range res.Hits {
		ids[i] = o.ID
	}
	if p.Reserved, err = h.Store.ReservedOffers(ctx, ids); err != nil {
		return err
	}
	if page > 1 {
		p.Prev = "/mobilite?page=" + strconv.Itoa(page-1)
	}
	if page < templates.LastPage(res.Total, mobilityOffersPerPage) {
		p.Next = "/mobilite?page=" + strconv.Itoa(page+1)
	}
	if p.Profile, err = h.Store.MobilityProfileOf(ctx, agent.ID); err != nil && vivier.ErrorCode(err) != vivier.ENOTFOUND {
		return err
	}
	if p.Invitations, err = h.Store.MobilityInvitations(ctx, agent.ID); err != nil {
		return err
	}
	if p.Views, err = h.Store.MobilityViews(ctx, agent.ID, 50); err != nil {
		return err
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/mobility_home", p)
}

func (h *Handler) mobilityProfileRenew(c *fiber.Ctx) error {
	if err := h.Store.RenewMobilityProfile(c.UserContext(), h.mobilityAgent(c).ID); err != nil {
		return err
	}
	return c.Redirect("/mobilite?fait=prolonge", fiber.StatusSeeOther)
}

func (h *Handler) mobilityAnswer(c *fiber.Ctx) error {
	id, err := templates.ParamID(c, "id")
	if err != nil {
		return err
	}
	answer := c.FormValue("answer")
	if err := h.Store.AnswerMobilityInvitation(c.UserContext(), h.mobilityAgent(c).ID, id, answer); err != nil {
		return err
	}
	done := "interesse"
	if answer == vivier.AnswerNotInterested {
		done = "pas-interet"
	}
	return c.Redirect("/mobilite?fait="+done+"#invitations", fiber.StatusSeeOther)
}

// mobilityErase deletes the agent's profile and every data of theirs in
// the space, then signs them out.
func (h *Handler) mobilityErase(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "oui" {
		return vivier.Errorf(vivier.EINVALID, "Cochez la case qui confirme la suppression de votre profil et de vos données.")
	}
	if err := h.Store.EraseMobilityAgent(c.UserContext(), h.mobilityAgent(c).ID, h.Files); err != nil {
		return err
	}
	h.setMobilityCookie(c, "")
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/alert_status", &alertStatusPage{
		Title:   "Vos données sont supprimées",
		Message: "Votre profil, votre CV, l'historique des consultations, les invitations reçues et vos sessions sont supprimés. Les candidatures que vous avez envoyées restent auprès des employeurs, comme toute candidature."})
}
