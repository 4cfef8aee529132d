package admin

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// administrationPage is the administration's settings: its identity, its
// directions, its response delay and how long applications are kept.
type administrationPage struct {
	templates.Page
	Children []vivier.Administration
	// ResponseDays and RetentionMonths are the stored values, or the one
	// typed in a refused form (typedDays, typedMonths), even empty.
	ResponseDays, RetentionMonths string
	typedDays, typedMonths        bool
	Child                         *vivier.Administration // the direction a refused form was creating
	ChildFields                   map[string]string
	Validation                    vivier.ValidationSettings
	// EmailDomains are the domains of the agents' addresses (the mobility
	// space lets them in), one a line, or as typed in a refused form.
	EmailDomains string
	typedDomains bool
}

func (h *Handler) administrationPage(c *fiber.Ctx) error {
	return h.renderAdministration(c, fiber.StatusOK, &administrationPage{})
}

func (h *Handler) renderAdministration(c *fiber.Ctx, status int, p *administrationPage) error {
	adm := currentAdministration(c)
	var err error
	if p.Children, err = h.Store.ChildAdministrations(c.UserContext(), adm.ID); err != nil {
		return err
	}
	if p.Validation, err = h.Store.ValidationSettings(c.UserContext(), adm.ID); err != nil {
		return err
	}
	if !p.typedDays {
		days, err := h.Store.ResponseDays(c.UserContext(), adm.ID)
		if err != nil {
			return err
		}
		p.ResponseDays = strconv.Itoa(days)
	}
	if !p.typedMonths {
		months, err := h.Store.RetentionMonths(c.UserContext(), adm.ID)
		if err != nil {
			return err
		}
		p.RetentionMonths = strconv.Itoa(months)
	}
	if !p.typedDomains {
		domains, err := h.Store.EmailDomains(c.UserContext(), adm.ID)
		if err != nil {
			return err
		}
		p.EmailDomains = strings.Join(domains, "\n")
	}
	return h.page(c, status, "admin/administration", p)
}

// setEmailDomains changes the domains whose addresses the mobility space
// takes for this administration's agents.
func (h *Handler) setEmailDomains(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	text := c.FormValue("email_domains")
	err := h.Store.SetEmailDomains(c.UserContext(), adm.ID, text, actor(c))
	return h.finish(c, err, h.refuseAdministration(c, "Les domaines n'ont pas été enregistrés.", &administrationPage{EmailDomains: text, typedDomains: true}),
		admURL(adm, "/administration"), "Domaines des adresses des agents enregistrés.")
}

// refuseAdministration shows the page again with a form's refusal.
func (h *Handler) refuseAdministration(c *fiber.Ctx, summary string, p *administrationPage) func(error) error {
	return func(err error) error {
		p.Refuse(summary, fieldOf(err), err)
		return h.renderAdministration(c, fiber.StatusUnprocessableEntity, p)
	}
}

func (h *Handler) updateAdministration(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	_, err := h.Store.UpdateAdministration(c.UserContext(), adm.ID, c.FormValue("name"), c.FormValue("short_name"), c.FormValue("contact_email"), actor(c))
	return h.finish(c, err, h.refuseAdministration(c, "Les modifications n'ont pas été enregistrées.", &administrationPage{}),
		admURL(adm, "/administration"), "Modifications enregistrées.")
}

// createChild creates a direction (or a service) under the administration:
// same versant, the parent's administrators hold their roles on it.
func (h *Handler) createChild(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	child := &vivier.Administration{
		ParentID: &adm.ID, Versant: adm.Versant,
		Name: c.FormValue("name"), ShortName: c.FormValue("short_name"),
		Slug: strings.ToLower(strings.TrimSpace(c.FormValue("slug"))),
	}
	if s := strings.TrimSpace(c.FormValue("siret")); s != "" {
		child.SIRET = &s
	}
	err := h.Store.CreateAdministration(c.UserContext(), child, actor(c))
	refuse := func(err error) error {
		p := &administrationPage{Child: child, ChildFields: map[string]string{fieldOf(err): vivier.ErrorMessage(err)}}
		p.Refuse("La direction n'a pas été créée.", "", err)
		return h.renderAdministration(c, fiber.StatusUnprocessableEntity, p)
	}
	return h.finish(c, err, refuse, admURL(adm, "/administration"), child.Name+" a été créée.")
}

func (h *Handler) setChildStatus(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := templates.ParamID(c, "child")
	if err != nil {
		return err
	}
	status := c.FormValue("status")
	if err := h.Store.SetChildStatus(c.UserContext(), adm.ID, id, status, actor(c)); err != nil {
		return err
	}
	msg := "La direction est suspendue : ses agents n'y ont plus accès."
	if status == "active" {
		msg = "La direction est réactivée."
	}
	return h.back(c, admURL(adm, "/administration"), msg)
}

func (h *Handler) setResponseDays(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	days, err := templates.FormNumber(c, "response_days")
	if err == nil {
		err = h.Store.SetResponseDays(c.UserContext(), adm.ID, days, actor(c))
	}
	return h.finish(c, err, h.refuseAdministration(c, "Le délai n'a pas été enregistré.", &administrationPage{ResponseDays: c.FormValue("response_days"), typedDays: true}),
		admURL(adm, "/administration"), "Délai de réponse enregistré.")
}

// setRetentionMonths changes how long applications not retained are kept
// (the daily retention task reads it).
func (h *Handler) setRetentionMonths(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	months, err := templates.FormNumber(c, "retention_months")
	if err == nil {
		err = h.Store.SetRetentionMonths(c.UserContext(), adm.ID, months, actor(c))
	}
	return h.finish(c, err, h.refuseAdministration(c, "La durée de conservation n'a pas été enregistrée.", &administrationPage{RetentionMonths: c.FormValue("retention_months"), typedMonths: true}),
		admURL(adm, "/administration"), "Durée de conservation enregistrée.")
}
