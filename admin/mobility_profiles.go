package admin

import (
	"io"
	"mime"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// Recruiters' search among the public agents' mobility profiles: only the
// profiles not expired and shown to every administration or to this one
// (the Store's profileVisibleTo). Opening a profile logs the view, which its
// owner reads in their space; one not shown to this administration is a
// 404, and nothing is logged.

func profileURL(adm *vivier.Administration, id int64) string {
	return admURL(adm, "/mobilite/profils/"+strconv.FormatInt(id, 10))
}

// profileSearchPage is /admin/{adm}/mobilite/profils.
type profileSearchPage struct {
	templates.Page
	Search      vivier.ProfileSearch
	MetierID    int64
	Picked      map[int64]bool
	Profiles    []vivier.MobilityProfile
	Total       int
	Pager       pager
	Metiers     []vivier.Metier
	Competences []vivier.Competence
	Regions     []vivier.Region
	Categories  []string
	RegionNames map[string]string
}

func (h *Handler) profileSearch(c *fiber.Ctx) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	q := vivier.ProfileSearch{Categorie: c.Query("categorie"), Region: c.Query("region")}
	metier, err := templates.QueryID(c, "metier")
	if err != nil {
		return err
	}
	if metier != 0 {
		q.MetierID = &metier
	}
	picked := map[int64]bool{}
	for _, v := range c.Request().URI().QueryArgs().PeekMulti("competence") {
		id, ok := templates.ParseID(string(v))
		if !ok {
			return vivier.Errorf(vivier.EINVALID, "Choisissez les compétences dans la liste.")
		}
		q.CompetenceIDs = append(q.CompetenceIDs, id)
		picked[id] = true
	}
	if q.Page, err = templates.QueryPage(c); err != nil {
		return err
	}
	p := &profileSearchPage{Search: q, MetierID: metier, Picked: picked, Categories: vivier.MobilityCategories, RegionNames: map[string]string{}}
	if p.Profiles, p.Total, err = h.Store.SearchProfiles(ctx, adm.ID, q); err != nil {
		return err
	}
	if p.Metiers, err = h.Store.Metiers(ctx, true); err != nil {
		return err
	}
	if p.Competences, err = h.Store.Competences(ctx, true); err != nil {
		return err
	}
	if p.Regions, err = h.Store.Regions(ctx); err != nil {
		return err
	}
	for _, r := range p.Regions {
		p.RegionNames[r.Code] = r.Name
	}
	query := url.Values{}
	for _, k := range []string{"metier", "categorie", "region"} {
		if v := c.Query(k); v != "" {
			query.Set(k, v)
		}
	}
	for _, id := range q.CompetenceIDs {
		query.Add("competence", strconv.FormatInt(id, 10))
	}
	p.Pager = newPager("Pages des profils", admURL(adm, "/mobilite/profils"), query, max(q.Page, 1),
		templates.LastPage(p.Total, vivier.ProfileSearchPerPage))
	return h.page(c, fiber.StatusOK, "admin/mobility_profiles", p)
}

// profilePage is one profile, as a recruiter sees it.
type profilePage struct {
	templates.Page
	Profile     *vivier.MobilityProfile
	Regions     []string
	Invitations []vivier.MobilityInvitation
	Offers      []vivier.Offer // the administration's published offers, to invite to
	CanInvite   bool
	OfferID     int64
	Message     string
}

func (h *Handler) profilePage(c *fiber.Ctx) error {
	return h.showProfile(c, fiber.StatusOK, &profilePage{})
}

func (h *Handler) showProfile(c *fiber.Ctx, status int, p *profilePage) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	id, err := templates.ParamID(c, "profile")
	if err != nil {
		return err
	}
	if p.Profile, err = h.Store.ViewProfile(ctx, adm.ID, currentAgent(c).ID, id); err != nil {
		return err
	}
	regions, err := h.Store.Regions(ctx)
	if err != nil {
		return err
	}
	for _, r := range regions {
		for _, code := range p.Profile.RegionCodes {
			if r.Code == code {
				p.Regions = append(p.Regions, r.Name)
			}
		}
	}
	if p.Invitations, err = h.Store.ProfileInvitations(ctx, adm.ID, id); err != nil {
		return err
	}
	p.CanInvite = h.can(c, policies.ProfilesInvite)
	if p.CanInvite {
		if p.Offers, err = h.Store.OffersOf(ctx, adm.ID, vivier.OfferPublished, 200); err != nil {
			return err
		}
	}
	return h.page(c, status, "admin/mobility_profile", p)
}

func (h *Handler) inviteProfile(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := templates.ParamID(c, "profile")
	if err != nil {
		return err
	}
	offerID, err := templates.FormID(c, "offer")
	if err == nil && offerID == 0 {
		err = vivier.FieldError("offer", "Choisissez une offre publiée de votre administration.")
	}
	if err == nil {
		err = h.Store.InviteProfile(c.UserContext(), adm.ID, currentAgent(c).ID, id, offerID, c.FormValue("message"), actor(c))
	}
	redo := func(err error) error {
		p := &profilePage{OfferID: offerID, Message: c.FormValue("message")}
		p.Refuse("L'invitation n'a pas été envoyée.", fieldOf(err), err)
		return h.showProfile(c, fiber.StatusUnprocessableEntity, p)
	}
	return h.finish(c, err, redo, profileURL(adm, id), "Invitation envoyée : l'agent la reçoit par courriel et répond dans son espace mobilité.")
}

func (h *Handler) profileCV(c *fiber.Ctx) error {
	id, err := templates.ParamID(c, "profile")
	if err != nil {
		return err
	}
	p, err := h.Store.ProfileCV(c.UserContext(), currentAdministration(c).ID, id)
	if err != nil {
		return err
	}
	r, err := h.Files.Open(c.UserContext(), *p.CVKey)
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }() // read only: a failed close loses nothing
	c.Set(fiber.HeaderContentType, p.CVContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": p.CVName}))
	c.Set("X-Content-Type-Options", "nosniff")
	_, err = io.Copy(c.Response().BodyWriter(), r)
	return err
}
