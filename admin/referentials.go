package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The métiers of the RMFP and the shared skills are platform-wide
// referentials: platform administrators add, rename and deactivate their
// items. Nothing is deleted, since offers point at them.

func (h *Handler) metiersPage(c *fiber.Ctx) error {
	return h.referentialPage(c, fiber.StatusOK, "metiers", templates.Map{})
}

func (h *Handler) competencesPage(c *fiber.Ctx) error {
	return h.referentialPage(c, fiber.StatusOK, "competences", templates.Map{})
}

func (h *Handler) referentialPage(c *fiber.Ctx, status int, table string, data templates.Map) error {
	ctx := c.UserContext()
	data["Table"] = table
	if _, ok := data["Fields"]; !ok {
		data["Fields"] = map[string]string{}
	}
	if table == "metiers" {
		items, err := h.Store.Metiers(ctx, false)
		if err != nil {
			return err
		}
		domaines, err := h.Store.Domaines(ctx)
		if err != nil {
			return err
		}
		labels := map[string]string{}
		for _, d := range domaines {
			labels[d.Code] = d.Label
		}
		data["Metiers"], data["Domaines"], data["DomaineLabels"] = items, domaines, labels
		return h.page(c, status, "admin/metiers", data)
	}
	items, err := h.Store.Competences(ctx, false)
	if err != nil {
		return err
	}
	data["Competences"] = items
	return h.page(c, status, "admin/competences", data)
}

// referentialDone redirects to the list, or shows it again with the error
// next to its field (field names the input).
func (h *Handler) referentialDone(c *fiber.Ctx, table string, err error, field, msg string, data templates.Map) error {
	if fieldOf(err) != "" {
		data["Error"] = "La modification n'a pas été enregistrée."
		data["Fields"] = map[string]string{field: vivier.ErrorMessage(err)}
		return h.referentialPage(c, fiber.StatusUnprocessableEntity, table, data)
	}
	if err != nil {
		return err
	}
	return h.back(c, platformURL(table), msg)
}

func (h *Handler) addMetier(c *fiber.Ctx) error {
	m := &vivier.Metier{DomaineCode: c.FormValue("domaine"), Label: c.FormValue("label")}
	if code := c.FormValue("code"); code != "" {
		m.Code = &code
	}
	err := h.Store.AddMetier(c.UserContext(), m, actor(c))
	field := "new-" + fieldOf(err)
	return h.referentialDone(c, "metiers", err, field, "Métier ajouté : "+m.Label+".", templates.Map{"New": m})
}

func (h *Handler) addCompetence(c *fiber.Ctx) error {
	s := &vivier.Competence{Label: c.FormValue("label"), Family: c.FormValue("family")}
	err := h.Store.AddCompetence(c.UserContext(), s, actor(c))
	field := "new-" + fieldOf(err)
	return h.referentialDone(c, "competences", err, field, "Compétence ajoutée : "+s.Label+".", templates.Map{"New": s})
}

func itemParam(c *fiber.Ctx) (int64, error) {
	return templates.ParamID(c, "item")
}

func (h *Handler) rename(c *fiber.Ctx, table string) error {
	id, err := itemParam(c)
	if err != nil {
		return err
	}
	label := c.FormValue("label")
	err = h.Store.RenameReferential(c.UserContext(), table, id, label, actor(c))
	return h.referentialDone(c, table, err, "rename-"+strconv.FormatInt(id, 10), "Libellé modifié.", templates.Map{})
}

func (h *Handler) setActive(c *fiber.Ctx, table string) error {
	id, err := itemParam(c)
	if err != nil {
		return err
	}
	active := c.FormValue("active") == "true"
	if err := h.Store.SetReferentialActive(c.UserContext(), table, id, active, actor(c)); err != nil {
		return err
	}
	msg := "Élément désactivé : il n'est plus proposé, les offres qui l'ont le gardent."
	if active {
		msg = "Élément réactivé."
	}
	return h.back(c, platformURL(table), msg)
}

func (h *Handler) renameMetier(c *fiber.Ctx) error        { return h.rename(c, "metiers") }
func (h *Handler) renameCompetence(c *fiber.Ctx) error    { return h.rename(c, "competences") }
func (h *Handler) setMetierActive(c *fiber.Ctx) error     { return h.setActive(c, "metiers") }
func (h *Handler) setCompetenceActive(c *fiber.Ctx) error { return h.setActive(c, "competences") }
