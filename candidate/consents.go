package candidate

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// What waits for the candidate's consent in their space: a transfer of an
// application to another administration, and the merge of two of their
// addresses (confirmed from each).

func (h *Handler) acceptTransfer(c *fiber.Ctx, cand *vivier.TrackingAccess, id int64) error {
	_, err := h.Store.AcceptTransfer(c.UserContext(), cand.ID, id, h.Files, time.Now())
	return err
}

func (h *Handler) refuseTransfer(c *fiber.Ctx, cand *vivier.TrackingAccess, id int64) error {
	return h.Store.RefuseTransfer(c.UserContext(), cand.ID, id, time.Now())
}

func (h *Handler) confirmMerge(c *fiber.Ctx, cand *vivier.TrackingAccess, id int64) error {
	_, err := h.Store.AnswerMerge(c.UserContext(), cand.ID, id, true, time.Now())
	return err
}

func (h *Handler) refuseMerge(c *fiber.Ctx, cand *vivier.TrackingAccess, id int64) error {
	_, err := h.Store.AnswerMerge(c.UserContext(), cand.ID, id, false, time.Now())
	return err
}
