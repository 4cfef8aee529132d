package admin

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// The talent pool (/admin/{adm}/vivier): the candidates who consented, a
// search, and "Inviter à postuler" to one of the administration's published
// offers; and the possible duplicates (/admin/{adm}/doublons) with their
// merge, which the person confirms from both addresses (duplicates.go).

func (h *Handler) poolPage(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	f := vivier.PoolFilter{Query: c.Query("q"), Sort: c.Query("tri"), WithDirections: true}
	var err error
	if f.Page, f.Direction, err = pageAndDirection(c); err != nil {
		return err
	}
	dirs, err := h.Store.Directions(c.UserContext(), adm.ID)
	if err != nil {
		return err
	}
	list, err := h.Store.TalentPoolList(c.UserContext(), adm.ID, f)
	if err != nil {
		return err
	}
	f.Page = list.Page
	p := &poolPage{List: list, Filter: f, Sorts: vivier.PoolSorts, CanInvite: h.can(c, policies.ApplicationsDecide),
		Pager: newPager("Pages du vivier", admURL(adm, "/vivier"), listQuery(c, "q", "tri", "direction"), list.Page, list.Pages())}
	if len(dirs) > 1 {
		p.Directions = dirs
	}
	return h.page(c, fiber.StatusOK, "admin/pool", p)
}

// poolPage is the talent pool: the candidates who consented, a search, and
// the way to invite each to apply to a published offer. A parent
// administration's pool holds its directions' too, a line per person and
// administration, each invited by its own administration.
type poolPage struct {
	templates.Page
	List       *vivier.PoolList
	Filter     vivier.PoolFilter
	Sorts      []struct{ Value, Label string }
	Directions []vivier.Direction // the administration and its directions; nil without directions
	Pager      pager
	CanInvite  bool
}

// poolInvitationPage offers the published offers to invite a person of the
// pool to; the choice posts to inviteFromPool.
func (h *Handler) poolInvitationPage(c *fiber.Ctx) error {
	return h.renderPoolInvitation(c, fiber.StatusOK, nil)
}

func (h *Handler) renderPoolInvitation(c *fiber.Ctx, status int, err error) error {
	adm := currentAdministration(c)
	id, perr := templates.ParamID(c, "candidate")
	if perr != nil {
		return perr
	}
	// The person, if they are in this administration's own pool.
	list, lerr := h.Store.TalentPoolList(c.UserContext(), adm.ID, vivier.PoolFilter{CandidateID: id})
	if lerr != nil {
		return lerr
	}
	if len(list.Rows) == 0 {
		return vivier.Errorf(vivier.ENOTFOUND, "Cette personne n'est pas dans le vivier de votre administration.")
	}
	who := list.Rows[0]
	base := admURL(adm, "/vivier/"+strconv.FormatInt(id, 10)+"/invitation")
	back := admURL(adm, "/vivier")
	p := &offerChoicePage{Heading: "Inviter à postuler : " + who.FirstName + " " + who.LastName, Base: base, Action: base,
		Button: "Inviter à postuler", Back: back, BackText: "Retour au vivier", Disabled: map[int64]string{},
		Intro: "Un courriel invite la personne à postuler à l'offre choisie. Une personne n'est invitée qu'une fois à une même offre ; seules les offres publiées de " + adm.Name + " sont proposées."}
	for _, o := range who.Invited {
		p.Disabled[o] = "Personne déjà invitée"
	}
	if lerr := h.offerChoices(c, p); lerr != nil {
		return lerr
	}
	if p.Keep == "" {
		p.Keep = strings.TrimSpace(c.FormValue("q"))
	}
	if p.Keep != "" {
		p.Back += "?" + url.Values{"q": {p.Keep}}.Encode()
	}
	if err != nil {
		p.Refuse(vivier.ErrorMessage(err), "", err)
	}
	return h.page(c, status, "admin/offer_choice", p)
}

// duplicatesPage lists the possible duplicates, with their merge.
type duplicatesPage struct {
	templates.Page
	Pairs []vivier.DuplicatePair
}

func (h *Handler) inviteFromPool(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := templates.ParamID(c, "candidate")
	if err != nil {
		return err
	}
	offerID, err := templates.FormID(c, "offer")
	if err != nil {
		return err
	}
	_, err = h.Store.InviteFromPool(c.UserContext(), adm.ID, id, offerID, actor(c))
	to := admURL(adm, "/vivier")
	if q := strings.TrimSpace(c.FormValue("q")); q != "" {
		to += "?" + url.Values{"q": {q}}.Encode()
	}
	return h.finishOrShow(c, err, h.renderPoolInvitation, to, "L'invitation à postuler est enregistrée : le courriel part dans quelques instants.")
}

func (h *Handler) duplicatesPage(c *fiber.Ctx) error {
	return h.renderDuplicates(c, fiber.StatusOK, nil)
}

func (h *Handler) renderDuplicates(c *fiber.Ctx, status int, err error) error {
	pairs, lerr := h.Store.Duplicates(c.UserContext(), currentAdministration(c).ID)
	if lerr != nil {
		return lerr
	}
	p := &duplicatesPage{Pairs: pairs}
	if err != nil {
		p.Refuse(vivier.ErrorMessage(err), "", err)
	}
	return h.page(c, status, "admin/duplicates", p)
}

// mergeCandidates asks the person behind a pair of addresses to confirm,
// from each, that they are one: nothing moves before both confirmations.
func (h *Handler) mergeCandidates(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	keep, ok1 := templates.ParseID(c.FormValue("keep"))
	other, ok2 := templates.ParseID(c.FormValue("other"))
	if !ok1 || !ok2 {
		return vivier.Errorf(vivier.EINVALID, "Choisissez deux fiches de la liste des doublons possibles.")
	}
	_, err := h.Store.RequestMerge(c.UserContext(), adm.ID, keep, other, actor(c))
	return h.finishOrShow(c, err, h.renderDuplicates, admURL(adm, "/doublons"), "La demande de confirmation est envoyée aux deux adresses : les candidatures ne seront regroupées que si la personne confirme depuis chacune d'elles, dans les 15 jours.")
}
