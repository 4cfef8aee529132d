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
	return h.renderInvitation(c, fiber.StatusOK, inv, &invitationPage{})
}

// invitationPage lets the invited person accept: their name and a password,
// or only a confirmation when they already have an account.
type invitationPage struct {
	templates.Page
	Invitation          *vivier.Invitation
	RoleLabel           string
	HasAccount          bool
	FirstName, LastName string // what a refused form held
}

func (h *Handler) renderInvitation(c *fiber.Ctx, status int, inv *vivier.Invitation, p *invitationPage) error {
	existing, err := h.Store.AgentByEmail(c.UserContext(), inv.Email)
	if err != nil && vivier.ErrorCode(err) != vivier.ENOTFOUND {
		return err
	}
	p.Invitation = inv
	p.RoleLabel = inv.Role.Label()
	// An agent who already has a password keeps it: they only confirm.
	p.HasAccount = existing != nil && existing.PasswordHash != ""
	return h.page(c, status, "admin/invitation", p)
}

func (h *Handler) acceptInvitation(c *fiber.Ctx) error {
	token := c.Params("token")
	inv, err := h.Store.InvitationByToken(c.UserContext(), token)
	if err != nil {
		return h.invitationLinkError(c, err)
	}
	password := c.FormValue("password")
	refused := &invitationPage{FirstName: c.FormValue("first_name"), LastName: c.FormValue("last_name")}
	if password != "" && password != c.FormValue("password_confirm") {
		refused.RefuseFields("Le formulaire comporte une erreur.", map[string]string{"password_confirm": "Les deux mots de passe ne sont pas identiques."})
		return h.renderInvitation(c, fiber.StatusUnprocessableEntity, inv, refused)
	}
	_, err = h.Store.AcceptInvitation(c.UserContext(), token, c.FormValue("first_name"), c.FormValue("last_name"), password, templates.ClientIP(c))
	if f := fieldOf(err); f != "" {
		refused.Refuse("Le formulaire comporte une erreur.", f, err)
		return h.renderInvitation(c, fiber.StatusUnprocessableEntity, inv, refused)
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
