// Package admin is the back-office: agents sign in, and everything they do is
// scoped to an administration and checked against its role policies.
package admin

import (
	"strconv"
	"time"

	"log/slog"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"

	"vivier"
	"vivier/templates"
)

// Deps is what the back-office needs.
type Deps struct {
	Store    *vivier.Store
	Renderer *templates.Renderer
	Sessions *session.Store
	CSRF     fiber.Handler  // issues the CSRF token of pages with forms (checking is global)
	Limit    fiber.Handler  // rate limit per IP of sensitive routes (sign-in), shared through Redis
	Limiter  vivier.Limiter // for limits of their own (per account)
	Log      *slog.Logger
}

// Handler serves the back-office.
type Handler struct {
	Deps
	// dummyHash is checked when a sign-in names an unknown email, so that
	// the answer takes as long as for a known one.
	dummyHash string
}

// New returns the back-office's handler.
func New(d Deps) (*Handler, error) {
	dummy, err := vivier.HashPassword("no-such-account-" + strconv.FormatInt(time.Now().UnixNano(), 36))
	if err != nil {
		return nil, err
	}
	return &Handler{Deps: d, dummyHash: dummy}, nil
}

// Register adds the back-office routes, all under /admin.
func (h *Handler) Register(app fiber.Router) {
	r := app.Group("/admin", noStore, h.CSRF, h.loadAgent)
	r.Get("/connexion", h.loginForm)
	r.Post("/connexion", h.Limit, h.login)
	r.Post("/deconnexion", h.logout)
	r.Get("/", h.requireAgent, h.home)
}

// noStore keeps back-office pages out of every cache: they show personal data
// and must not come back from the browser's history after sign-out.
func noStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}
