package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// apiTokensPage lists the administration's API tokens, with the form that
// creates one; right after a creation, the new token and its secret, once:
// only its digest is kept.
type apiTokensPage struct {
	templates.Page
	Tokens      []vivier.APIToken
	Name, Scope string // the creation form's values
	Created     *vivier.APIToken
	Secret      string
}

func (h *Handler) apiTokensPage(c *fiber.Ctx) error {
	return h.renderAPITokens(c, fiber.StatusOK, &apiTokensPage{})
}

func (h *Handler) renderAPITokens(c *fiber.Ctx, status int, p *apiTokensPage) error {
	var err error
	if p.Tokens, err = h.Store.APITokens(c.UserContext(), currentAdministration(c).ID); err != nil {
		return err
	}
	if p.Error == "" {
		p.Scope = string(vivier.ScopeWrite) // what an HR system that publishes needs
	}
	return h.page(c, status, "admin/api_tokens", p)
}

// createAPIToken creates a token and shows it, once.
func (h *Handler) createAPIToken(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	name := c.FormValue("name")
	scope, err := vivier.ParseAPIScope(c.FormValue("scope"))
	var tok *vivier.APIToken
	var secret string
	if err == nil {
		tok, secret, err = h.Store.CreateAPIToken(c.UserContext(), adm.ID, name, scope, actor(c))
	}
	if f := fieldOf(err); f != "" {
		p := &apiTokensPage{Name: name, Scope: c.FormValue("scope")}
		p.Refuse("Le jeton n'a pas été créé.", f, err)
		return h.renderAPITokens(c, fiber.StatusUnprocessableEntity, p)
	}
	if err != nil {
		return err
	}
	// The secret is in this answer only: it must not stay in a cache.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.renderAPITokens(c, fiber.StatusCreated, &apiTokensPage{Created: tok, Secret: secret})
}

func (h *Handler) revokeAPIToken(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := templates.ParamID(c, "token")
	if err != nil {
		return err
	}
	if err := h.Store.RevokeAPIToken(c.UserContext(), adm.ID, id, actor(c)); err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/api"), "Jeton révoqué : les requêtes qui l'utilisent sont désormais refusées.")
}
