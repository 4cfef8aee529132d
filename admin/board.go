package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
)

// An offer's board: a column per step.

// boardPage is an offer's board: a column per step.
type boardPage struct {
	offerPipeline
	Cards map[int64][]vivier.PipelineRow // by step
}

func (h *Handler) boardPage(c *fiber.Ctx) error {
	o, err := h.pipelineOffer(c)
	if err != nil {
		return err
	}
	shared, err := h.pipelineData(c, o)
	if err != nil {
		return err
	}
	cards, err := h.Store.BoardCards(c.UserContext(), currentAdministration(c).ID, o.ID, 50, h.scope(c))
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/board", &boardPage{offerPipeline: shared, Cards: cards})
}
