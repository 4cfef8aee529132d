package admin

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
)

// The application's documents checklist: each document the offer requires
// or a recruiter asked for, received (with its file), missing, asked on,
// due, overdue; and the form that asks the candidate for documents, with a
// deadline and a message (vivier.Store.RequestDocuments mails them a link
// to their space, where they send them).

// checklistView is the checklist's part of the application page.
type checklistView struct {
	*vivier.Checklist
	Now     time.Time
	CanAsk  bool
	Form    documentRequestForm
	Error   string            // a refused request, shown again
	Fields  map[string]string // its field errors
	MinDate string            // the deadline's bounds, for the date input
	MaxDate string
}

// documentRequestForm is what the request form sent, kept when refused.
type documentRequestForm struct {
	Picked   map[string]bool
	Other    string
	Deadline string
	Message  string
}

// localDocumentForm carries a refused request back to the application page.
const localDocumentForm = "vivier.document_form"

// checklistOfApplication loads the checklist, and names the documents' tabs
// after the pieces they show.
func (h *Handler) checklistOfApplication(c *fiber.Ctx, d *vivier.ApplicationDetail, p *applicationPage) error {
	cl, err := h.Store.ApplicationChecklist(c.UserContext(), currentAdministration(c).ID, d.ID)
	if err != nil {
		return err
	}
	now := time.Now().In(vivier.Paris())
	v := &checklistView{Checklist: cl, Now: now, CanAsk: p.CanDecide &&
		(d.Category == vivier.CategoryNew || d.Category == vivier.CategoryReview),
		MinDate: now.AddDate(0, 0, 1).Format("2006-01-02"), MaxDate: now.AddDate(1, 0, 0).Format("2006-01-02"),
		Form: documentRequestForm{Deadline: now.AddDate(0, 0, 10).Format("2006-01-02")}}
	if refused, ok := c.Locals(localDocumentForm).(*checklistView); ok {
		v.Form, v.Error, v.Fields = refused.Form, refused.Error, refused.Fields
	}
	p.Checklist = v
	labels := map[int64]string{}
	for _, it := range cl.Items {
		if it.File != nil {
			labels[it.File.ID] = it.Label
		}
	}
	for i := range p.Docs {
		if p.Docs[i].File != nil && labels[p.Docs[i].File.ID] != "" {
			p.Docs[i].Label = labels[p.Docs[i].File.ID]
		}
	}
	return nil
}

// requestDocuments asks the candidate for documents: those picked from the
// offer's list and those typed, one per line.
func (h *Handler) requestDocuments(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	appID, err := currentApplication(c)
	if err != nil {
		return err
	}
	form := documentRequestForm{Picked: map[string]bool{}, Other: c.FormValue("other"),
		Deadline: c.FormValue("deadline"), Message: c.FormValue("message")}
	var labels []string
	for _, v := range c.Request().PostArgs().PeekMulti("documents") {
		form.Picked[string(v)] = true
		labels = append(labels, string(v))
	}
	labels = append(labels, strings.Split(form.Other, "\n")...)
	err = h.Store.RequestDocuments(c.UserContext(), adm.ID, appID,
		vivier.DocumentRequestForm{Labels: labels, Deadline: form.Deadline, Message: form.Message}, actor(c))
	if f := fieldOf(err); f != "" {
		c.Locals(localDocumentForm, &checklistView{Form: form, Error: "La demande n'est pas envoyée : corrigez les champs signalés.",
			Fields: map[string]string{f: vivier.ErrorMessage(err)}})
		c.Status(fiber.StatusUnprocessableEntity)
		return h.applicationPage(c)
	}
	if err != nil {
		return err
	}
	return h.back(c, applicationURL(adm, appID)+"#pieces",
		"Votre demande est envoyée : la personne candidate la reçoit par courriel, avec un lien pour envoyer ses pièces.")
}

// documentRoutes are the checklist's routes.
func (h *Handler) documentRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/:adm/candidatures/:application/pieces", Access: administration, perm: policies.ApplicationsDecide, handler: h.requestDocuments},
	}
}
