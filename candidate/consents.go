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

// confirmMerge records this address's confirmation. When it is the second
// and this address is the one merged away, its links end with the merge:
// the page says where the applications are now, and that address gets a
// new link.
func (h *Handler) confirmMerge(c *fiber.Ctx, cand *vivier.TrackingAccess, id int64) error {
	ctx := c.UserContext()
	m, err := h.Store.MergeByID(ctx, id)
	if err != nil {
		return err
	}
	merged, err := h.Store.AnswerMerge(ctx, cand.ID, id, true, time.Now())
	if err != nil {
		return err
	}
	if !merged || cand.ID == m.KeepID {
		return backToSpace(c, "regroupement")
	}
	if m.KeepEmail != nil {
		if err := h.Store.RequestTrackingLink(ctx, *m.KeepEmail); err != nil {
			return err
		}
	}
	return h.trackingAsked(c, "Vos candidatures sont regroupées : suivez-les désormais depuis l'adresse "+m.OtherAddress(cand.ID)+
		", qui vient de recevoir un nouveau lien. Les liens de cette adresse-ci sont désactivés.")
}

func (h *Handler) refuseMerge(c *fiber.Ctx, cand *vivier.TrackingAccess, id int64) error {
	_, err := h.Store.AnswerMerge(c.UserContext(), cand.ID, id, false, time.Now())
	return err
}
