package admin

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// A board's settings page: its name, scale, tie rule and threshold; its
// members and president; its grid of weighted criteria, a repeatable
// fieldset that works without JavaScript (blank lines to fill, and a button
// that asks for more); the applications given to it.

// blankCriteria is how many empty lines the grid's form offers, and adds.
const blankCriteria = 5

type boardSettingsPage struct {
	templates.Page
	boardData
	URL, OfferURL string
	Kind          string
	Agents        []vivier.AgentWithRoles // who may be added as a member
	Grid          []gridLine              // the grid's lines, then blank ones
	TieCriterion  int64                   // 0: none chosen
	Progress      []vivier.MemberProgress // each member's complete sheets, without their marks
	TieRules      []tieChoice
	Threshold     string // the threshold as typed, or ""
}

type gridLine struct {
	N             int // from 1, for ids and labels
	Label, Weight string
}

type tieChoice struct {
	Value   vivier.TieRule
	Label   string
	Checked bool
}

func (h *Handler) boardSettingsPage(c *fiber.Ctx) error {
	return h.renderBoardSettings(c, fiber.StatusOK, nil)
}

func (h *Handler) renderBoardSettings(c *fiber.Ctx, status int, err error) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	id, perr := boardParam(c)
	if perr != nil {
		return perr
	}
	b, lerr := h.loadBoard(ctx, adm.ID, id)
	if lerr != nil {
		return lerr
	}
	agents, lerr := h.Store.AgentsOfAdministration(ctx, adm.ID)
	if lerr != nil {
		return lerr
	}
	progress, lerr := h.Store.MarkingProgress(ctx, adm.ID, id)
	if lerr != nil {
		return lerr
	}
	p := &boardSettingsPage{boardData: *b, URL: boardURL(adm, id, ""), OfferURL: offerURL(adm, b.Board.OfferID),
		Kind: kindLabel(b.Board.Kind), Agents: agents, Progress: progress}
	p.TieRules = tieChoices(&b.Board)
	if b.Board.Threshold != nil {
		p.Threshold = frNumber(*b.Board.Threshold)
	}
	for _, cr := range b.Criteria {
		p.Grid = append(p.Grid, gridLine{Label: cr.Label, Weight: frNumber(cr.Weight)})
	}
	blank := blankCriteria
	if c.FormValue("lines") != "" {
		// The grid's form came back (refused, or asking for more lines):
		// show what was typed, not what is stored.
		p.Grid, blank = typedGrid(c), 0
		if c.FormValue("more") != "" {
			blank = blankCriteria
		}
	}
	for i := 0; i < blank; i++ {
		p.Grid = append(p.Grid, gridLine{})
	}
	for i := range p.Grid {
		p.Grid[i].N = i + 1
	}
	p.TieCriterion = tieCriterion(&b.Board)
	if err != nil {
		p.RefuseFields(vivier.ErrorMessage(err), vivier.AsFormErrors(err).ByField())
	}
	return h.page(c, status, "admin/board_settings", p)
}

func tieChoices(b *vivier.SelectionBoard) []tieChoice {
	var out []tieChoice
	for _, r := range []vivier.TieRule{vivier.TieByCriterion, vivier.TieBySpread, vivier.TieByAppliedAt} {
		out = append(out, tieChoice{Value: r, Label: tieRuleLabel(r), Checked: r == b.TieRule})
	}
	return out
}

// tieCriterion is the criterion that breaks ties, 0 for none chosen.
func tieCriterion(b *vivier.SelectionBoard) int64 {
	if b.TieCriterionID != nil {
		return *b.TieCriterionID
	}
	return 0
}

// formTieCriterion reads the criterion chosen to break ties, for that rule
// only (nil: the first of the grid).
func formTieCriterion(c *fiber.Ctx, rule vivier.TieRule) (*int64, error) {
	if rule != vivier.TieByCriterion {
		return nil, nil
	}
	tc, err := templates.FormID(c, "tie_criterion")
	if err != nil || tc == 0 {
		return nil, err
	}
	return &tc, nil
}

// typedGrid is the grid's lines as the form sent them.
func typedGrid(c *fiber.Ctx) []gridLine {
	labels := c.Request().PostArgs().PeekMulti("label")
	weights := c.Request().PostArgs().PeekMulti("weight")
	var out []gridLine
	for i, l := range labels {
		g := gridLine{Label: string(l)}
		if i < len(weights) {
			g.Weight = string(weights[i])
		}
		out = append(out, g)
	}
	return out
}

// afterBoardEdit goes back to the settings with a message, or shows the
// refusal there.
func (h *Handler) afterBoardEdit(c *fiber.Ctx, id int64, err error, msg string) error {
	return h.finishOrShow(c, err, h.renderBoardSettings, boardURL(currentAdministration(c), id, ""), msg)
}

func (h *Handler) saveBoardSettings(c *fiber.Ctx) error {
	id, err := boardParam(c)
	if err != nil {
		return err
	}
	s := boardSettings{Name: strings.TrimSpace(c.FormValue("name")), TieRule: vivier.TieRule(c.FormValue("tie_rule"))}
	if s.ScaleMax, err = templates.FormNumber(c, "scale_max"); err != nil {
		return h.afterBoardEdit(c, id, err, "")
	}
	if s.TieCriterionID, err = formTieCriterion(c, s.TieRule); err != nil {
		return h.afterBoardEdit(c, id, err, "")
	}
	if v := strings.TrimSpace(c.FormValue("threshold")); v != "" {
		t, ok := parseDecimal(v)
		if !ok || t < 0 {
			return h.afterBoardEdit(c, id, vivier.FieldError("threshold", "Saisissez le seuil comme un nombre positif (par exemple 10 ou 12,5), ou laissez le champ vide."), "")
		}
		s.Threshold = &t
	}
	err = h.updateBoardSettings(c.UserContext(), currentAdministration(c).ID, id, s, actor(c))
	return h.afterBoardEdit(c, id, err, "Les réglages sont enregistrés.")
}

// saveBoardGrid replaces the grid by the filled lines of the form; its
// "add lines" button shows the form again, as typed, with more blank lines.
func (h *Handler) saveBoardGrid(c *fiber.Ctx) error {
	id, err := boardParam(c)
	if err != nil {
		return err
	}
	if c.FormValue("more") != "" {
		return h.renderBoardSettings(c, fiber.StatusOK, nil)
	}
	grid, err := readGrid(c)
	if err != nil {
		return h.afterBoardEdit(c, id, err, "")
	}
	err = h.setBoardCriteria(c.UserContext(), currentAdministration(c).ID, id, grid, actor(c))
	return h.afterBoardEdit(c, id, err, "La grille est enregistrée.")
}

// readGrid reads the lines with a label; a weight left empty counts 1.
func readGrid(c *fiber.Ctx) ([]criterionInput, error) {
	labels := c.Request().PostArgs().PeekMulti("label")
	weights := c.Request().PostArgs().PeekMulti("weight")
	var grid []criterionInput
	for i, l := range labels {
		label := strings.TrimSpace(string(l))
		w := ""
		if i < len(weights) {
			w = strings.TrimSpace(string(weights[i]))
		}
		if label == "" {
			if w != "" {
				return nil, vivier.FieldError("label-"+strconv.Itoa(i+1), "Nommez le critère de la ligne "+strconv.Itoa(i+1)+", ou videz son coefficient.")
			}
			continue
		}
		weight := 1.0
		if w != "" {
			v, ok := parseDecimal(w)
			if !ok || v <= 0 {
				return nil, vivier.FieldError("weight-"+strconv.Itoa(i+1), "Saisissez un coefficient positif à la ligne "+strconv.Itoa(i+1)+" (par exemple 1, 2 ou 0,5).")
			}
			weight = v
		}
		grid = append(grid, criterionInput{Label: label, Weight: weight})
	}
	if len(grid) == 0 {
		return nil, vivier.FieldError("label-1", "Donnez au moins un critère à la grille.")
	}
	return grid, nil
}

func (h *Handler) addMember(c *fiber.Ctx) error {
	id, err := boardParam(c)
	if err != nil {
		return err
	}
	agent, err := templates.FormID(c, "agent")
	if err != nil {
		return h.afterBoardEdit(c, id, err, "")
	}
	email := strings.TrimSpace(c.FormValue("email"))
	var agentID *int64
	switch {
	case agent != 0 && email != "":
		return h.afterBoardEdit(c, id, vivier.FieldError("email", "Choisissez un agent ou saisissez une adresse, pas les deux."), "")
	case agent != 0:
		agentID = &agent
	case email == "":
		return h.afterBoardEdit(c, id, vivier.FieldError("agent", "Choisissez un agent de l'administration, ou saisissez l'adresse d'un membre extérieur."), "")
	}
	err = h.addBoardMember(c.UserContext(), currentAdministration(c).ID, id, agentID, email, strings.TrimSpace(c.FormValue("member_name")), actor(c))
	msg := "Le membre est ajouté."
	if agentID == nil {
		msg = "Le membre extérieur est ajouté : une invitation lui est envoyée par courriel."
	}
	return h.afterBoardEdit(c, id, err, msg)
}

func (h *Handler) removeMember(c *fiber.Ctx) error {
	id, err := boardParam(c)
	if err != nil {
		return err
	}
	member, err := templates.ParamID(c, "member")
	if err != nil {
		return err
	}
	err = h.removeBoardMember(c.UserContext(), currentAdministration(c).ID, id, member, actor(c))
	return h.afterBoardEdit(c, id, err, "Le membre est retiré.")
}

func (h *Handler) choosePresident(c *fiber.Ctx) error {
	id, err := boardParam(c)
	if err != nil {
		return err
	}
	member, err := templates.FormID(c, "president")
	if err == nil && member == 0 {
		err = vivier.FieldError("president", "Choisissez le membre qui préside.")
	}
	if err != nil {
		return h.afterBoardEdit(c, id, err, "")
	}
	err = h.setPresident(c.UserContext(), currentAdministration(c).ID, id, member, actor(c))
	return h.afterBoardEdit(c, id, err, "La présidence est enregistrée.")
}

// bulkAssignToBoard gives the applications ticked in an offer's pipeline or
// board to one of the offer's boards.
func (h *Handler) bulkAssignToBoard(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	offer, err := offerParam(c)
	if err != nil {
		return err
	}
	board, err := templates.FormID(c, "board")
	if err != nil {
		return err
	}
	ids, err := formIDs(c, "ids", "Une candidature cochée n'est pas reconnue : rechargez la page.")
	if err != nil {
		return err
	}
	back := formBack(c, offerApplicationsURL(adm, offer))
	if board == 0 || len(ids) == 0 {
		return h.back(c, back, "Cochez des candidatures et choisissez le jury à qui les confier.")
	}
	n, err := h.assignToBoard(c.UserContext(), adm.ID, board, ids, actor(c))
	if err != nil {
		if code := vivier.ErrorCode(err); code == vivier.EINVALID || code == vivier.ECONFLICT {
			return h.back(c, back, vivier.ErrorMessage(err))
		}
		return err
	}
	msg := strconv.Itoa(n) + " candidatures confiées au jury."
	if n == 1 {
		msg = "1 candidature confiée au jury."
	}
	return h.back(c, back, msg)
}

// parseDecimal reads a number typed the French way ("12,5") or not ("12.5").
func parseDecimal(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	if err != nil || f != f || f > 1e6 {
		return 0, false
	}
	return f, true
}
