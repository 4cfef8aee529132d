package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// agentsPage lists the administration's agents and pending invitations,
// with the form that invites one.
type agentsPage struct {
	templates.Page
	Agents      []vivier.AgentWithRoles
	Invitations []vivier.Invitation
	Roles       []option
	Me          int64 // the agent looking, who may not remove themselves
	// What the invitation form shows: a refused invitation's values, or the
	// most common role.
	InviteEmail, InviteRole string
}

func (h *Handler) agentsPage(c *fiber.Ctx) error {
	return h.renderAgents(c, fiber.StatusOK, &agentsPage{InviteRole: string(vivier.RoleRecruteur)})
}

func (h *Handler) renderAgents(c *fiber.Ctx, status int, p *agentsPage) error {
	adm := currentAdministration(c)
	var err error
	if p.Agents, err = h.Store.AgentsOfAdministration(c.UserContext(), adm.ID); err != nil {
		return err
	}
	if p.Invitations, err = h.Store.PendingInvitations(c.UserContext(), adm.ID); err != nil {
		return err
	}
	for _, r := range vivier.AssignableRoles {
		p.Roles = append(p.Roles, option{string(r), r.Label()})
	}
	p.Me = currentAgent(c).ID
	return h.page(c, status, "admin/agents", p)
}

func (h *Handler) invite(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	email := c.FormValue("email")
	role, err := vivier.ParseRole(c.FormValue("role"))
	if err == nil {
		_, err = h.Store.Invite(c.UserContext(), adm.ID, email, role, actor(c))
	}
	refuse := func(err error) error {
		p := &agentsPage{InviteEmail: email, InviteRole: c.FormValue("role")}
		p.Refuse("L'invitation n'est pas partie.", fieldOf(err), err)
		return h.renderAgents(c, fiber.StatusUnprocessableEntity, p)
	}
	return h.finish(c, err, refuse, admURL(adm, "/agents"), "Invitation envoyée à "+email+".")
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
