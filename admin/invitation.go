package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

func (h *Handler) invitationForm(c *fiber.Ctx) error {
	inv, err := h.Store.InvitationByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return h.invitationLinkError(c, err)
	}
	return h.invitationPage(c, fiber.StatusOK, inv, nil)
}

func (h *Handler) invitationPage(c *fiber.Ctx, status int, inv *vivier.Invitation, data templates.Map) error {
	if data == nil {
		data = templates.Map{}
	}
	existing, err := h.Store.AgentByEmail(c.UserContext(), inv.Email)
	if err != nil && vivier.ErrorCode(err) != vivier.ENOTFOUND {
		return err
	}
	data["Invitation"] = inv
	data["RoleLabel"] = inv.Role.Label()
	// An agent who already has a password keeps it: they only confirm.
	data["HasAccount"] = existing != nil && existing.PasswordHash != ""
	return h.page(c, status, "admin/invitation", data)
}

func (h *Handler) acceptInvitation(c *fiber.Ctx) error {
	token := c.Params("token")
	inv, err := h.Store.InvitationByToken(c.UserContext(), token)
	if err != nil {
		return h.invitationLinkError(c, err)
	}
	password := c.FormValue("password")
	if password != "" && password != c.FormValue("password_confirm") {
		return h.invitationPage(c, fiber.StatusUnprocessableEntity, inv, templates.Map{"Error": "Le formulaire comporte une erreur.",
			"Fields":    map[string]string{"password_confirm": "Les deux mots de passe ne sont pas identiques."},
			"FirstName": c.FormValue("first_name"), "LastName": c.FormValue("last_name")})
	}
	_, err = h.Store.AcceptInvitation(c.UserContext(), token, c.FormValue("first_name"), c.FormValue("last_name"), password, templates.ClientIP(c))
	if f := fieldOf(err); f != "" {
		return h.invitationPage(c, fiber.StatusUnprocessableEntity, inv, templates.Map{"Error": "Le formulaire comporte une erreur.",
			"Fields":    map[string]string{f: vivier.ErrorMessage(err)},
			"FirstName": c.FormValue("first_name"), "LastName": c.FormValue("last_name")})
	}
	if err != nil {
		return h.invitationLinkError(c, err)
	}
	return h.back(c, signInURL+"?retour="+slugURL(inv.AdministrationSlug, ""),
		"Invitation acceptée. Connectez-vous pour accéder à "+inv.AdministrationName+".")
}

func (h *Handler) invitationLinkError(c *fiber.Ctx, err error) error {
	return h.unusableLink(c, err, "Invitation inutilisable",
		" Pour une nouvelle invitation, contactez l'administrateur qui vous a invité.", signInURL, "Se connecter")
}
