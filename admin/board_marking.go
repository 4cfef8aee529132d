package admin

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// A member's marking page: the applications given to the board, each with a
// grid of number inputs (one per criterion, labelled with its weight) and a
// comment; a conflict of interest is declared from a confirmation step of
// its own. A member sees and changes only their own marks, and only while
// the marking is open (the Store refuses the rest).

type markingPage struct {
	templates.Page
	markingData
	URL, ResultsURL, MinutesURL string
	Kind                        string
	Step                        string // the inputs' step: quarters on a small scale, halves beyond
	Done, Total                 int
	Confirm                     *markingItem // the conflict being declared, when its confirmation is asked
}

func (h *Handler) markingPage(c *fiber.Ctx) error {
	return h.renderMarking(c, fiber.StatusOK, nil, 0)
}

// renderMarking shows the sheet; confirm names the application whose
// conflict of interest asks for confirmation.
func (h *Handler) renderMarking(c *fiber.Ctx, status int, err error, confirm int64) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	id, perr := boardParam(c)
	if perr != nil {
		return perr
	}
	m, lerr := h.markingSheet(ctx, adm.ID, id, currentAgent(c).ID)
	if lerr != nil {
		return lerr
	}
	p := &markingPage{markingData: *m, URL: boardURL(adm, id, "/notation"), ResultsURL: boardURL(adm, id, "/resultats"),
		MinutesURL: boardURL(adm, id, "/proces-verbal"), Kind: kindLabel(m.Board.Kind), Step: "0.5"}
	if m.Board.ScaleMax <= 20 {
		p.Step = "0.25"
	}
	for i := range m.Items {
		it := &m.Items[i]
		if it.Conflict {
			continue
		}
		p.Total++
		if it.Marked {
			p.Done++
		}
		if it.Applicant.ApplicationID == confirm {
			p.Confirm = it
		}
	}
	if err != nil {
		p.RefuseFields(vivier.ErrorMessage(err), vivier.AsFormErrors(err).ByField())
	}
	return h.page(c, status, "admin/board_marking", p)
}

func (h *Handler) saveMarking(c *fiber.Ctx) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	id, app, err := boardApplicationParams(c)
	if err != nil {
		return err
	}
	m, err := h.markingSheet(ctx, adm.ID, id, currentAgent(c).ID)
	if err != nil {
		return err
	}
	scores := map[int64]float64{}
	for _, cr := range m.Criteria {
		field := vivier.MarkField(app, cr.ID)
		v := strings.TrimSpace(c.FormValue(field))
		if v == "" {
			continue
		}
		f, ok := parseDecimal(v)
		if !ok || f < 0 || f > float64(m.Board.ScaleMax) {
			return h.renderMarking(c, fiber.StatusUnprocessableEntity,
				vivier.FieldError(field, "La note «\u00a0"+cr.Label+"\u00a0» va de 0 à "+strconv.Itoa(m.Board.ScaleMax)+"."), 0)
		}
		scores[cr.ID] = f
	}
	err = h.saveMarks(ctx, adm.ID, id, currentAgent(c).ID, app, scores, strings.TrimSpace(c.FormValue("comment")), actor(c))
	return h.finishOrShow(c, err, func(c *fiber.Ctx, status int, err error) error { return h.renderMarking(c, status, err, 0) },
		boardURL(adm, id, "/notation")+"#candidature-"+strconv.FormatInt(app, 10), "Les notes sont enregistrées.")
}

// declareConflictForm asks for confirmation first (the page again, with the
// reason to give), then records the declaration.
func (h *Handler) declareConflictForm(c *fiber.Ctx) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	id, app, err := boardApplicationParams(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "oui" {
		return h.renderMarking(c, fiber.StatusOK, nil, app)
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	if reason == "" {
		return h.renderMarking(c, fiber.StatusUnprocessableEntity, vivier.FieldError("reason", "Dites en quelques mots la raison du conflit d'intérêts."), app)
	}
	err = h.declareConflict(ctx, adm.ID, id, currentAgent(c).ID, app, reason, actor(c))
	return h.finishOrShow(c, err, func(c *fiber.Ctx, status int, err error) error { return h.renderMarking(c, status, err, 0) },
		boardURL(adm, id, "/notation"), "Le conflit d'intérêts est enregistré : vous ne notez plus cette candidature.")
}
