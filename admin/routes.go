package admin

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier/policies"
)

// access says who may reach a route before any permission is checked.
type access int

const (
	public         access = iota // anyone (sign-in, links from emails)
	signedIn                     // any signed-in agent, for their own things
	platform                     // perm checked across the platform
	administration               // perm checked in the URL's administration (:adm)
)

// Route is one back-office route and what it requires.
type Route struct {
	Method, Path string // Path below /admin
	Access       access
	Perm         string // "resource:action", for platform and administration routes
	handler      fiber.Handler
	limited      bool // rate limited per IP (sign-in, password reset)
}

// Routes is the table of every back-office route: the one place where a
// route is declared with what it requires. Register refuses to start with a
// route of this table whose declaration is missing or unknown, and Verify
// with a route under /admin that is not in it.
func (h *Handler) Routes() []Route {
	return []Route{
		{Method: "GET", Path: "/connexion", Access: public, handler: h.loginForm},
		{Method: "POST", Path: "/connexion", Access: public, handler: h.login, limited: true},
		{Method: "GET", Path: "/proconnect", Access: public, handler: h.proconnectStart, limited: true},
		{Method: "GET", Path: "/proconnect/retour", Access: public, handler: h.proconnectReturn, limited: true},
		{Method: "GET", Path: "/mot-de-passe-oublie", Access: public, handler: h.forgotForm},
		{Method: "POST", Path: "/mot-de-passe-oublie", Access: public, handler: h.forgot, limited: true},
		{Method: "GET", Path: "/mot-de-passe/:token", Access: public, handler: h.resetForm},
		{Method: "POST", Path: "/mot-de-passe/:token", Access: public, handler: h.reset, limited: true},
		{Method: "GET", Path: "/invitation/:token", Access: public, handler: h.invitationForm},
		{Method: "POST", Path: "/invitation/:token", Access: public, handler: h.acceptInvitation, limited: true},

		{Method: "POST", Path: "/deconnexion", Access: signedIn, handler: h.logout},
		{Method: "GET", Path: "/", Access: signedIn, handler: h.home},
		{Method: "GET", Path: "/compte/sessions", Access: signedIn, handler: h.sessionsPage},
		{Method: "POST", Path: "/compte/sessions/:id/fin", Access: signedIn, handler: h.endSession},

		{Method: "GET", Path: "/plateforme/administrations", Access: platform, Perm: "platform:manage", handler: h.platformPage},
		{Method: "POST", Path: "/plateforme/administrations", Access: platform, Perm: "platform:manage", handler: h.createAdministration},

		{Method: "GET", Path: "/:adm", Access: administration, Perm: "dashboard:read", handler: h.dashboard},
		{Method: "GET", Path: "/:adm/offres", Access: administration, Perm: "offers:read", handler: h.offersPage},
		{Method: "GET", Path: "/:adm/offres/nouvelle", Access: administration, Perm: "offers:edit", handler: h.newOfferPage},
		{Method: "POST", Path: "/:adm/offres", Access: administration, Perm: "offers:edit", handler: h.createOffer},
		{Method: "GET", Path: "/:adm/offres/:offer", Access: administration, Perm: "offers:read", handler: h.offerPage},
		{Method: "POST", Path: "/:adm/offres/:offer", Access: administration, Perm: "offers:edit", handler: h.updateOffer},
		{Method: "POST", Path: "/:adm/offres/:offer/statut", Access: administration, Perm: "offers:publish", handler: h.moveOffer},
		{Method: "GET", Path: "/:adm/agents", Access: administration, Perm: "agents:manage", handler: h.agentsPage},
		{Method: "POST", Path: "/:adm/agents/invitations", Access: administration, Perm: "agents:manage", handler: h.invite},
		{Method: "POST", Path: "/:adm/agents/invitations/:invitation/annulation", Access: administration, Perm: "agents:manage", handler: h.cancelInvitation},
		{Method: "POST", Path: "/:adm/agents/:agent/role", Access: administration, Perm: "agents:manage", handler: h.changeRole},
		{Method: "POST", Path: "/:adm/agents/:agent/retrait", Access: administration, Perm: "agents:manage", handler: h.removeAgent},
		{Method: "GET", Path: "/:adm/administration", Access: administration, Perm: "administrations:manage", handler: h.administrationPage},
		{Method: "POST", Path: "/:adm/administration", Access: administration, Perm: "administrations:manage", handler: h.updateAdministration},
		{Method: "POST", Path: "/:adm/directions", Access: administration, Perm: "administrations:manage", handler: h.createChild},
		{Method: "POST", Path: "/:adm/directions/:child/statut", Access: administration, Perm: "administrations:manage", handler: h.setChildStatus},
		{Method: "GET", Path: "/:adm/journal", Access: administration, Perm: "audit:read", handler: h.auditPage},
		{Method: "GET", Path: "/:adm/api", Access: administration, Perm: "api_tokens:manage", handler: h.apiTokensPage},
		{Method: "POST", Path: "/:adm/api/jetons", Access: administration, Perm: "api_tokens:manage", handler: h.createAPIToken},
		{Method: "POST", Path: "/:adm/api/jetons/:token/revocation", Access: administration, Perm: "api_tokens:manage", handler: h.revokeAPIToken},
	}
}

// Register mounts the table under /admin. It fails, so that the program does
// not start, on a route whose permission is missing, malformed or granted to
// no role.
func (h *Handler) Register(app fiber.Router) error {
	r := app.Group("/admin", noStore, h.CSRF, h.loadAgent)
	for _, rt := range h.Routes() {
		chain, err := h.chain(rt)
		if err != nil {
			return fmt.Errorf("admin: %s /admin%s: %w", rt.Method, rt.Path, err)
		}
		r.Add(rt.Method, rt.Path, chain...)
		h.declared[rt.Method+" "+strings.TrimSuffix("/admin"+rt.Path, "/")] = true
	}
	return nil
}

func (h *Handler) chain(rt Route) ([]fiber.Handler, error) {
	var chain []fiber.Handler
	if rt.limited {
		chain = append(chain, h.Limit)
	}
	switch rt.Access {
	case public, signedIn:
		if rt.Perm != "" {
			return nil, fmt.Errorf("a %s route takes no permission", map[access]string{public: "public", signedIn: "signed-in"}[rt.Access])
		}
		if rt.Access == signedIn {
			chain = append(chain, h.requireAgent)
		}
	case platform, administration:
		p, err := policies.ParsePermission(rt.Perm)
		if err != nil {
			return nil, err
		}
		if !h.Policies.Known(p) {
			return nil, fmt.Errorf("permission %s is granted to no role in policy.csv", p)
		}
		if rt.Access == administration && !strings.HasPrefix(rt.Path, "/:adm") {
			return nil, fmt.Errorf("an administration route starts with /:adm")
		}
		chain = append(chain, h.requireAgent)
		if rt.Access == platform {
			chain = append(chain, h.authorizePlatform(p))
		} else {
			chain = append(chain, h.authorize(p))
		}
	default:
		return nil, fmt.Errorf("no access declared")
	}
	return append(chain, rt.handler), nil
}

// Verify fails when the app has a route under /admin that the table does not
// declare (one added by hand, outside Routes, would escape the checks).
func (h *Handler) Verify(app *fiber.App) error {
	for _, r := range app.GetRoutes(true) {
		if r.Method == "HEAD" || !(r.Path == "/admin" || strings.HasPrefix(r.Path, "/admin/")) {
			continue
		}
		if !h.declared[r.Method+" "+strings.TrimSuffix(r.Path, "/")] {
			return fmt.Errorf("admin: %s %s is not declared in admin.Routes", r.Method, r.Path)
		}
	}
	return nil
}
