// Package api is the JSON API under /api/v1: the offers API, with which an
// administration's HR information system pushes, reads and closes its
// offers (bearer token per administration, CSPLab's offer shape), and the
// public open-data feed of published offers. The OpenAPI document that
// describes both is embedded and served at /api/v1/openapi.json.
//
// It belongs to the employers' back-office, whose tokens page creates the
// tokens, hence its place under admin. Errors are returned to the app's error
// handler, which answers JSON under /api.
package api

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// Deps is what the API needs.
type Deps struct {
	Store    *vivier.Store
	Policies *policies.Enforcer
	Limiter  vivier.QuotaLimiter
	// RatePerMinute is each token's quota, and each address's on the open
	// data feed.
	RatePerMinute int
	BaseURL       string // for the offers' public URLs
	Log           *slog.Logger
}

// Handler serves the API.
type Handler struct {
	Deps
	spec []byte // the OpenAPI document, as JSON
}

// New returns the API's handler; a broken OpenAPI document is an error, so
// that the program does not start with it.
func New(d Deps) (*Handler, error) {
	spec, err := specJSON()
	if err != nil {
		return nil, fmt.Errorf("api: openapi.yaml: %w", err)
	}
	if d.RatePerMinute <= 0 {
		d.RatePerMinute = 120
	}
	return &Handler{Deps: d, spec: spec}, nil
}

const (
	localToken          = "api_token"
	localAdministration = "api_administration"
)

// Register mounts the API under /api/v1. CSPLab spells some paths with a
// trailing slash (/offres/creer_modifier/): Fiber's routing, not strict,
// serves both spellings.
func (h *Handler) Register(app fiber.Router) {
	v1 := app.Group("/api/v1", noStore)
	v1.Get("/openapi.json", h.openapi)
	v1.Get("/donnees/offres", h.limitByIP, h.openData)
	v1.Get("/donnees/offres.csv", h.limitByIP, h.openData)
	v1.Get("/donnees/modifications", h.limitByIP, h.changes)
	v1.Get("/donnees/modifications.csv", h.limitByIP, h.changes)
	v1.Get(strings.TrimPrefix(schemaOffersPath, "/api/v1"), h.offersSchema)
	v1.Get(strings.TrimPrefix(schemaChangesPath, "/api/v1"), h.changesSchema)

	read, write := h.authenticate(vivier.ScopeRead), h.authenticate(vivier.ScopeWrite)
	v1.Post("/offres/creer_modifier", write, h.upsertOffers)
	v1.Post("/offres/archiver", write, h.archiveOffer)
	v1.Get("/offres", read, h.listOffers)
	v1.Get("/offres/:reference", read, h.getOffer)
	v1.Post("/offres/:reference/cloture", write, h.closeOffer)
}

// noStore keeps answers out of shared caches: they depend on the token.
func noStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

// authenticate admits a request that carries a live token of at least the
// scope asked for, counts it against the token's quota, and puts the token
// and its administration in the locals: handlers scope every query by that
// administration, never by anything the request says.
func (h *Handler) authenticate(scope vivier.APIScope) fiber.Handler {
	return func(c *fiber.Ctx) error {
		secret := bearer(c.Get(fiber.HeaderAuthorization))
		if secret == "" {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="vivier"`)
			return vivier.Errorf(vivier.EUNAUTHORIZED, "Jeton d'API absent. Envoyez l'en-tête « Authorization: Bearer <jeton> ».")
		}
		tok, adm, err := h.Store.AuthenticateAPIToken(c.UserContext(), secret)
		if err != nil {
			if vivier.ErrorCode(err) == vivier.EUNAUTHORIZED {
				c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="vivier", error="invalid_token"`)
			}
			return err
		}
		if h.Policies != nil && h.Policies.Suspended(adm.ID) {
			return vivier.Errorf(vivier.EFORBIDDEN, "Cette administration est suspendue : ses jetons d'API ne sont plus acceptés.")
		}
		if err := h.take(c, "api:token:"+strconv.FormatInt(tok.ID, 10)); err != nil {
			return err
		}
		if scope == vivier.ScopeWrite && !tok.CanWrite() {
			return vivier.Errorf(vivier.EFORBIDDEN, "Ce jeton est en lecture seule : il ne peut pas créer, modifier ni clôturer d'offre.")
		}
		c.Locals(localToken, tok)
		c.Locals(localAdministration, adm)
		return c.Next()
	}
}

// bearer reads the token of an Authorization header. CSPLab's spelling,
// "Api-Key <key>", is accepted too, so that a client written for CSPLab
// needs only a new URL and key.
func bearer(header string) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || (!strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "Api-Key")) {
		return ""
	}
	return strings.TrimSpace(token)
}

// take counts the request against key's quota and says so in the
// RateLimit-* headers; past the quota it answers 429 with Retry-After.
func (h *Handler) take(c *fiber.Ctx, key string) error {
	q, err := h.Limiter.Take(c.UserContext(), key, h.RatePerMinute, time.Minute)
	if err != nil {
		return err
	}
	reset := strconv.Itoa(int((q.Reset + time.Second - 1) / time.Second))
	c.Set("RateLimit-Limit", strconv.Itoa(q.Limit))
	c.Set("RateLimit-Remaining", strconv.Itoa(q.Remaining))
	c.Set("RateLimit-Reset", reset)
	if !q.Allowed {
		c.Set(fiber.HeaderRetryAfter, reset)
		return vivier.Errorf(vivier.ETOOMANY, "Trop de requêtes : %d par minute au plus. Réessayez dans %s secondes.", q.Limit, reset)
	}
	return nil
}

// limitByIP counts requests of the open-data feed per client address.
func (h *Handler) limitByIP(c *fiber.Ctx) error {
	if err := h.take(c, "api:ip:"+templates.ClientIP(c)); err != nil {
		return err
	}
	return c.Next()
}

func currentToken(c *fiber.Ctx) *vivier.APIToken {
	t, _ := c.Locals(localToken).(*vivier.APIToken)
	return t
}

func currentAdministration(c *fiber.Ctx) *vivier.Administration {
	a, _ := c.Locals(localAdministration).(*vivier.Administration)
	return a
}

func (h *Handler) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Type("json")
	return c.Send(h.spec)
}
