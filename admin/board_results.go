package admin

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// The results page and the president's actions: closing the marking,
// drawing up the two lists (proposed from the ranking, then adjusted rank by
// rank) and arresting the results, after which no form is offered and the
// database refuses any change. Members other than the president read the
// page; the Store refuses them the actions.

type resultsPage struct {
	templates.Page
	resultsData
	URL, SettingsURL, MarkingURL, MinutesURL string
	Kind                                     string
	President                                bool // the agent presides: the actions are theirs
	Manager                                  bool
	Closed                                   bool // the marking is closed: members' totals are shown
	Lists                                    []listChoice
	ThresholdText                            string
	TieRules                                 []tieChoice
	TieCriterion                             int64
}

type listChoice struct {
	Value vivier.BoardList
	Label string
}

func (h *Handler) resultsPage(c *fiber.Ctx) error {
	return h.renderResults(c, fiber.StatusOK, nil)
}

func (h *Handler) renderResults(c *fiber.Ctx, status int, err error) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	id, perr := boardParam(c)
	if perr != nil {
		return perr
	}
	manager := h.can(c, policies.BoardsManage)
	r, lerr := h.loadResults(ctx, adm.ID, id, currentAgent(c).ID, manager)
	if lerr != nil {
		return lerr
	}
	p := &resultsPage{resultsData: *r, URL: boardURL(adm, id, "/resultats"), SettingsURL: boardURL(adm, id, ""),
		MarkingURL: boardURL(adm, id, "/notation"), MinutesURL: boardURL(adm, id, "/proces-verbal"),
		Kind: kindLabel(r.Board.Kind), Manager: manager, Closed: !r.Board.MarkingOpen(),
		President: r.Me != nil && r.Me.President,
		Lists:     []listChoice{{vivier.ListPrincipale, "Liste principale"}, {vivier.ListComplementaire, "Liste complémentaire"}}}
	if t := r.Board.Threshold; t != nil {
		p.ThresholdText = frNumber(*t)
	}
	p.TieRules, p.TieCriterion = tieChoices(&r.Board), tieCriterion(&r.Board)
	if err != nil {
		p.RefuseFields(vivier.ErrorMessage(err), vivier.AsFormErrors(err).ByField())
	}
	return h.page(c, status, "admin/board_results", p)
}

// afterPresident goes back to the results with a message, or shows the
// refusal there.
func (h *Handler) afterPresident(c *fiber.Ctx, id int64, err error, msg string) error {
	return h.finishOrShow(c, err, h.renderResults, boardURL(currentAdministration(c), id, "/resultats"), msg)
}

func (h *Handler) closeMarkingForm(c *fiber.Ctx) error {
	id, err := boardParam(c)
	if err != nil {
		return err
	}
	err = h.closeMarking(c.UserContext(), currentAdministration(c).ID, id, currentAgent(c).ID, actor(c))
	return h.afterPresident(c, id, err, "La notation est close : les membres voient les notes de chacun.")
}

// chooseTieRule is the president's choice of how equal means are ordered.
func (h *Handler) chooseTieRule(c *fiber.Ctx) error {
	id, err := boardParam(c)
	if err != nil {
		return err
	}
	rule := vivier.TieRule(c.FormValue("tie_rule"))
	crit, err := formTieCriterion(c, rule)
	if err != nil {
		return h.afterPresident(c, id, err, "")
	}
	err = h.setTieRule(c.UserContext(), currentAdministration(c).ID, id, currentAgent(c).ID, rule, crit, actor(c))
	return h.afterPresident(c, id, err, "La règle de départage est enregistrée : le classement en tient compte.")
}

// placeOnListForm puts an application on a list at a rank, or moves it.
func (h *Handler) placeOnListForm(c *fiber.Ctx) error {
	id, err := boardParam(c)
	if err != nil {
		return err
	}
	app, err := templates.FormID(c, "application")
	if err == nil && app == 0 {
		err = vivier.FieldError("application", "Choisissez la candidature à placer.")
	}
	if err != nil {
		return h.afterPresident(c, id, err, "")
	}
	list := vivier.BoardList(c.FormValue("list"))
	if list != vivier.ListPrincipale && list != vivier.ListComplementaire {
		return h.afterPresident(c, id, vivier.FieldError("list", "Choisissez la liste principale ou la liste complémentaire."), "")
	}
	rank, err := templates.FormNumber(c, "rank")
	if err == nil && rank < 1 {
		err = vivier.FieldError("rank", "Le rang commence à 1.")
	}
	if err != nil {
		return h.afterPresident(c, id, err, "")
	}
	err = h.placeOnList(c.UserContext(), currentAdministration(c).ID, id, currentAgent(c).ID, app, list, rank, actor(c))
	return h.afterPresident(c, id, err, "La liste est mise à jour.")
}

func (h *Handler) proposeListsForm(c *fiber.Ctx) error {
	id, err := boardParam(c)
	if err != nil {
		return err
	}
	principale, err := templates.FormNumber(c, "principale")
	if err != nil {
		return h.afterPresident(c, id, err, "")
	}
	complementaire, err := templates.FormNumber(c, "complementaire")
	if err != nil {
		return h.afterPresident(c, id, err, "")
	}
	if principale < 1 {
		return h.afterPresident(c, id, vivier.FieldError("principale", "Saisissez le nombre de places de la liste principale (au moins 1)."), "")
	}
	err = h.proposeLists(c.UserContext(), currentAdministration(c).ID, id, currentAgent(c).ID, principale, complementaire, actor(c))
	return h.afterPresident(c, id, err, "Les listes sont proposées d'après le classement : ajustez les rangs si besoin.")
}

func (h *Handler) removeFromListForm(c *fiber.Ctx) error {
	id, app, err := boardApplicationParams(c)
	if err != nil {
		return err
	}
	err = h.removeFromList(c.UserContext(), currentAdministration(c).ID, id, currentAgent(c).ID, app, actor(c))
	return h.afterPresident(c, id, err, "La candidature est retirée de la liste.")
}

// arrestWord is what the president types to arrest the results: the
// change cannot be undone, so a click alone does not do it.
const arrestWord = "ARRÊTER"

func (h *Handler) arrestForm(c *fiber.Ctx) error {
	id, err := boardParam(c)
	if err != nil {
		return err
	}
	typed := strings.ToUpper(strings.TrimSpace(c.FormValue("confirm")))
	if typed != arrestWord && typed != "ARRETER" {
		return h.afterPresident(c, id, vivier.FieldError("confirm", "Saisissez «\u00a0"+arrestWord+"\u00a0» pour arrêter les résultats : ce choix est définitif."), "")
	}
	err = h.arrest(c.UserContext(), currentAdministration(c).ID, id, currentAgent(c).ID, actor(c))
	return h.afterPresident(c, id, err, "Les résultats sont arrêtés : notes et listes ne peuvent plus changer.")
}

// minutesPageModel is the printable procès-verbal.
type minutesPageModel struct {
	templates.Page
	*boardMinutes
	Kind, TieRule, BackURL, PDFURL string
	ThresholdText                  string
	Weights                        map[int64]string
}

func (h *Handler) loadMinutesOf(c *fiber.Ctx) (*boardMinutes, int64, error) {
	id, err := boardParam(c)
	if err != nil {
		return nil, 0, err
	}
	adm := currentAdministration(c)
	m, err := h.loadMinutes(c.UserContext(), adm.ID, id, currentAgent(c).ID, h.can(c, policies.BoardsManage))
	if err != nil {
		return nil, 0, err
	}
	m.AdmName = adm.Name
	return m, id, nil
}

func (h *Handler) minutesPage(c *fiber.Ctx) error {
	m, id, err := h.loadMinutesOf(c)
	if err != nil {
		return err
	}
	adm := currentAdministration(c)
	p := &minutesPageModel{boardMinutes: m, Kind: kindLabel(m.Board.Kind), TieRule: tieRuleLabel(m.Board.TieRule),
		BackURL: boardURL(adm, id, "/resultats"), PDFURL: boardURL(adm, id, "/proces-verbal.pdf"), Weights: weightsOf(m.Criteria)}
	if t := m.Board.Threshold; t != nil {
		p.ThresholdText = frNumber(*t)
	}
	return h.page(c, fiber.StatusOK, "admin/board_minutes", p)
}

func (h *Handler) minutesPDFFile(c *fiber.Ctx) error {
	m, id, err := h.loadMinutesOf(c)
	if err != nil {
		return err
	}
	data, err := minutesPDF(m)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="proces-verbal-`+strconv.FormatInt(id, 10)+`.pdf"`)
	return c.Send(data)
}

// RankingColumns is how many columns the ranking table has, for the row
// that says it is empty to span them all.
func (p *resultsPage) RankingColumns() int {
	n := 5
	if p.Board.Threshold != nil {
		n++
	}
	if p.Closed {
		n += len(p.Members)
	}
	return n
}

// ResultsColumns is how many columns the minutes' results table has.
func (p *minutesPageModel) ResultsColumns() int {
	if p.Board.Threshold != nil {
		return 6
	}
	return 5
}
