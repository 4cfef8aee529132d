package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The preview of a bulk refusal's email: before refusals that tell the
// candidates go out, the recruiter reads the email as the first of them will
// get it, then confirms. The confirmation form carries the same choices.

func (h *Handler) bulkRefusalPreview(c *fiber.Ctx, o *vivier.Offer, ids []int64, m vivier.Move) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	reasons, err := h.Store.RefusalReasons(ctx, adm.ID)
	if err != nil {
		return err
	}
	var reason *vivier.RefusalReason
	for i := range reasons {
		if reasons[i].ID == m.ReasonID {
			reason = &reasons[i]
		}
	}
	if reason == nil {
		return vivier.FieldError("reason", "Choisissez le motif du refus dans la liste.")
	}
	first, err := h.firstEmailable(c, ids)
	if err != nil {
		return err
	}
	email, err := h.refusalEmail(c, &first.ApplicationSummary, reason)
	if err != nil {
		return err
	}
	var hidden [][2]string
	for _, id := range ids {
		hidden = append(hidden, [2]string{"ids", strconv.FormatInt(id, 10)})
	}
	for _, k := range []string{"stage", "reason", "notify", "confirm", "back"} {
		hidden = append(hidden, [2]string{k, c.FormValue(k)})
	}
	return h.page(c, fiber.StatusOK, "admin/bulk_preview", &bulkPreviewPage{Offer: o, Count: len(ids), Email: email,
		First: first, Reason: reason, Hidden: hidden, Base: offerURL(adm, o.ID)})
}

// bulkPreviewPage shows the refusal email as the first candidate will get
// it, with the form that confirms the bulk move.
type bulkPreviewPage struct {
	templates.Page
	Offer  *vivier.Offer
	Count  int // applications selected
	Email  templates.Email
	First  *vivier.ApplicationDetail // whose email is shown
	Reason *vivier.RefusalReason
	Hidden [][2]string // the move form's choices, posted again on confirmation
	Base   string      // the offer's back office
}

// refusalEmail renders the refusal email as the worker will send it: the
// administration's template when it wrote one, the built-in email otherwise.
func (h *Handler) refusalEmail(c *fiber.Ctx, a *vivier.ApplicationSummary, reason *vivier.RefusalReason) (templates.Email, error) {
	t, err := h.Store.EmailTemplate(c.UserContext(), a.AdministrationID, vivier.EventRefusal)
	if err != nil {
		return templates.Email{}, err
	}
	if t.Custom {
		v := vivier.ApplicationValues(a, h.BaseURL+"/suivi")
		v["motif"] = reason.CandidateText
		return h.Renderer.CustomEmail(t.Render(v))
	}
	return h.Renderer.Email("application_status", map[string]any{"A": a,
		"C":      vivier.StatusChange{To: vivier.CategoryRefused, ReasonText: reason.CandidateText},
		"Status": vivier.StatusLabel(vivier.CategoryRefused, false), "Refused": true, "URL": h.BaseURL + "/suivi"})
}
