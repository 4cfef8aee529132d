package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

func (h *Handler) agentsPage(c *fiber.Ctx) error {
	return h.agentsPageWith(c, fiber.StatusOK, nil)
}

func (h *Handler) agentsPageWith(c *fiber.Ctx, status int, data templates.Map) error {
	adm := currentAdministration(c)
	agents, err := h.Store.AgentsOfAdministration(c.UserContext(), adm.ID)
	if err != nil {
		return err
	}
	invitations, err := h.Store.PendingInvitations(c.UserContext(), adm.ID)
	if err != nil {
		return err
	}
	if data == nil {
		data = templates.Map{}
	}
	type roleOption struct{ Value, Label string }
	var roles []roleOption
	for _, r := range vivier.AssignableRoles {
		roles = append(roles, roleOption{string(r), r.Label()})
	}
	data["Agents"] = agents
	data["Invitations"] = invitations
	data["Roles"] = roles
	data["Me"] = currentAgent(c).ID
	if _, ok := data["InviteRole"]; !ok {
		data["InviteRole"] = string(vivier.RoleRecruteur) // the most common invitation
	}
	return h.page(c, status, "admin/agents", data)
}

func (h *Handler) invite(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	email := c.FormValue("email")
	role, err := vivier.ParseRole(c.FormValue("role"))
	if err == nil {
		_, err = h.Store.Invite(c.UserContext(), adm.ID, email, role, actor(c))
	}
	if f := fieldOf(err); f != "" {
		return h.agentsPageWith(c, fiber.StatusUnprocessableEntity, templates.Map{"Error": "L'invitation n'est pas partie.",
			"Fields": map[string]string{f: vivier.ErrorMessage(err)}, "InviteEmail": email, "InviteRole": c.FormValue("role")})
	}
	if err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/agents"), "Invitation envoyée à "+email+".")
}

func (h *Handler) changeRole(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := agentParam(c)
	if err != nil {
		return err
	}
	role, err := vivier.ParseRole(c.FormValue("role"))
	if err != nil {
		return err
	}
	if id == currentAgent(c).ID && role != vivier.RoleAdmin {
		return vivier.Errorf(vivier.EINVALID, "Vous ne pouvez pas retirer votre propre rôle d'administrateur : demandez-le à un autre administrateur.")
	}
	if err := h.Store.ChangeRole(c.UserContext(), adm.ID, id, role, actor(c)); err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/agents"), "Rôle modifié : "+role.Label()+".")
}

func (h *Handler) removeAgent(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := agentParam(c)
	if err != nil {
		return err
	}
	if id == currentAgent(c).ID {
		return vivier.Errorf(vivier.EINVALID, "Vous ne pouvez pas vous retirer vous-même de l'administration.")
	}
	if err := h.Store.RemoveAgent(c.UserContext(), adm.ID, id, actor(c)); err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/agents"), "L'agent a été retiré de l'administration.")
}

func (h *Handler) cancelInvitation(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := templates.ParamID(c, "invitation")
	if err != nil {
		return err
	}
	if err := h.Store.CancelInvitation(c.UserContext(), adm.ID, id, actor(c)); err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/agents"), "L'invitation a été annulée : son lien ne fonctionne plus.")
}
