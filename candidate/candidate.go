// Package candidate is the public site: home, search, offer and employer
// pages, applications without an account, and tracking by emailed link.
//
// One file per part of the site, each with its routes' handlers and the
// page models they render: structs that embed templates.Page, so that a
// template's data is a type. What every handler needs from a request
// (reading parameters, rate limits, answering a form that was sent) is in
// request.go.
package candidate

import (
	"log/slog"
	"sync"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// Deps is what the public site needs.
type Deps struct {
	Store        *vivier.Store
	Renderer     *templates.Renderer
	BaseURL      string        // public URL of the site, for links in structured data
	CSRF         fiber.Handler // issues the CSRF token of pages with forms (checking is global)
	Log          *slog.Logger
	Files        vivier.FileStore // candidates' CVs and letters
	UploadLimit  int64            // bytes, per file
	Limiter      vivier.Limiter   // per IP and per email, shared through Redis
	ApplyPerHour int              // applications per IP per hour; a third of it per email
	// SuggestPerMinute is how many CVs one IP may send for suggestions.
	SuggestPerMinute int
	// OpenDataPerMinute is the open-data API's quota per address, which
	// /donnees states.
	OpenDataPerMinute int
	// Embedder, when set, gives a profile's meaning, which matching adds to
	// its transparent score.
	Embedder vivier.Embedder
	// CookieSecure marks the mobility space's cookie Secure (BASE_URL is
	// https).
	CookieSecure bool
	// AgentSignIn is ProConnect for the mobility space (nil or not enabled:
	// the emailed link only).
	AgentSignIn AgentSignIn
}

// Handler serves the public site.
type Handler struct {
	Deps
	refMu sync.Mutex
	ref   *reference // read on first use
	// franceMap is the drawing of the départements on /offres.
	franceMap *franceMap
}

// New returns the public site's handler. The map's drawing is embedded:
// one that does not parse stops the start, as a broken template does.
func New(d Deps) (*Handler, error) {
	m, err := parseFranceMap()
	if err != nil {
		return nil, err
	}
	return &Handler{Deps: d, franceMap: m}, nil
}

// Register adds the public routes to r.
func (h *Handler) Register(r fiber.Router) {
	r.Get("/", h.home)
	r.Get("/offres", h.offers)
	r.Get("/carte/departements-:digest.svg", h.mapSprite)
	r.Get("/offres/aide-saisie", h.typingHelp)
	r.Get("/offres/suggestions", h.CSRF, h.suggestForm)
	r.Post("/offres/suggestions", h.limitSuggestions, h.CSRF, h.suggest)
	r.Get("/offres/suggestions/profil", h.matchForm)
	r.Get("/offres/suggestions/resultats", h.limitMatching, h.matchResults)
	r.Get("/offres/:ref", h.offer)
	offer, spontaneous := h.offerTarget, h.spontaneousTarget
	r.Get("/offres/:id/postuler", h.CSRF, h.applyForm(offer))
	r.Post("/offres/:id/postuler", h.CSRF, h.apply(offer))
	r.Get("/offres/:id/postuler/envoyee", h.applySent(offer))
	r.Get("/employeurs/:slug/candidature-spontanee", h.CSRF, h.applyForm(spontaneous))
	r.Post("/employeurs/:slug/candidature-spontanee", h.CSRF, h.apply(spontaneous))
	r.Get("/employeurs/:slug/candidature-spontanee/envoyee", h.applySent(spontaneous))
	r.Get("/suivi", h.CSRF, h.trackingAsk)
	r.Post("/suivi", h.CSRF, h.trackingRequest)
	r.Get("/suivi/:token", h.CSRF, h.space)
	r.Post("/suivi/:token/mes-donnees.zip", h.CSRF, h.export)
	r.Post("/suivi/:token/candidatures/:id/retrait", h.CSRF, h.spaceAction("retrait", h.withdraw))
	r.Post("/suivi/:token/candidatures/:id/relance", h.CSRF, h.spaceAction("relance", h.nudge))
	r.Post("/suivi/:token/candidatures/:id/cv", h.CSRF, h.spaceAction("cv", h.replaceCV))
	r.Post("/suivi/:token/candidatures/:id/pieces", h.CSRF, h.spaceAction("piece", h.addPiece))
	r.Post("/suivi/:token/candidatures/:id/vivier", h.CSRF, h.spaceAction("vivier", h.renewTalentPool))
	r.Post("/suivi/:token/entretiens/:id/acceptation", h.CSRF, h.spaceAction("entretien", h.acceptInterview))
	r.Post("/suivi/:token/entretiens/:id/autre-creneau", h.CSRF, h.spaceAction("creneau", h.otherSlot))
	h.convocationRoutes(r)
	r.Post("/suivi/:token/coordonnees", h.CSRF, h.spaceAction("coordonnees", h.updateDetails))
	r.Post("/suivi/:token/transferts/:id/acceptation", h.CSRF, h.spaceAction("transfert", h.acceptTransfer))
	r.Post("/suivi/:token/transferts/:id/refus", h.CSRF, h.spaceAction("transfert-non", h.refuseTransfer))
	r.Post("/suivi/:token/regroupements/:id/confirmation", h.CSRF, h.inSpace(h.confirmMerge))
	r.Post("/suivi/:token/regroupements/:id/refus", h.CSRF, h.spaceAction("regroupement", h.refuseMerge))
	r.Post("/suivi/:token/liens", h.CSRF, h.revokeLinks)
	r.Post("/suivi/:token/suppression", h.CSRF, h.erase)
	h.registerAlerts(r)
	h.registerMobility(r)
	r.Get("/flux/offres.xml", h.feed)
	r.Get("/donnees", h.openData)
	r.Get("/sitemap.xml", h.sitemap)
	r.Get("/sitemap-offres-:part.xml", h.sitemapPart)
	r.Get("/sitemap-employeurs.xml", h.sitemapEmployers)
	r.Get("/employeurs", h.employers)
	r.Get("/employeurs/:slug", h.employer)
	r.Get("/employeurs/:slug/images/:digest", h.employerImage)
	r.Get("/employeurs-couleur/:file", h.accentStylesheet)
	for _, p := range legalPages {
		r.Get("/"+p, h.legalPage(p))
	}
}

type tile struct{ URL, Title, Desc string }

var homeTiles = []tile{
	{"/offres", "Les offres", "Emplois, concours, stages et apprentissage, par région, catégorie et métier."},
	{"/employeurs", "Les employeurs", "Découvrez les administrations, leurs métiers et leurs équipes."},
	{"/suivi", "Suivre ma candidature", "Recevez par courriel le lien qui montre où en sont vos candidatures."},
	{"/mobilite", "Espace mobilité des agents publics", "Offres ouvertes aux agents publics, profil de compétences visible des recruteurs."},
}

// homePage is the site's home: a search by words, kind and région, the
// latest offers, a few employers, and a tile per part of the site.
type homePage struct {
	templates.Page
	Tiles      []tile
	Kinds      []option
	Regions    []option
	Latest     []vivier.OfferHit
	Employers  []employerCard
	KindLabels map[string]string
}

// homeOffers and homeEmployers are how many of each the home shows.
const (
	homeOffers    = 6
	homeEmployers = 4
)

func (h *Handler) home(c *fiber.Ctx) error {
	// One search gives the latest offers and the counts of the selects.
	res, err := h.Store.SearchOffers(c.UserContext(), vivier.OfferSearch{ByDate: true, Page: 1, PerPage: homeOffers})
	if err != nil {
		return err
	}
	ref, err := h.reference(c)
	if err != nil {
		return err
	}
	brands, err := h.Store.LeadingBrands(c.UserContext(), homeEmployers)
	if err != nil {
		return err
	}
	p := &homePage{Tiles: homeTiles, Latest: res.Hits, KindLabels: kindLabels,
		Kinds:   facetOptions(res.Facets["type"], kindLabels, ""),
		Regions: facetOptions(sortedCounts(facetMap(res.Facets["region"]), ref.regions), ref.regions, "")}
	// Employers first, their directions after (LeadingBrands), so that
	// the few shown are the ones a candidate knows.
	for _, b := range brands {
		card := employerCard{Slug: b.Slug, Name: b.Name, Versant: b.Versant, LogoURL: templates.BrandImageURL(b.Slug, b.Content.V.Logo)}
		if hero := b.Content.V.Hero(); hero != nil {
			card.Tagline = hero.Text
		}
		p.Employers = append(p.Employers, card)
	}
	return h.Renderer.Page(c, fiber.StatusOK, "home", p)
}

// facetMap turns facet counts back into a map, for sortedCounts.
func facetMap(fs []vivier.FacetCount) map[string]int {
	m := make(map[string]int, len(fs))
	for _, f := range fs {
		m[f.Value] = f.Count
	}
	return m
}
