package candidate

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// "Mes coordonnées" in the candidate's space. Each application keeps the
// identity sent with it; the candidate changes it on the applications they
// tick: by default the one whose email carried the link, with their other
// open applications offered beside it. Each change is checked as at
// application time, noted in the application's history and announced to
// its recruiters.

type detailsChoice struct {
	ID      int64
	Label   string
	Checked bool
}

type details struct {
	vivier.Identity
	Choices []detailsChoice
}

// detailsForm fills the form: the identity of the link's application (else
// the latest one), or what was just sent when it comes back with errors.
func detailsForm(cand *vivier.TrackingAccess, apps []vivier.TrackedApplication, c *fiber.Ctx, refill bool) details {
	var d details
	def := int64(0)
	for _, a := range apps {
		if a.Category == vivier.CategoryErased {
			continue
		}
		if def == 0 || (cand.LinkApplicationID != nil && a.ID == *cand.LinkApplicationID) {
			def, d.Identity = a.ID, a.Identity
		}
	}
	ticked := map[int64]bool{def: true}
	if refill {
		d.Identity = identityForm(c)
		ticked = tickedApplications(c)
	}
	for _, a := range apps {
		open := a.Category == vivier.CategoryNew || a.Category == vivier.CategoryReview
		if a.ID != def && !open {
			continue
		}
		label := "Candidature spontanée"
		if a.OfferTitle != nil {
			label = *a.OfferTitle
		}
		d.Choices = append(d.Choices, detailsChoice{ID: a.ID, Label: label + " — " + a.AdminName, Checked: ticked[a.ID]})
	}
	return d
}

func identityForm(c *fiber.Ctx) vivier.Identity {
	return vivier.IdentityFrom(func(name string) string { return c.FormValue(name) })
}

// tickedApplications reads the ticked boxes; a value that is not an id is
// not one of the candidate's applications anyway.
func tickedApplications(c *fiber.Ctx) map[int64]bool {
	out := map[int64]bool{}
	for _, v := range c.Request().PostArgs().PeekMulti("applications") {
		if id, ok := templates.ParseID(string(v)); ok {
			out[id] = true
		}
	}
	return out
}

func (h *Handler) updateDetails(c *fiber.Ctx, cand *vivier.TrackingAccess, _ int64) error {
	var ids []int64
	for id := range tickedApplications(c) {
		ids = append(ids, id)
	}
	_, err := h.Store.UpdateIdentityFromSpace(c.UserContext(), cand.ID, ids, identityForm(c))
	return err
}
