package admin

import (
	"net/url"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// sessionsPage lists the agent's open sessions, to end those they do not
// recognise.
type sessionsPage struct {
	templates.Page
	Sessions []vivier.AgentSession
}

func (h *Handler) sessionsPage(c *fiber.Ctx) error {
	sess, err := h.Sessions.Get(c)
	if err != nil {
		return err
	}
	id := sess.ID()
	list, err := h.Store.AgentSessions(c.UserContext(), currentAgent(c).ID, id)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/sessions", &sessionsPage{Sessions: list})
}

func (h *Handler) endSession(c *fiber.Ctx) error {
	if err := h.Store.EndAgentSession(c.UserContext(), currentAgent(c).ID, c.Params("id")); err != nil {
		return err
	}
	return h.back(c, accountURL("sessions"), "La session a été fermée.")
}

// platformPage lists the platform's administrations, with the form that
// creates one.
type platformPage struct {
	templates.Page
	Administrations []vivier.Administration
	FailedTasks     int // archived tasks, -1 when Redis does not answer
	Versants        []vivier.Versant
	New             *vivier.Administration // what a refused creation form held
}

func (h *Handler) platformPage(c *fiber.Ctx) error {
	return h.renderPlatform(c, fiber.StatusOK, &platformPage{})
}

func (h *Handler) renderPlatform(c *fiber.Ctx, status int, p *platformPage) error {
	var err error
	if p.Administrations, err = h.Store.AllAdministrations(c.UserContext()); err != nil {
		return err
	}
	p.FailedTasks = h.failedCount(c)
	p.Versants = []vivier.Versant{vivier.VersantEtat, vivier.VersantTerritoriale, vivier.VersantHospitaliere}
	return h.page(c, status, "admin/platform", p)
}

// createAdministration creates a top-level administration and invites its
// first administrator.
func (h *Handler) createAdministration(c *fiber.Ctx) error {
	a := &vivier.Administration{
		Name: c.FormValue("name"), ShortName: c.FormValue("short_name"), Slug: c.FormValue("slug"),
		Versant: vivier.Versant(c.FormValue("versant")), ContactEmail: c.FormValue("admin_email"),
	}
	if s := c.FormValue("siret"); s != "" {
		a.SIRET = &s
	}
	fail := func(err error) error {
		p := &platformPage{New: a}
		p.Refuse("L'administration n'a pas été créée.", fieldOf(err), err)
		return h.renderPlatform(c, fiber.StatusUnprocessableEntity, p)
	}
	email, err := vivier.ParseEmail(c.FormValue("admin_email"))
	if err != nil {
		err.(*vivier.Error).Field = "admin_email"
		return fail(err)
	}
	if err := h.Store.CreateAdministration(c.UserContext(), a, actor(c)); err != nil {
		if fieldOf(err) != "" {
			return fail(err)
		}
		return err
	}
	if _, err := h.Store.Invite(c.UserContext(), a.ID, email, vivier.RoleAdmin, actor(c)); err != nil {
		return err
	}
	return h.back(c, platformURL("administrations"), a.Name+" a été créée ; "+email+" est invité à l'administrer.")
}

func encode(q map[string]string) string {
	v := url.Values{}
	for k, s := range q {
		v.Set(k, s)
	}
	return v.Encode()
}
