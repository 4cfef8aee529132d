// Package candidate is the public site: home, search, offer and employer
// pages, applications without an account, and tracking by emailed link.
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
	Store    *vivier.Store
	Renderer *templates.Renderer
	BaseURL  string        // public URL of the site, for links in structured data
	CSRF     fiber.Handler // issues the CSRF token of pages with forms (checking is global)
	Log      *slog.Logger
}

// Handler serves the public site.
type Handler struct {
	Deps
	refMu sync.Mutex
	ref   *reference // read on first use
}

// New returns the public site's handler.
func New(d Deps) *Handler { return &Handler{Deps: d} }

// Register adds the public routes to r.
func (h *Handler) Register(r fiber.Router) {
	r.Get("/", h.home)
	r.Get("/offres", h.offers)
	r.Get("/offres/:ref", h.offer)
	r.Get("/flux/offres.xml", h.feed)
	r.Get("/sitemap.xml", h.sitemap)
	r.Get("/sitemap-offres-:part.xml", h.sitemapPart)
	for _, p := range []string{"accessibilite", "mentions-legales", "donnees-personnelles"} {
		page := "legal/" + p
		r.Get("/"+p, func(c *fiber.Ctx) error { return h.Renderer.Page(c, fiber.StatusOK, page, nil) })
	}
}

type tile struct{ URL, Title, Desc string }

var homeTiles = []tile{
	{"/offres", "Les offres", "Emplois, concours, stages et apprentissage, par région, catégorie et métier."},
	{"/employeurs", "Les employeurs", "Découvrez les administrations, leurs métiers et leurs équipes."},
	{"/suivi", "Suivre ma candidature", "Recevez par courriel le lien qui montre où en sont vos candidatures."},
}

func (h *Handler) home(c *fiber.Ctx) error {
	return h.Renderer.Page(c, fiber.StatusOK, "home", templates.Map{"Tiles": homeTiles})
}
