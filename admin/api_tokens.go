package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// apiTokensPage lists the administration's API tokens, with the form that
// creates one.
func (h *Handler) apiTokensPage(c *fiber.Ctx) error {
	return h.apiTokensPageWith(c, fiber.StatusOK, nil)
}

func (h *Handler) apiTokensPageWith(c *fiber.Ctx, status int, data templates.Map) error {
	tokens, err := h.Store.APITokens(c.UserContext(), currentAdministration(c).ID)
	if err != nil {
		return err
	}
	if data == nil {
		data = templates.Map{}
	}
	data["Tokens"] = tokens
	if _, ok := data["Scope"]; !ok {
		data["Scope"] = string(vivier.ScopeWrite) // what an HR system that publishes needs
	}
	return h.page(c, status, "admin/api_tokens", data)
}

// createAPIToken creates a token and shows it, once: only its digest is kept.
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
		return h.apiTokensPageWith(c, fiber.StatusUnprocessableEntity, templates.Map{"Error": "Le jeton n'a pas été créé.",
			"Fields": map[string]string{f: vivier.ErrorMessage(err)}, "Name": name, "Scope": c.FormValue("scope")})
	}
	if err != nil {
		return err
	}
	// The secret is in this answer only: it must not stay in a cache.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.apiTokensPageWith(c, fiber.StatusCreated, templates.Map{"Created": tok, "Secret": secret})
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
