package candidate

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// The candidate's answers to an interview invitation, from their space.

func (h *Handler) acceptInterview(c *fiber.Ctx, cand *vivier.TrackingAccess, interviewID int64) error {
	return h.Store.AnswerInterview(c.UserContext(), cand.ID, interviewID, true, "", time.Now())
}

func (h *Handler) otherSlot(c *fiber.Ctx, cand *vivier.TrackingAccess, interviewID int64) error {
	return h.Store.AnswerInterview(c.UserContext(), cand.ID, interviewID, false, c.FormValue("message"), time.Now())
}
