package candidate

import (
	"context"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// The candidate's side of a convocation, from their space: choose a slot
// (or change it until the deadline), or answer the time the recruiter gave.
// Each is a POST form of the space (spaceAction), and the email that
// invites to choose links to the space.

// The space's word for each convocation action done (its message is in
// doneMessages).
const (
	doneSlot      = "convocation-creneau"
	doneConfirm   = "convocation-presence"
	doneDecline   = "convocation-empechement"
	doneOtherTime = "convocation-horaire"
)

// convocationRoutes adds the convocation actions to the space's routes.
func (h *Handler) convocationRoutes(r fiber.Router) {
	r.Post("/suivi/:token/convocations/:id/creneau", h.CSRF, h.spaceAction(doneSlot, h.bookSlot))
	r.Post("/suivi/:token/convocations/:id/presence", h.CSRF, h.spaceAction(doneConfirm, h.answerConvocation(vivier.AnswerConfirm, "")))
	r.Post("/suivi/:token/convocations/:id/empechement", h.CSRF, h.spaceAction(doneDecline, h.answerConvocation(vivier.AnswerDecline, "reason")))
	r.Post("/suivi/:token/convocations/:id/autre-horaire", h.CSRF, h.spaceAction(doneOtherTime, h.answerConvocation(vivier.AnswerOtherTime, "message")))
}

func (h *Handler) bookSlot(c *fiber.Ctx, cand *vivier.TrackingAccess, interviewID int64) error {
	slot, err := strconv.ParseInt(c.FormValue("slot"), 10, 64)
	if err != nil || slot <= 0 {
		return vivier.FieldError("slot", "Choisissez un des créneaux proposés.")
	}
	return h.Store.BookSlot(c.UserContext(), cand.ID, interviewID, slot, time.Now())
}

// answerConvocation records an answer, with the text of the form's field
// named message ("" for none).
func (h *Handler) answerConvocation(a vivier.ConvocationAnswer, message string) func(*fiber.Ctx, *vivier.TrackingAccess, int64) error {
	return func(c *fiber.Ctx, cand *vivier.TrackingAccess, interviewID int64) error {
		text := ""
		if message != "" {
			text = c.FormValue(message)
		}
		return h.Store.AnswerConvocation(c.UserContext(), cand.ID, interviewID, a, text, time.Now())
	}
}

// convocations are the space's convocations, by interview id.
func (h *Handler) convocations(ctx context.Context, candidateID int64, now time.Time) (map[int64]*vivier.CandidateConvocation, error) {
	return h.Store.CandidateConvocations(ctx, candidateID, now)
}
