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

// referentialPage lists a referential's items (métiers with their domaine,
// or skills), each with its rename and (de)activation forms, and the form
// that adds one.
type referentialPage struct {
	templates.Page
	Table         string // "metiers" or "competences", as in the URL
	Metiers       []vivier.Metier
	Domaines      []vivier.Domaine
	DomaineLabels map[string]string
	Competences   []vivier.Competence
	New           any // the item a refused addition held: *vivier.Metier or *vivier.Competence
}

func (h *Handler) metiersPage(c *fiber.Ctx) error {
	return h.renderReferential(c, fiber.StatusOK, "metiers", &referentialPage{})
}

func (h *Handler) competencesPage(c *fiber.Ctx) error {
	return h.renderReferential(c, fiber.StatusOK, "competences", &referentialPage{})
}

func (h *Handler) renderReferential(c *fiber.Ctx, status int, table string, p *referentialPage) error {
	ctx := c.UserContext()
	p.Table = table
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
		p.Metiers, p.Domaines, p.DomaineLabels = items, domaines, labels
		return h.page(c, status, "admin/metiers", p)
	}
	items, err := h.Store.Competences(ctx, false)
	if err != nil {
		return err
	}
	p.Competences = items
	return h.page(c, status, "admin/competences", p)
}

// referentialDone redirects to the list, or shows it again with the error
// next to its field (field names the input).
func (h *Handler) referentialDone(c *fiber.Ctx, table string, err error, field, msg string, p *referentialPage) error {
	redo := func(err error) error {
		p.Refuse("La modification n'a pas été enregistrée.", field, err)
		return h.renderReferential(c, fiber.StatusUnprocessableEntity, table, p)
	}
	return h.finish(c, err, redo, platformURL(table), msg)
}

func (h *Handler) addMetier(c *fiber.Ctx) error {
	m := &vivier.Metier{DomaineCode: c.FormValue("domaine"), Label: c.FormValue("label")}
	if code := c.FormValue("code"); code != "" {
		m.Code = &code
	}
	err := h.Store.AddMetier(c.UserContext(), m, actor(c))
	field := "new-" + fieldOf(err)
	return h.referentialDone(c, "metiers", err, field, "Métier ajouté : "+m.Label+".", &referentialPage{New: m})
}

func (h *Handler) addCompetence(c *fiber.Ctx) error {
	s := &vivier.Competence{Label: c.FormValue("label"), Family: c.FormValue("family")}
	err := h.Store.AddCompetence(c.UserContext(), s, actor(c))
	field := "new-" + fieldOf(err)
	return h.referentialDone(c, "competences", err, field, "Compétence ajoutée : "+s.Label+".", &referentialPage{New: s})
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
	return h.referentialDone(c, table, err, "rename-"+strconv.FormatInt(id, 10), "Libellé modifié.", &referentialPage{})
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

// setSynonyms replaces a skill's synonyms (comma-separated).
func (h *Handler) setSynonyms(c *fiber.Ctx) error {
	id, err := itemParam(c)
	if err != nil {
		return err
	}
	err = h.Store.SetCompetenceSynonyms(c.UserContext(), id, c.FormValue("synonyms"), actor(c))
	return h.referentialDone(c, "competences", err, "synonyms-"+strconv.FormatInt(id, 10), "Synonymes enregistrés.", &referentialPage{})
}

func (h *Handler) renameMetier(c *fiber.Ctx) error        { return h.rename(c, "metiers") }
func (h *Handler) renameCompetence(c *fiber.Ctx) error    { return h.rename(c, "competences") }
func (h *Handler) setMetierActive(c *fiber.Ctx) error     { return h.setActive(c, "metiers") }
func (h *Handler) setCompetenceActive(c *fiber.Ctx) error { return h.setActive(c, "competences") }
