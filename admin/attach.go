package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// Choosing one of the administration's published offers, on a page of its
// own rather than a select: attaching a spontaneous application
// (/candidatures/{id}/offre) and inviting a person of the talent pool
// (/vivier/{candidate}/invitation). The offers are searched and paged like
// the offers list, 50 a page, however many there are. Only the
// administration's own offers are offered: an application belongs to the
// administration the person sent it to, and moving it to a direction's offer
// is a transfer the person accepts, not an attachment.

// offerChoicePage lists the published offers, each with a button that posts
// the choice.
type offerChoicePage struct {
	templates.Page
	Heading  string // the page's title, naming the person
	Intro    string
	Base     string // this page's address, for the search and the pages
	Back     string // where the person's page is
	BackText string
	Action   string // where each offer's form posts
	Button   string // the button's words ("Rattacher")
	Keep     string // the search of the list the page was opened from (retour), sent back with the choice as q
	Query    string
	List     *vivier.OfferList
	Pager    pager
	Disabled map[int64]string // offers that cannot be chosen, and why
}

// offerChoices reads the search and the page, and lists the published
// offers of the administration into p.
func (h *Handler) offerChoices(c *fiber.Ctx, p *offerChoicePage) error {
	page, err := templates.QueryPage(c)
	if err != nil {
		return err
	}
	p.Query = c.Query("q")
	list, err := h.Store.OfferList(c.UserContext(), currentAdministration(c).ID,
		vivier.OfferListFilter{Query: p.Query, Status: vivier.OfferPublished, Page: page})
	if err != nil {
		return err
	}
	p.List = list
	p.Keep = c.Query("retour")
	p.Pager = newPager("Pages des offres publiées", p.Base, listQuery(c, "q", "retour"), list.Page, list.Pages())
	return nil
}

// attachPage offers the published offers to attach a spontaneous
// application to; the choice posts to attachToOffer.
func (h *Handler) attachPage(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	d, err := h.Store.ApplicationForAgents(c.UserContext(), adm.ID, id)
	if err != nil {
		return err
	}
	if d.OfferID != nil {
		return vivier.Errorf(vivier.ECONFLICT, "Cette candidature est déjà rattachée à une offre.")
	}
	who := "candidature spontanée n° " + strconv.FormatInt(id, 10)
	if d.Category != vivier.CategoryErased {
		who = d.FirstName + " " + d.LastName
	}
	base := applicationURL(adm, id) + "/offre"
	p := &offerChoicePage{Heading: "Rattacher à une offre : " + who, Base: base, Action: base, Button: "Rattacher",
		Back: applicationURL(adm, id), BackText: "Retour à la candidature",
		Intro: "La candidature spontanée rejoint les candidatures de l'offre choisie, à l'étape où elle se trouve. Seules les offres publiées de " + adm.Name + " sont proposées."}
	if err := h.offerChoices(c, p); err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/offer_choice", p)
}
