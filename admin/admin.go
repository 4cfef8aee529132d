// Package admin is the back-office. Agents sign in here; everything else
// lives under /admin/{administration slug}/..., where each route declares the
// permission it needs (policies.AgentsManage), checked by Casbin (policies)
// in the administration named by the URL, whose id then scopes every Store
// query.
//
// Where to look: routes.go is the table of every route and what it requires;
// request.go holds what a handler needs of its request (agent,
// administration, permissions, the end of a form: finish); urls.go builds
// the back office's addresses; page.go renders a page from its model, a
// struct that embeds templates.Page and is declared beside its handler.
package admin

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/hibiken/asynq"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// Deps is what the back-office needs.
type Deps struct {
	Store         *vivier.Store
	Renderer      *templates.Renderer
	Sessions      *session.Store
	Policies      *policies.Enforcer
	CSRF          fiber.Handler  // issues the CSRF token of pages with forms (checking is global)
	Limit         fiber.Handler  // rate limit per IP of sensitive routes (sign-in), shared through Redis
	Limiter       vivier.Limiter // for limits of their own (per account)
	SessionMaxAge time.Duration  // a session ends this long after sign-in, active or not
	ProConnect    *ProConnect    // nil or unconfigured: password sign-in only
	BaseURL       string         // public URL of the site, for the brand page preview's links
	Log           *slog.Logger
	Files         vivier.FileStore // candidates' files, served to agents through the app
	Tasks         *asynq.Inspector // nil without Redis: no failed tasks to show
	TaskMonitor   http.Handler     // Asynqmon, served to platform administrators
	CSP           CSP              // publication to Choisir le Service Public
}

// Handler serves the back-office.
type Handler struct {
	Deps
	// dummyHash is checked when a sign-in names an unknown email, so that
	// the answer takes as long as for a known one.
	dummyHash string
	declared  map[string]bool // "METHOD /admin/path" of every route of the table
}

// New returns the back-office's handler.
func New(d Deps) (*Handler, error) {
	dummy, err := vivier.HashPassword("no-such-account-" + strconv.FormatInt(time.Now().UnixNano(), 36))
	if err != nil {
		return nil, err
	}
	if d.SessionMaxAge <= 0 {
		d.SessionMaxAge = 12 * time.Hour
	}
	return &Handler{Deps: d, dummyHash: dummy, declared: map[string]bool{}}, nil
}

// noStore keeps back-office pages out of every cache: they show personal data
// and must not come back from the browser's history after sign-out.
func noStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}
