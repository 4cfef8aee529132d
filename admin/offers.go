package admin

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

var offerKinds = []struct{ Value, Label string }{
	{"emploi", "Emploi"}, {"concours", "Concours"}, {"stage", "Stage"}, {"apprentissage", "Apprentissage"},
}

var offerStatuses = []vivier.OfferStatus{vivier.OfferDraft, vivier.OfferScheduled, vivier.OfferPublished, vivier.OfferClosed, vivier.OfferArchived}

func (h *Handler) offersPage(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	status := vivier.OfferStatus(c.Query("statut"))
	valid := status == ""
	for _, s := range offerStatuses {
		valid = valid || s == status
	}
	if !valid {
		status = ""
	}
	offers, err := h.Store.OffersOf(c.UserContext(), adm.ID, status, 200)
	if err != nil {
		return err
	}
	type tab struct {
		URL, Label string
		Current    bool
	}
	tabs := []tab{{URL: "/admin/" + adm.Slug + "/offres", Label: "Toutes", Current: status == ""}}
	for _, s := range offerStatuses {
		tabs = append(tabs, tab{URL: "/admin/" + adm.Slug + "/offres?statut=" + string(s), Label: s.Label(), Current: s == status})
	}
	return h.page(c, fiber.StatusOK, "admin/offers", templates.Map{"Offers": offers, "Tabs": tabs,
		"CanEdit": h.can(c, "offers:edit")})
}

// can reports whether the agent holds a permission in the current administration.
func (h *Handler) can(c *fiber.Ctx, perm string) bool {
	p, err := policies.ParsePermission(perm)
	if err != nil {
		return false
	}
	ok, _ := h.Policies.Allowed(currentAgent(c).ID, currentAdministration(c).ID, p)
	return ok
}

func (h *Handler) offerForm(c *fiber.Ctx, status int, o *vivier.Offer, fields map[string]string) error {
	domaines, err := h.Store.Domaines(c.UserContext())
	if err != nil {
		return err
	}
	deps, err := h.Store.Departements(c.UserContext())
	if err != nil {
		return err
	}
	data := templates.Map{"Offer": o, "Kinds": offerKinds, "Domaines": domaines, "Departements": deps,
		"Categories": vivier.Categories, "ContractTypes": vivier.ContractTypes, "ContractForms": vivier.ContractForms,
		"Workplaces": vivier.Workplaces, "Experiences": vivier.Experiences, "Fields": fields,
		"CanEdit": h.can(c, "offers:edit"), "CanPublish": h.can(c, "offers:publish"), "Form": offerFormValues(o)}
	if len(fields) > 0 {
		data["Error"] = "L'offre n'a pas été enregistrée."
	}
	if o.ID != 0 {
		var moves []vivier.OfferStatus
		for _, s := range offerStatuses {
			if vivier.CanMove(o.Status, s) {
				moves = append(moves, s)
			}
		}
		data["Moves"] = moves
	}
	return h.page(c, status, "admin/offer", data)
}

func (h *Handler) newOfferPage(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	return h.offerForm(c, fiber.StatusOK, &vivier.Offer{Kind: vivier.KindEmploi, Versant: adm.Versant, OrganisationName: adm.Name,
		Status: vivier.OfferDraft, CVPolicy: "required", LetterPolicy: "optional", Workplace: "NON_DEFINI"}, nil)
}

func offerParam(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("offer"), 10, 64)
	if err != nil {
		return 0, vivier.Errorf(vivier.ENOTFOUND, "Offre introuvable.")
	}
	return id, nil
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
	return h.offerForm(c, fiber.StatusOK, o, nil)
}

func (h *Handler) createOffer(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	o := &vivier.Offer{Status: vivier.OfferDraft}
	regions, err := h.regionsByDepartement(c)
	if err != nil {
		return err
	}
	if fields := readOfferForm(c, o, regions); len(fields) > 0 {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, o, fields)
	}
	err = h.Store.CreateOffer(c.UserContext(), adm.ID, o, actor(c))
	if f := fieldOf(err); f != "" {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, o, map[string]string{f: vivier.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return h.back(c, "/admin/"+adm.Slug+"/offres/"+strconv.FormatInt(o.ID, 10), "Offre enregistrée en brouillon.")
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
	regions, err := h.regionsByDepartement(c)
	if err != nil {
		return err
	}
	if fields := readOfferForm(c, o, regions); len(fields) > 0 {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, o, fields)
	}
	err = h.Store.UpdateOffer(c.UserContext(), adm.ID, o, actor(c))
	if f := fieldOf(err); f != "" {
		return h.offerForm(c, fiber.StatusUnprocessableEntity, o, map[string]string{f: vivier.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	return h.back(c, "/admin/"+adm.Slug+"/offres/"+strconv.FormatInt(o.ID, 10), "Modifications enregistrées.")
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
	return h.back(c, "/admin/"+adm.Slug+"/offres/"+strconv.FormatInt(id, 10), "L'offre est maintenant "+to.Label()+".")
}

// dateLayout is the value of an <input type="datetime-local">, in Paris time.
const dateLayout = "2006-01-02T15:04"

// readOfferForm copies the form into o and returns the errors of fields
// that do not parse; the domain checks the rest.
func readOfferForm(c *fiber.Ctx, o *vivier.Offer, regions map[string]string) map[string]string {
	fields := map[string]string{}
	o.Kind = vivier.OfferKind(c.FormValue("kind"))
	o.Reference = c.FormValue("reference")
	o.Title = c.FormValue("title")
	o.Versant = vivier.Versant(c.FormValue("versant"))
	o.OrganisationName = strings.TrimSpace(c.FormValue("organisation_name"))
	if d := c.FormValue("domaine"); d != "" {
		o.DomaineCode = &d
	} else {
		o.DomaineCode = nil
	}
	args := c.Request().PostArgs()
	o.Categories = nil
	for _, v := range args.PeekMulti("categories") {
		o.Categories = append(o.Categories, string(v))
	}
	o.ContractForms = nil
	for _, v := range args.PeekMulti("contract_forms") {
		o.ContractForms = append(o.ContractForms, string(v))
	}
	o.ContractType = c.FormValue("contract_type")
	o.Mission = c.FormValue("mission")
	o.Profile = c.FormValue("profile")
	o.Workplace = c.FormValue("workplace")
	o.Experience = c.FormValue("experience")
	o.CVPolicy = c.FormValue("cv_policy")
	o.Locations = nil
	if dep := c.FormValue("departement"); dep != "" {
		region, ok := regions[dep]
		if !ok {
			fields["departement"] = "Choisissez un département dans la liste."
		}
		o.Locations = []vivier.Location{{Country: "FRA", Departement: dep, Region: region, Label: strings.TrimSpace(c.FormValue("location_label"))}}
	}
	for name, dst := range map[string]**time.Time{"publish_at": &o.PublishAt, "end_at": &o.EndAt} {
		*dst = nil
		v := c.FormValue(name)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(dateLayout, v, paris)
		if err != nil {
			fields[name] = "Date et heure au format JJ/MM/AAAA HH:MM."
			continue
		}
		*dst = &t
	}
	return fields
}

func (h *Handler) regionsByDepartement(c *fiber.Ctx) (map[string]string, error) {
	deps, err := h.Store.Departements(c.UserContext())
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(deps))
	for _, d := range deps {
		m[d.Code] = d.RegionCode
	}
	return m, nil
}

// paris is the time zone of the dates agents type.
var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}()

// offerFormValues prepares what the form shows of an offer.
func offerFormValues(o *vivier.Offer) templates.Map {
	selected := map[string]bool{}
	for _, v := range o.Categories {
		selected["cat:"+v] = true
	}
	for _, v := range o.ContractForms {
		selected["form:"+v] = true
	}
	m := templates.Map{"Selected": selected, "Domaine": "", "Departement": "", "LocationLabel": ""}
	if o.DomaineCode != nil {
		m["Domaine"] = *o.DomaineCode
	}
	if len(o.Locations) > 0 {
		m["Departement"], m["LocationLabel"] = o.Locations[0].Departement, o.Locations[0].Label
	}
	for name, t := range map[string]*time.Time{"PublishAt": o.PublishAt, "EndAt": o.EndAt} {
		m[name] = ""
		if t != nil {
			m[name] = t.In(paris).Format(dateLayout)
		}
	}
	return m
}
