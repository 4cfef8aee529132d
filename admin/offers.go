package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

var offerKinds = []struct{ Value, Label string }{
	{"emploi", "Emploi"}, {"concours", "Concours"}, {"stage", "Stage"}, {"apprentissage", "Apprentissage"},
}

var offerStatuses = []vivier.OfferStatus{vivier.OfferDraft, vivier.OfferPending, vivier.OfferScheduled, vivier.OfferPublished, vivier.OfferClosed, vivier.OfferArchived}

// offersPage lists the administration's offers and, for a parent
// administration, its directions' (each linked under its own address, where
// the roles held here hold too): 50 a page, searched, filtered and sorted.
func (h *Handler) offersPage(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	f, err := parseOfferListFilter(c)
	if err != nil {
		return err
	}
	dirs, err := h.Store.Directions(c.UserContext(), adm.ID)
	if err != nil {
		return err
	}
	list, err := h.Store.OfferList(c.UserContext(), adm.ID, f)
	if err != nil {
		return err
	}
	f.Page = list.Page
	query := listQuery(c, "q", "statut", "type", "direction", "tri")
	tabs := []templates.NavItem{{URL: withQuery(admURL(adm, "/offres"), without(query, "statut")), Label: "Toutes", Current: f.Status == ""}}
	for _, s := range offerStatuses {
		q := without(query, "statut")
		q.Set("statut", string(s))
		tabs = append(tabs, templates.NavItem{URL: withQuery(admURL(adm, "/offres"), q), Label: s.Label(), Current: s == f.Status})
	}
	p := &offersPage{List: list, Filter: f, Tabs: tabs, Kinds: offerKinds, Sorts: vivier.OfferSorts,
		CanEdit: h.can(c, policies.OffersEdit), Pager: newPager("Pages des offres", admURL(adm, "/offres"), query, list.Page, list.Pages())}
	if len(dirs) > 1 {
		p.Directions = dirs
	}
	return h.page(c, fiber.StatusOK, "admin/offers", p)
}

// parseOfferListFilter reads the offers list's filters. An unknown status,
// kind or sort is the default (an old or hand-made link still lists); a
// malformed number is refused.
func parseOfferListFilter(c *fiber.Ctx) (vivier.OfferListFilter, error) {
	f := vivier.OfferListFilter{Query: c.Query("q"), Sort: c.Query("tri"), WithDirections: true}
	var err error
	if f.Page, f.Direction, err = pageAndDirection(c); err != nil {
		return f, err
	}
	for _, s := range offerStatuses {
		if string(s) == c.Query("statut") {
			f.Status = s
		}
	}
	for _, k := range offerKinds {
		if k.Value == c.Query("type") {
			f.Kind = vivier.OfferKind(k.Value)
		}
	}
	return f, nil
}

// offersPage is the offers list.
type offersPage struct {
	templates.Page
	List       *vivier.OfferList
	Filter     vivier.OfferListFilter
	Tabs       []templates.NavItem
	Kinds      []struct{ Value, Label string }
	Sorts      []struct{ Value, Label string }
	Directions []vivier.Direction // the administration and its directions; nil without directions
	Pager      pager
	CanEdit    bool
}

// newOfferPage shows a blank offer; ?type= chooses its kind, so that the
// blocks of a concours or a stage are there without JavaScript.
func (h *Handler) newOfferPage(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	kind := vivier.KindEmploi
	for _, k := range offerKinds {
		if c.Query("type") == k.Value {
			kind = vivier.OfferKind(k.Value)
		}
	}
	return h.offerForm(c, fiber.StatusOK, &vivier.Offer{Kind: kind, Versant: adm.Versant, OrganisationName: adm.Name,
		Status: vivier.OfferDraft, CVPolicy: "required", LetterPolicy: "optional", Workplace: "NON_DEFINI", OpenToInternal: true}, nil)
}

func (h *Handler) offerPage(c *fiber.Ctx) error {
	id, err := offerParam(c)
	if err != nil {
		return err
	}
	o, err := h.Store.OfferByID(c.UserContext(), currentAdministration(c).ID, id)
	if err != nil {
		return err
	}
	if err := h.loadCompetences(c, o); err != nil {
		return err
	}
	return h.offerForm(c, fiber.StatusOK, o, nil)
}

func (h *Handler) loadCompetences(c *fiber.Ctx, o *vivier.Offer) error {
	skills, err := h.Store.OfferCompetences(c.UserContext(), o.AdministrationID, o.ID)
	if err != nil {
		return err
	}
	o.CompetenceIDs = []int64{}
	for _, s := range skills {
		o.CompetenceIDs = append(o.CompetenceIDs, s.ID)
	}
	return nil
}

// duplicateOffer copies an offer into a new draft and opens it.
func (h *Handler) duplicateOffer(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := offerParam(c)
	if err != nil {
		return err
	}
	o, err := h.Store.DuplicateOffer(c.UserContext(), adm.ID, id, actor(c))
	if err != nil {
		return err
	}
	return h.back(c, offerURL(adm, o.ID),
		"Copie enregistrée en brouillon, sans dates de publication : relisez-la avant de la publier.")
}

func (h *Handler) createOffer(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	o := &vivier.Offer{Status: vivier.OfferDraft}
	fields, err := readOfferForm(c, o, h.communeResolver(c))
	if err != nil {
		return err
	}
	if len(fields) > 0 {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, o, fields)
	}
	err = h.Store.CreateOffer(c.UserContext(), adm.ID, o, actor(c))
	if f := fieldOf(err); f != "" {
		o.ID = 0 // not created: the form still posts to the creation
		return h.offerForm(c, fiber.StatusUnprocessableEntity, o, map[string]string{f: vivier.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return h.back(c, offerURL(adm, o.ID), "Offre enregistrée en brouillon."+kindBlockHint(c, o))
}

func (h *Handler) updateOffer(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := offerParam(c)
	if err != nil {
		return err
	}
	o, err := h.Store.OfferByID(c.UserContext(), adm.ID, id)
	if err != nil {
		return err
	}
	wasOnline := o.Status == vivier.OfferPublished || o.Status == vivier.OfferScheduled
	fields, err := readOfferForm(c, o, h.communeResolver(c))
	if err != nil {
		return err
	}
	if len(fields) > 0 {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, o, fields)
	}
	err = h.Store.UpdateOffer(c.UserContext(), adm.ID, o, actor(c))
	if f := fieldOf(err); f != "" {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, o, map[string]string{f: vivier.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	msg := "Modifications enregistrées."
	if wasOnline && o.Status == vivier.OfferPending {
		msg += " Son contenu ayant changé, l'offre est renvoyée à la validation : elle n'est plus en ligne jusqu'à sa nouvelle validation."
	}
	return h.back(c, offerURL(adm, o.ID), msg+kindBlockHint(c, o))
}

func (h *Handler) moveOffer(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := offerParam(c)
	if err != nil {
		return err
	}
	to := vivier.OfferStatus(c.FormValue("status"))
	if err := h.Store.MoveOffer(c.UserContext(), adm.ID, id, to, actor(c)); err != nil {
		return err
	}
	if to == vivier.OfferPending {
		return h.back(c, offerURL(adm, id), "L'offre est soumise à validation : elle sera en ligne une fois validée.")
	}
	return h.back(c, offerURL(adm, id), "L'offre est maintenant "+to.Label()+".")
}

// kindBlockHint tells the agent, when the offer has just become a concours
// or a stage, that the form now has the fields of that kind: without
// JavaScript they appear only once the kind is saved.
func kindBlockHint(c *fiber.Ctx, o *vivier.Offer) string {
	args := c.Request().PostArgs()
	switch {
	case o.Kind == vivier.KindConcours && !args.Has("nor"):
		return " Complétez maintenant les champs propres au concours, ajoutés au formulaire."
	case (o.Kind == vivier.KindStage || o.Kind == vivier.KindApprentissage) && !args.Has("duree"):
		return " Complétez maintenant les champs propres au stage ou à l'apprentissage, ajoutés au formulaire."
	}
	return ""
}
