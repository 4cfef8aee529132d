package admin

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// The boards of an offer and a board's settings, for managers: every action
// is a plain form, and a refused one comes back on its page with its French
// message and the status of its code.

// boardListPage lists an offer's boards, with the form that creates one.
type boardListPage struct {
	templates.Page
	Offer  *vivier.Offer
	Boards []boardLink
	Base   string // the offer's back office
	Form   struct{ Kind, Name, Scale string }
}

// boardLink is a board in a list, with where it stands.
type boardLink struct {
	vivier.SelectionBoard
	URL, Kind, State string
}

func linkBoards(adm *vivier.Administration, bs []vivier.SelectionBoard, page string) []boardLink {
	out := make([]boardLink, 0, len(bs))
	for _, b := range bs {
		state := "Notation ouverte"
		switch {
		case b.Arrested():
			state = "Résultats arrêtés"
		case !b.MarkingOpen():
			state = "Notation close"
		}
		out = append(out, boardLink{SelectionBoard: b, URL: boardURL(adm, b.ID, page), Kind: kindLabel(b.Kind), State: state})
	}
	return out
}

func (h *Handler) offerBoardsPage(c *fiber.Ctx) error {
	return h.renderOfferBoards(c, fiber.StatusOK, nil)
}

func (h *Handler) renderOfferBoards(c *fiber.Ctx, status int, err error) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	id, perr := offerParam(c)
	if perr != nil {
		return perr
	}
	o, lerr := h.Store.OfferByID(ctx, adm.ID, id)
	if lerr != nil {
		return lerr
	}
	bs, lerr := h.boardsOfOffer(ctx, adm.ID, o.ID)
	if lerr != nil {
		return lerr
	}
	p := &boardListPage{Offer: o, Boards: linkBoards(adm, bs, ""), Base: offerURL(adm, o.ID)}
	p.Form.Kind, p.Form.Name, p.Form.Scale = "jury", "", "20"
	if err != nil {
		p.Form.Kind, p.Form.Name, p.Form.Scale = c.FormValue("kind"), c.FormValue("name"), c.FormValue("scale_max")
		p.RefuseFields(vivier.ErrorMessage(err), vivier.AsFormErrors(err).ByField())
	}
	return h.page(c, status, "admin/board_list", p)
}

func (h *Handler) createBoardForm(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	offer, err := offerParam(c)
	if err != nil {
		return err
	}
	kind := vivier.BoardKind(c.FormValue("kind"))
	if kind != vivier.BoardJury && kind != vivier.BoardCommission {
		return h.renderOfferBoards(c, fiber.StatusUnprocessableEntity, vivier.FieldError("kind", "Choisissez un jury ou une commission."))
	}
	scale, err := templates.FormNumber(c, "scale_max")
	if err == nil && (scale < 1 || scale > 1000) {
		err = vivier.FieldError("scale_max", "Choisissez une échelle de notation entre 1 et 1000 (par exemple 20).")
	}
	if err != nil {
		return h.renderOfferBoards(c, fiber.StatusUnprocessableEntity, err)
	}
	id, err := h.createBoard(c.UserContext(), adm.ID, offer, kind, strings.TrimSpace(c.FormValue("name")), scale, actor(c))
	if err != nil {
		return h.finishOrShow(c, err, h.renderOfferBoards, "", "")
	}
	return h.back(c, boardURL(adm, id, ""), "Le "+strings.ToLower(kindLabel(kind))+" est créé : composez-le et donnez-lui sa grille.")
}

// myBoardsPage lists the boards the agent sits on: where a jury member
// starts.
type myBoardsPage struct {
	templates.Page
	Boards []boardLink
}

func (h *Handler) myBoardsPage(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	bs, err := h.boardsOfAgent(c.UserContext(), adm.ID, currentAgent(c).ID)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/board_mine", &myBoardsPage{Boards: linkBoards(adm, bs, "/notation")})
}

// dashboardBoards shows on the dashboard the boards where the agent has
// marking to do: a jury member's way in.
func (h *Handler) dashboardBoards(c *fiber.Ctx, p *dashboardPage) error {
	if !h.can(c, policies.BoardsMark) {
		return nil
	}
	adm := currentAdministration(c)
	bs, err := h.boardsOfAgent(c.UserContext(), adm.ID, currentAgent(c).ID)
	if err != nil {
		return err
	}
	for _, b := range linkBoards(adm, bs, "/notation") {
		if b.MarkingOpen() {
			p.Boards = append(p.Boards, b)
		}
	}
	return nil
}
