package candidate

import (
	"cmp"
	"encoding/json"
	"errors"
	"html/template"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// readSearch parses the request's query string with ParseSearch, a place
// typed in lieu read first (placeToPoint).
func (h *Handler) readSearch(c *fiber.Ctx) (vivier.OfferSearch, error) {
	v, err := parseQuery(rawQuery(c))
	if err != nil {
		return vivier.OfferSearch{}, err
	}
	if err := h.placeToPoint(c.UserContext(), v); err != nil {
		return vivier.OfferSearch{Page: 1}, err
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

// offersPage is the search: the form, with its filters and their counts,
// and a page of results.
type offersPage struct {
	templates.Page
	Search     vivier.OfferSearch
	Results    *vivier.OfferResults
	Invalid    *vivier.Error // a parameter that the form shows as refused
	PageNumber int
	Pages      int
	Prev, Next string      // links to the pages around, when there are some
	Current    string      // this page's own link
	TotalText  string      // the total, its thousands spaced the French way
	Suggestion *suggestion // a corrected query, when this one finds nothing
	// The filters.
	Kinds, Versants, Categories, Regions, Domaines, Contrats, Experiences, Managements, Employers, Since []option
	Distance                                                                                             distance
	KindLabels                                                                                           map[string]string
	AlertURL                                                                                             string // the form that saves this search as an alert
	// Tags are the applied filters, each with a link that removes it; the
	// phone's "Filtrer (n)" button counts them.
	Tags []filterTag
	Map  offersMap
	// Reserved marks the hits reserved to public agents.
	Reserved map[int64]bool
}

func (h *Handler) offers(c *fiber.Ctx) error {
	q, err := h.readSearch(c)
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
	p := &offersPage{Search: q, Results: res, Invalid: invalid,
		Pages:       templates.LastPage(res.Total, vivier.SearchPageSize),
		TotalText:   frenchInt(res.Total),
		Kinds:       facetOptions(res.Facets["type"], kindLabels, q.Kind),
		Versants:    facetOptions(res.Facets["versant"], versantLabels, q.Versant),
		Categories:  facetOptions(res.Facets["categorie"], categorieLabels, q.Categorie),
		Regions:     facetOptions(res.Facets["region"], ref.regions, q.Region),
		Domaines:    facetOptions(res.Facets["domaine"], ref.domaines, q.Domaine),
		Contrats:    facetOptions(res.Facets["contrat"], contratLabels, q.Contrat),
		Experiences: facetOptions(res.Facets["experience"], experienceLabels, q.Experience),
		Managements: facetOptions(res.Facets["management"], managementLabels, managementValue(q.Management)),
		Employers:   facetOptions(res.Facets["employeur"], nil, q.Employer),
		Since:       sinceOptions(res.Facets["depuis"], q.Since),
		Distance:    distanceForm(c, q),
		KindLabels:  kindLabels,
		AlertURL:    "/alertes/nouvelle?" + rawQuery(c)}
	ids := make([]int64, len(res.Hits))
	for i, o := range res.Hits {
		ids[i] = o.ID
	}
	if p.Reserved, err = h.Store.ReservedOffers(c.UserContext(), ids); err != nil {
		return err
	}
	if invalid == nil && res.Total == 0 && q.Q != "" {
		if p.Suggestion, err = h.didYouMean(c, q); err != nil {
			return err
		}
	}
	// The address's parameters, read once: the tags, the map and the
	// pages each write their own copy.
	params := queryValues(c)
	p.Tags = appliedFilters(params, p, ref.departements)
	p.Map = newOffersMap(h.franceMap, res.Facets["departement"], ref.departements, params)
	p.PageNumber = max(1, min(q.Page, p.Pages))
	link := func(page int) string {
		v := maps.Clone(params)
		v.Set("page", strconv.Itoa(page))
		return "/offres?" + v.Encode()
	}
	p.Current = link(p.PageNumber)
	if p.PageNumber > 1 {
		p.Prev = link(p.PageNumber - 1)
	}
	if p.PageNumber < p.Pages {
		p.Next = link(p.PageNumber + 1)
	}
	return h.Renderer.Page(c, status, "candidate/offers", p)
}

// suggestion is "Vouliez-vous dire…": a query close to the one typed that
// finds offers, and the link that runs it with the same filters.
type suggestion struct {
	Query, URL string
}

// didYouMean corrects a query that found nothing, word by word from the words
// of the published offers' titles; nil when nothing close finds an offer.
func (h *Handler) didYouMean(c *fiber.Ctx, q vivier.OfferSearch) (*suggestion, error) {
	fixed, err := h.Store.SuggestQuery(c.UserContext(), q)
	if err != nil || fixed == "" {
		return nil, err
	}
	v := queryValues(c)
	v.Set("q", fixed)
	v.Del("page")
	return &suggestion{Query: fixed, URL: "/offres?" + v.Encode()}, nil
}

var offerPathRE = regexp.MustCompile(`^(\d+)(-[a-z0-9-]*)?$`)

// offerPage is an offer's public page.
type offerPage struct {
	templates.Page
	Offer *vivier.Offer
	// Adm is the offer's employer (a public page has no back-office
	// administration for it to hide).
	Adm       *vivier.Administration
	KindLabel string
	Closed    bool // closed by its recruiters: it says so
	Open      bool // open to applications today
	Skills    []vivier.Competence
	Metier    *vivier.Metier // its RMFP métier, when it names one
	Labels    map[string]any
	Brand     *offerBrand // nil when the employer has no public page
	Related   []vivier.RelatedOffer
	JSONLD    template.JS // the schema.org JobPosting of a published offer
	// NoIndex keeps a closed offer out of search engines: it stays
	// readable for those who have its link.
	NoIndex bool
	Facts   []offerFact // the summary the page opens with
}

// offerBrand is what the offer page shows of its employer's public page.
type offerBrand struct {
	URL, Accent, LogoURL string
}

// errorPage is the site's error page, for an answer that is not an error
// of the request (an offer withdrawn).
type errorPage struct {
	templates.Page
	Status         int
	Title, Message string
}

func (h *Handler) offer(c *fiber.Ctx) error {
	m := offerPathRE.FindStringSubmatch(c.Params("ref"))
	if m == nil {
		return vivier.Errorf(vivier.ENOTFOUND, "Cette offre n'existe pas.")
	}
	id, ok := templates.ParseID(m[1])
	if !ok { // 0, or past any id: no such offer either
		return vivier.Errorf(vivier.ENOTFOUND, "Cette offre n'existe pas.")
	}
	v, err := h.Store.PublicOfferPage(c.UserContext(), id)
	if err != nil {
		return err
	}
	o, adm := v.Offer, v.Adm
	if o.Status == vivier.OfferArchived {
		return h.Renderer.Page(c, fiber.StatusGone, "error", &errorPage{Status: fiber.StatusGone, Title: "Offre retirée",
			Message: "Cette offre a été retirée : elle n'est plus consultable. D'autres offres vous attendent sur la page de recherche."})
	}
	p := &offerPage{Offer: o, Adm: adm, KindLabel: kindLabels[string(o.Kind)], Closed: o.Status == vivier.OfferClosed,
		Skills: v.Skills, Metier: v.Metier, Labels: offerLabels, Open: vivier.OfferOpen(o, time.Now())}
	if b := v.Brand; b != nil {
		p.Brand = &offerBrand{URL: "/employeurs/" + adm.Slug, Accent: strings.TrimPrefix(b.Accent, "#"),
			LogoURL: templates.BrandImageURL(adm.Slug, b.Logo)}
	}
	brandURL := ""
	if p.Brand != nil {
		brandURL = p.Brand.URL
	}
	p.Facts = offerFacts(o, adm, p.KindLabel, brandURL)
	if p.Related, err = h.Store.RelatedOffers(c.UserContext(), o, 3); err != nil {
		return err
	}
	if o.Status == vivier.OfferPublished {
		ref, err := h.reference(c)
		if err != nil {
			return err
		}
		p.JSONLD = jobPosting(o, adm, h.BaseURL, ref.regions, time.Now())
	} else {
		p.NoIndex = true
		c.Set("X-Robots-Tag", "noindex")
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/offer", p)
}

// offerLabels are the French words of the codes the offer page shows.
var offerLabels = map[string]any{
	"Access": vivier.AccessModalityLabels, "Language": vivier.LanguageNames, "WorkingTime": vivier.WorkingTimeLabels,
	"Diploma":    vivier.DiplomaLevelLabels,
	"Experience": map[string]string{"DEBUTANT": "débutant", "CONFIRME": "confirmé", "EXPERT": "expert"},
}

// validThroughDefault is how long a JobPosting says an offer without an
// end of publication stays open: a month from the day the page is read,
// since such an offer runs until its recruiters close it, and a closed
// offer leaves the sitemap and says noindex.
const validThroughDefault = 30 * 24 * time.Hour

// postalCodeRE finds a French postal code in a place's label.
var postalCodeRE = regexp.MustCompile(`\b[0-9]{5}\b`)

// jobPosting is the schema.org JobPosting of a published offer, as JSON
// that json.Marshal made safe inside a script element. regions names the
// régions by code.
func jobPosting(o *vivier.Offer, adm *vivier.Administration, base string, regions map[string]string, now time.Time) template.JS {
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
		"url":                base + offerPath(o.ID),
	}
	if o.PublishedAt != nil {
		jp["datePosted"] = o.PublishedAt.Format("2006-01-02")
	}
	through := now.Add(validThroughDefault)
	if o.EndAt != nil {
		through = *o.EndAt
	} else if o.ApplicationDeadline != nil {
		through = *o.ApplicationDeadline
	}
	jp["validThrough"] = through.In(vivier.Paris()).Format(time.RFC3339)
	if len(employment) > 0 {
		jp["employmentType"] = employment
	}
	if r, ok := vivier.OfferSalary(o); ok {
		value := map[string]any{"@type": "QuantitativeValue", "unitText": r.Unit}
		if r.Min == r.Max {
			value["value"] = r.Min
		} else {
			value["minValue"], value["maxValue"] = r.Min, r.Max
		}
		jp["baseSalary"] = map[string]any{"@type": "MonetaryAmount", "currency": "EUR", "value": value}
	}
	if o.Workplace == "TELETRAVAIL" && len(o.Locations) == 0 {
		jp["jobLocationType"] = "TELECOMMUTE"
		jp["applicantLocationRequirements"] = map[string]any{"@type": "Country", "name": "France"}
	}
	var places []any
	for _, l := range o.Locations {
		address := map[string]any{"@type": "PostalAddress", "addressLocality": l.Label, "addressCountry": "FR"}
		if name := regions[l.Region]; name != "" {
			address["addressRegion"] = name
		}
		if pc := postalCodeRE.FindString(l.Label); pc != "" {
			address["postalCode"] = pc
		}
		places = append(places, map[string]any{"@type": "Place", "address": address})
	}
	if len(places) > 0 {
		jp["jobLocation"] = places
	}
	b, _ := json.Marshal(jp)
	return template.JS(b)
}
