package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The steps and refusal reasons editing screen (/admin/{adm}/etapes), for
// administrators. Every action is a plain form (no JavaScript): up and down
// buttons reorder, a refused change comes back on the same page with its
// French message and the status of its code.

// stepsPage lists the steps by category, and the refusal reasons.
type stepsPage struct {
	templates.Page
	Groups  []stepGroup
	Reasons []vivier.ReasonUsage
	Base    string // the administration's back office, which the forms post under
}

type stepGroup struct {
	Category vivier.Category
	Label    string
	Steps    []stepView
}

type stepView struct {
	vivier.StepUsage
	First, Last bool // of its category: no up or down button
}

func (h *Handler) stepsPage(c *fiber.Ctx) error {
	return h.renderSteps(c, fiber.StatusOK, nil)
}

// renderSteps shows the screen, with err's message when an action failed.
func (h *Handler) renderSteps(c *fiber.Ctx, status int, err error) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	steps, lerr := h.Store.StepsWithUsage(ctx, adm.ID)
	if lerr != nil {
		return lerr
	}
	reasons, lerr := h.Store.AllRefusalReasons(ctx, adm.ID)
	if lerr != nil {
		return lerr
	}
	p := &stepsPage{Reasons: reasons, Base: admURL(adm, "")}
	for _, cat := range vivier.StepCategories {
		g := stepGroup{Category: cat, Label: vivier.StatusLabel(cat, false)}
		for _, s := range steps {
			if s.Category == cat {
				g.Steps = append(g.Steps, stepView{StepUsage: s, First: len(g.Steps) == 0})
			}
		}
		if n := len(g.Steps); n > 0 {
			g.Steps[n-1].Last = true
		}
		p.Groups = append(p.Groups, g)
	}
	if err != nil {
		p.RefuseFields(vivier.ErrorMessage(err), vivier.AsFormErrors(err).ByField())
	}
	return h.page(c, status, "admin/steps", p)
}

// afterEdit goes back to the screen with a message, or shows the refusal
// there; internal errors go to the error handler.
func (h *Handler) afterEdit(c *fiber.Ctx, err error, msg string) error {
	return h.finishOrShow(c, err, h.renderSteps, admURL(currentAdministration(c), "/etapes"), msg)
}

func (h *Handler) addStep(c *fiber.Ctx) error {
	_, err := h.Store.AddStep(c.UserContext(), currentAdministration(c).ID, c.FormValue("name"),
		vivier.Category(c.FormValue("category")), c.FormValue("public") == "oui", actor(c))
	return h.afterEdit(c, err, "L'étape est ajoutée.")
}

func (h *Handler) updateStep(c *fiber.Ctx) error {
	id, err := templates.ParamID(c, "step")
	if err != nil {
		return err
	}
	err = h.Store.UpdateStep(c.UserContext(), currentAdministration(c).ID, id, c.FormValue("name"), c.FormValue("public") == "oui", actor(c))
	return h.afterEdit(c, err, "L'étape est enregistrée.")
}

func (h *Handler) moveStep(c *fiber.Ctx) error {
	id, err := templates.ParamID(c, "step")
	if err != nil {
		return err
	}
	dir := c.FormValue("sens")
	if dir != "haut" && dir != "bas" {
		return h.afterEdit(c, vivier.FieldError("sens", "Choisissez de monter ou de descendre l'étape."), "")
	}
	err = h.Store.MoveStep(c.UserContext(), currentAdministration(c).ID, id, dir == "haut", actor(c))
	return h.afterEdit(c, err, "L'étape est déplacée.")
}

func (h *Handler) removeStep(c *fiber.Ctx) error {
	id, err := templates.ParamID(c, "step")
	if err != nil {
		return err
	}
	err = h.Store.RemoveStep(c.UserContext(), currentAdministration(c).ID, id, actor(c))
	return h.afterEdit(c, err, "L'étape est supprimée.")
}

func (h *Handler) addReason(c *fiber.Ctx) error {
	err := h.Store.CreateRefusalReason(c.UserContext(), currentAdministration(c).ID, c.FormValue("label"), c.FormValue("candidate_text"), actor(c))
	return h.afterEdit(c, err, "Le motif est ajouté.")
}

func (h *Handler) updateReason(c *fiber.Ctx) error {
	id, err := templates.ParamID(c, "reason")
	if err != nil {
		return err
	}
	err = h.Store.UpdateRefusalReason(c.UserContext(), currentAdministration(c).ID, id, c.FormValue("label"), c.FormValue("candidate_text"), actor(c))
	return h.afterEdit(c, err, "Le motif est enregistré.")
}

func (h *Handler) setReasonActive(c *fiber.Ctx) error {
	id, err := templates.ParamID(c, "reason")
	if err != nil {
		return err
	}
	active := c.FormValue("active") == "oui"
	err = h.Store.SetRefusalReasonActive(c.UserContext(), currentAdministration(c).ID, id, active, actor(c))
	msg := "Le motif est désactivé : il n'est plus proposé pour les refus."
	if active {
		msg = "Le motif est de nouveau proposé pour les refus."
	}
	return h.afterEdit(c, err, msg)
}
