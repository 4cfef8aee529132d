package candidate

import (
	"cmp"
	"encoding/json"
	"errors"
	"html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// readSearch parses the request's query string with ParseSearch.
func readSearch(c *fiber.Ctx) (vivier.OfferSearch, error) {
	v, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return vivier.OfferSearch{}, vivier.Errorf(vivier.EINVALID, "L'adresse de la recherche est mal formée.")
	}
	return ParseSearch(v)
}

type option struct {
	Value, Label string
	Count        int
	Selected     bool
}

var kindLabels = map[string]string{"emploi": "Emploi", "concours": "Concours", "stage": "Stage", "apprentissage": "Apprentissage"}
var versantLabels = map[string]string{"etat": "État", "territoriale": "Territoriale", "hospitaliere": "Hospitalière"}
var categorieLabels = map[string]string{"APLUS": "A+", "A": "A", "B": "B", "C": "C", "HORS_CATEGORIE": "Hors catégorie"}
var contratLabels = map[string]string{"TITULAIRE_CONTRACTUEL": "Titulaire ou contractuel", "CONTRACTUELS": "Contractuels", "TERRITORIAL": "Territorial"}

// facetOptions turns counts into the options of a filter, the chosen value
// kept even when it has no result.
func facetOptions(counts []vivier.FacetCount, labels map[string]string, chosen string) []option {
	var out []option
	seen := false
	for _, f := range counts {
		l := cmp.Or(f.Label, labels[f.Value])
		if l == "" {
			l = f.Value
		}
		out = append(out, option{Value: f.Value, Label: l, Count: f.Count, Selected: f.Value == chosen})
		seen = seen || f.Value == chosen
	}
	if chosen != "" && !seen {
		l := labels[chosen]
		if l == "" {
			l = chosen
		}
		out = append(out, option{Value: chosen, Label: l, Selected: true})
	}
	return out
}

func (h *Handler) offers(c *fiber.Ctx) error {
	q, err := readSearch(c)
	status := fiber.StatusOK
	res := &vivier.OfferResults{}
	if err == nil {
		res, err = h.Store.SearchOffers(c.UserContext(), q)
		// A page past the end (an old link, fewer offers now) shows the last.
		if last := templates.LastPage(res.Total, vivier.SearchPageSize); err == nil && res.Total > 0 && q.Page > last {
			q.Page = last
			res, err = h.Store.SearchOffers(c.UserContext(), q)
		}
	}
	var invalid *vivier.Error
	if err != nil {
		// A bad parameter is shown on the form, which keeps what was typed.
		if !errors.As(err, &invalid) || invalid.Code != vivier.EINVALID {
			return err
		}
		status, res = fiber.StatusBadRequest, &vivier.OfferResults{}
	}
	ref, err := h.reference(c)
	if err != nil {
		return err
	}
	pages := (res.Total + vivier.SearchPageSize - 1) / vivier.SearchPageSize
	page := max(1, min(q.Page, pages))
	link := func(p int) string {
		v, _ := url.ParseQuery(string(c.Request().URI().QueryString()))
		v.Set("page", strconv.Itoa(p))
		return "/offres?" + v.Encode()
	}
	data := templates.Map{"Search": q, "Results": res, "Page": page, "Pages": pages, "Invalid": invalid,
		"CountCap":    frenchInt(vivier.SearchCountCap),
		"Kinds":       facetOptions(res.Facets["type"], kindLabels, q.Kind),
		"Versants":    facetOptions(res.Facets["versant"], versantLabels, q.Versant),
		"Categories":  facetOptions(res.Facets["categorie"], categorieLabels, q.Categorie),
		"Regions":     facetOptions(res.Facets["region"], ref.regions, q.Region),
		"Domaines":    facetOptions(res.Facets["domaine"], ref.domaines, q.Domaine),
		"Contrats":    facetOptions(res.Facets["contrat"], contratLabels, q.Contrat),
		"Experiences": facetOptions(res.Facets["experience"], experienceLabels, q.Experience),
		"Managements": facetOptions(res.Facets["management"], managementLabels, managementValue(q.Management)),
		"Employers":   facetOptions(res.Facets["employeur"], nil, q.Employer),
		"Since":       sinceOptions(res.Facets["depuis"], q.Since),
		"Distance":    distanceForm(c, q),
		"KindLabels":  kindLabels,
		"AlertURL":    "/alertes/nouvelle?" + string(c.Request().URI().QueryString())}
	if page > 1 {
		data["Prev"] = link(page - 1)
	}
	if page < pages {
		data["Next"] = link(page + 1)
	}
	return h.Renderer.Page(c, status, "candidate/offers", data)
}

var offerPathRE = regexp.MustCompile(`^(\d+)(-[a-z0-9-]*)?$`)

func (h *Handler) offer(c *fiber.Ctx) error {
	m := offerPathRE.FindStringSubmatch(c.Params("ref"))
	if m == nil {
		return vivier.Errorf(vivier.ENOTFOUND, "Cette offre n'existe pas.")
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	o, adm, err := h.Store.PublicOffer(c.UserContext(), id)
	if err != nil {
		return err
	}
	if o.Status == vivier.OfferArchived {
		return h.Renderer.Page(c, fiber.StatusGone, "error", templates.Map{"Status": fiber.StatusGone, "Title": "Offre retirée",
			"Message": "Cette offre a été retirée : elle n'est plus consultable. D'autres offres vous attendent sur la page de recherche."})
	}
	skills, err := h.Store.OfferCompetences(c.UserContext(), adm.ID, o.ID)
	if err != nil {
		return err
	}
	data := templates.Map{"Offer": o, "Adm": adm, "KindLabel": kindLabels[string(o.Kind)], "Closed": o.Status == vivier.OfferClosed,
		"Skills": skills, "Labels": offerLabels, "Open": vivier.OfferOpen(o, time.Now())}
	// The employer's brand, when it has a public page: logo, accent, link.
	if b, err := h.Store.PublishedBrandTheme(c.UserContext(), adm.ID); err == nil {
		data["Brand"] = templates.Map{"URL": "/employeurs/" + adm.Slug, "Accent": strings.TrimPrefix(b.Accent, "#"),
			"LogoURL": templates.BrandImageURL(adm.Slug, b.Logo)}
	} else if vivier.ErrorCode(err) != vivier.ENOTFOUND {
		return err
	}
	related, err := h.Store.RelatedOffers(c.UserContext(), o, 3)
	if err != nil {
		return err
	}
	data["Related"] = related
	if o.Status == vivier.OfferPublished {
		data["JSONLD"] = jobPosting(o, adm, h.BaseURL)
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/offer", data)
}

// offerLabels are the French words of the codes the offer page shows.
var offerLabels = map[string]any{
	"Access": vivier.AccessModalityLabels, "Language": vivier.LanguageNames, "WorkingTime": vivier.WorkingTimeLabels,
	"Diploma":    vivier.DiplomaLevelLabels,
	"Experience": map[string]string{"DEBUTANT": "débutant", "CONFIRME": "confirmé", "EXPERT": "expert"},
}

// jobPosting is the schema.org JobPosting of a published offer, as JSON
// that json.Marshal made safe inside a script element.
func jobPosting(o *vivier.Offer, adm *vivier.Administration, base string) template.JS {
	types := map[string]string{"CDD": "TEMPORARY", "CDI": "FULL_TIME", "PERMANENT": "FULL_TIME", "VACATION": "PER_DIEM"}
	var employment []string
	for _, f := range o.ContractForms {
		employment = append(employment, types[f])
	}
	if o.Kind == vivier.KindStage || o.Kind == vivier.KindApprentissage {
		employment = append(employment, "INTERN")
	}
	jp := map[string]any{
		"@context": "https://schema.org/", "@type": "JobPosting",
		"title": o.Title, "description": o.Mission + "\n\n" + o.Profile,
		"hiringOrganization": map[string]any{"@type": "Organization", "name": adm.Name, "sameAs": base + "/employeurs/" + adm.Slug},
		"identifier":         map[string]any{"@type": "PropertyValue", "name": adm.Name, "value": o.Reference},
		"url":                base + "/offres/" + strconv.FormatInt(o.ID, 10),
	}
	if o.PublishedAt != nil {
		jp["datePosted"] = o.PublishedAt.Format("2006-01-02")
	}
	if o.EndAt != nil {
		jp["validThrough"] = o.EndAt.Format("2006-01-02T15:04:05-07:00")
	}
	if len(employment) > 0 {
		jp["employmentType"] = employment
	}
	if o.Workplace == "TELETRAVAIL" && len(o.Locations) == 0 {
		jp["jobLocationType"] = "TELECOMMUTE"
		jp["applicantLocationRequirements"] = map[string]any{"@type": "Country", "name": "France"}
	}
	var places []any
	for _, l := range o.Locations {
		places = append(places, map[string]any{"@type": "Place", "address": map[string]any{"@type": "PostalAddress",
			"addressLocality": l.Label, "addressRegion": l.Region, "postalCode": l.Departement, "addressCountry": "FR"}})
	}
	if len(places) > 0 {
		jp["jobLocation"] = places
	}
	b, _ := json.Marshal(jp)
	return template.JS(b)
}
