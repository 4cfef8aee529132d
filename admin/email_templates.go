package admin

import (
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// The administration's email templates: the list, the editor with a
// preview on one of the administration's own applications, and the reset
// to the platform's default.

func (h *Handler) emailTemplateRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/:adm/modeles", Access: administration, perm: policies.TemplatesEdit, handler: h.emailTemplatesPage},
		{Method: "GET", Path: "/:adm/modeles/:event", Access: administration, perm: policies.TemplatesEdit, handler: h.emailTemplatePage},
		{Method: "POST", Path: "/:adm/modeles/:event", Access: administration, perm: policies.TemplatesEdit, handler: h.saveEmailTemplate},
		{Method: "POST", Path: "/:adm/modeles/:event/reinitialisation", Access: administration, perm: policies.TemplatesEdit, handler: h.resetEmailTemplate},
	}
}

func (h *Handler) emailTemplatesPage(c *fiber.Ctx) error {
	list, err := h.Store.EmailTemplates(c.UserContext(), currentAdministration(c).ID)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/email_templates", &emailTemplatesPage{Templates: list})
}

// emailTemplatesPage lists the administration's emails, custom or default.
type emailTemplatesPage struct {
	templates.Page
	Templates []vivier.EmailTemplate
}

// emailTemplatePage edits one email, with a preview on a chosen application.
type emailTemplatePage struct {
	templates.Page
	T         vivier.EmailTemplate
	Event     vivier.TemplateEvent
	Choices   []vivier.PreviewChoice // the applications a preview may use
	Selected  int64                  // the one chosen, 0 for none
	Variables []struct{ Name, Help string }
	// The preview, when an application is chosen.
	Preview     *vivier.RenderedTemplate
	PreviewHTML template.HTML
	PreviewApp  *vivier.ApplicationDetail
}

func (h *Handler) emailTemplatePage(c *fiber.Ctx) error {
	e, err := vivier.ParseTemplateEvent(c.Params("event"))
	if err != nil {
		return err
	}
	t, err := h.Store.EmailTemplate(c.UserContext(), currentAdministration(c).ID, e)
	if err != nil {
		return err
	}
	appID, err := templates.QueryID(c, "candidature")
	if err != nil {
		return err
	}
	return h.renderEmailTemplate(c, fiber.StatusOK, t, appID, nil)
}

func (h *Handler) saveEmailTemplate(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	e, err := vivier.ParseTemplateEvent(c.Params("event"))
	if err != nil {
		return err
	}
	t := vivier.EmailTemplate{Event: e, Subject: c.FormValue("subject"), Body: c.FormValue("body"), Custom: true}
	appID, err := templates.FormID(c, "candidature")
	if err != nil {
		return err
	}
	if c.FormValue("action") == "apercu" {
		// A preview of the text as typed, not saved.
		if err := t.Validate(); err != nil {
			return h.renderEmailTemplate(c, fiber.StatusUnprocessableEntity, t, 0, err)
		}
		return h.renderEmailTemplate(c, fiber.StatusOK, t, appID, nil)
	}
	if err := h.Store.SaveEmailTemplate(c.UserContext(), adm.ID, t, actor(c)); err != nil {
		if vivier.ErrorCode(err) == vivier.EINVALID {
			return h.renderEmailTemplate(c, fiber.StatusUnprocessableEntity, t, 0, err)
		}
		return err
	}
	return h.back(c, admURL(adm, "/modeles/"+string(e)), "Le modèle « "+e.Label()+" » est enregistré.")
}

func (h *Handler) resetEmailTemplate(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	e, err := vivier.ParseTemplateEvent(c.Params("event"))
	if err != nil {
		return err
	}
	if err := h.Store.ResetEmailTemplate(c.UserContext(), adm.ID, e, actor(c)); err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/modeles/"+string(e)), "Le modèle « "+e.Label()+" » revient au texte par défaut de la plateforme.")
}

// renderEmailTemplate shows the editor; with appID, the preview on that
// application, which must be the administration's own (404 otherwise).
func (h *Handler) renderEmailTemplate(c *fiber.Ctx, status int, t vivier.EmailTemplate, appID int64, ferr error) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	choices, err := h.Store.PreviewChoices(ctx, adm.ID, 50)
	if err != nil {
		return err
	}
	p := &emailTemplatePage{T: t, Event: t.Event, Choices: choices, Variables: vivier.TemplateVariables, Selected: appID}
	if ferr != nil {
		p.RefuseFields("Le modèle n'est pas enregistré.", vivier.AsFormErrors(ferr).ByField())
	}
	if appID != 0 {
		d, err := h.Store.ApplicationForAgents(ctx, adm.ID, appID)
		if err != nil {
			return err
		}
		v, err := h.previewValues(c, &d.ApplicationSummary)
		if err != nil {
			return err
		}
		r := t.Render(v)
		p.Preview = &r
		p.PreviewHTML = template.HTML(r.HTML) //nolint:gosec // escaped by EmailTemplate.Render
		p.PreviewApp = d
	}
	return h.page(c, status, "admin/email_template", p)
}

// previewValues fills the variables as the real email would, with examples
// where the application has nothing yet (no interview, no refusal).
func (h *Handler) previewValues(c *fiber.Ctx, a *vivier.ApplicationSummary) (vivier.TemplateValues, error) {
	ctx := c.UserContext()
	v := vivier.ApplicationValues(a, h.BaseURL+"/suivi/lien-personnel-de-la-personne-candidate")
	v["motif"] = "(le motif choisi lors du refus, tel que la personne candidate le lira)"
	v["message"] = "(le message que vous écrirez)"
	ivs, err := h.Store.InterviewsOfApplication(ctx, a.AdministrationID, a.ID)
	if err != nil {
		return nil, err
	}
	example := &vivier.Interview{StartsAt: time.Now().In(vivier.Paris()).Truncate(time.Hour).Add(24 * time.Hour), DurationMinutes: 45,
		Place: "(le lieu de l'entretien)", Message: v["message"]}
	if len(ivs) > 0 {
		example = &ivs[0]
	}
	for k, val := range vivier.InterviewValues(example, vivier.Paris()) {
		v[k] = val
	}
	return v, nil
}
