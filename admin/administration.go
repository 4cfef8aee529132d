package admin

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

func (h *Handler) administrationPage(c *fiber.Ctx) error {
	return h.administrationPageWith(c, fiber.StatusOK, nil)
}

func (h *Handler) administrationPageWith(c *fiber.Ctx, status int, data templates.Map) error {
	adm := currentAdministration(c)
	children, err := h.Store.ChildAdministrations(c.UserContext(), adm.ID)
	if err != nil {
		return err
	}
	if data == nil {
		data = templates.Map{}
	}
	data["Children"] = children
	if _, ok := data["ResponseDays"]; !ok {
		days, err := h.Store.ResponseDays(c.UserContext(), adm.ID)
		if err != nil {
			return err
		}
		data["ResponseDays"] = days
	}
	if _, ok := data["RetentionMonths"]; !ok {
		months, err := h.Store.RetentionMonths(c.UserContext(), adm.ID)
		if err != nil {
			return err
		}
		data["RetentionMonths"] = months
	}
	return h.page(c, status, "admin/administration", data)
}

func (h *Handler) updateAdministration(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	_, err := h.Store.UpdateAdministration(c.UserContext(), adm.ID, c.FormValue("name"), c.FormValue("short_name"), c.FormValue("contact_email"), actor(c))
	if f := fieldOf(err); f != "" {
		return h.administrationPageWith(c, fiber.StatusUnprocessableEntity, templates.Map{"Error": "Les modifications n'ont pas été enregistrées.",
			"Fields": map[string]string{f: vivier.ErrorMessage(err)}})
	}
	if err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/administration"), "Modifications enregistrées.")
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
	if f := fieldOf(err); f != "" {
		return h.administrationPageWith(c, fiber.StatusUnprocessableEntity, templates.Map{"Error": "La direction n'a pas été créée.",
			"ChildFields": map[string]string{f: vivier.ErrorMessage(err)}, "Child": child})
	}
	if err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/administration"), child.Name+" a été créée.")
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
	if f := fieldOf(err); f != "" {
		return h.administrationPageWith(c, fiber.StatusUnprocessableEntity, templates.Map{"Error": "Le délai n'a pas été enregistré.",
			"Fields": map[string]string{f: vivier.ErrorMessage(err)}, "ResponseDays": c.FormValue("response_days")})
	}
	if err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/administration"), "Délai de réponse enregistré.")
}

// setRetentionMonths changes how long applications not retained are kept
// (the daily retention task reads it).
func (h *Handler) setRetentionMonths(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	months, err := templates.FormNumber(c, "retention_months")
	if err == nil {
		err = h.Store.SetRetentionMonths(c.UserContext(), adm.ID, months, actor(c))
	}
	if f := fieldOf(err); f != "" {
		return h.administrationPageWith(c, fiber.StatusUnprocessableEntity, templates.Map{"Error": "La durée de conservation n'a pas été enregistrée.",
			"Fields": map[string]string{f: vivier.ErrorMessage(err)}, "RetentionMonths": c.FormValue("retention_months")})
	}
	if err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/administration"), "Durée de conservation enregistrée.")
}
