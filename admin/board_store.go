package admin

import (
	"context"
	"strconv"

	"vivier"
)

// The selection boards' handlers reach the Store through the functions of
// this file only: each turns what the Store returns into the pages' data
// (board_view.go), so that a change of the Store's shapes is adapted here.

// boardData is a board as its settings page and its other pages show it.
type boardData struct {
	Board      vivier.SelectionBoard
	OfferTitle string
	Members    []vivier.BoardMember
	Criteria   []vivier.BoardCriterion
	Assigned   []boardApplicant // the applications given to the board
	Weights    map[int64]string // criterion id → its weight written the French way ("0,5")
}

// weightsOf writes the grid's weights for the pages.
func weightsOf(cs []vivier.BoardCriterion) map[int64]string {
	w := make(map[int64]string, len(cs))
	for _, c := range cs {
		w[c.ID] = frNumber(c.Weight)
	}
	return w
}

// markingData is one member's marking sheet.
type markingData struct {
	boardData
	Me    vivier.BoardMember
	Items []markingItem
}

// markingItem is an application as one member marks it.
type markingItem struct {
	Applicant boardApplicant
	Values    map[int64]string // criterion id → own mark, as an input's value ("12.5"); absent: not marked
	Shown     map[int64]string // the same, written the French way ("12,5")
	Comment   string
	Conflict  bool
	Marked    bool // every criterion has a mark
}

// resultsData is the ranking and the lists.
type resultsData struct {
	boardData
	Me                         *vivier.BoardMember // nil: a manager who does not sit on the board
	Rows                       []boardResultRow
	Principale, Complementaire []boardListRow
}

// criterionInput is one filled line of the grid's form.
type criterionInput struct {
	Label  string
	Weight float64
}

// boardSettings is what the settings form changes.
type boardSettings struct {
	Name           string
	ScaleMax       int
	TieRule        vivier.TieRule
	TieCriterionID *int64
	Threshold      *float64
}

func (h *Handler) boardsOfOffer(ctx context.Context, admID, offerID int64) ([]vivier.SelectionBoard, error) {
	return h.Store.BoardsOfOffer(ctx, admID, offerID)
}

func (h *Handler) boardsOfAgent(ctx context.Context, admID, agentID int64) ([]vivier.SelectionBoard, error) {
	return h.Store.BoardsOfMember(ctx, admID, agentID)
}

func (h *Handler) createBoard(ctx context.Context, admID, offerID int64, kind vivier.BoardKind, name string, scale int, by vivier.Actor) (int64, error) {
	b, err := h.Store.CreateBoard(ctx, admID, offerID, kind, name, scale, by)
	if err != nil {
		return 0, err
	}
	return b.ID, nil
}

func (h *Handler) loadBoard(ctx context.Context, admID, boardID int64) (*boardData, error) {
	b, err := h.Store.BoardByID(ctx, admID, boardID)
	if err != nil {
		return nil, err
	}
	d := &boardData{Board: *b}
	if d.Members, err = h.Store.BoardMembers(ctx, admID, boardID); err != nil {
		return nil, err
	}
	if d.Criteria, err = h.Store.BoardCriteria(ctx, admID, boardID); err != nil {
		return nil, err
	}
	if d.Assigned, err = h.Store.BoardApplicants(ctx, admID, boardID); err != nil {
		return nil, err
	}
	if d.OfferTitle, err = h.offerTitle(ctx, admID, b.OfferID); err != nil {
		return nil, err
	}
	d.Weights = weightsOf(d.Criteria)
	return d, nil
}

func (h *Handler) offerTitle(ctx context.Context, admID, offerID int64) (string, error) {
	o, err := h.Store.OfferByID(ctx, admID, offerID)
	if err != nil {
		return "", err
	}
	return o.Title, nil
}

func (h *Handler) updateBoardSettings(ctx context.Context, admID, boardID int64, s boardSettings, by vivier.Actor) error {
	return h.Store.UpdateBoardSettings(ctx, admID, boardID, vivier.BoardSettings(s), by)
}

func (h *Handler) setBoardCriteria(ctx context.Context, admID, boardID int64, grid []criterionInput, by vivier.Actor) error {
	in := make([]vivier.CriterionInput, len(grid))
	for i, g := range grid {
		in[i] = vivier.CriterionInput(g)
	}
	_, err := h.Store.SetBoardCriteria(ctx, admID, boardID, in, by)
	return err
}

// addBoardMember adds an agent of the administration (agentID) or an outside
// member known by email.
func (h *Handler) addBoardMember(ctx context.Context, admID, boardID int64, agentID *int64, email, name string, by vivier.Actor) error {
	var id int64
	if agentID != nil {
		id = *agentID
	}
	_, err := h.Store.AddBoardMember(ctx, admID, boardID, id, email, name, by)
	return err
}

func (h *Handler) removeBoardMember(ctx context.Context, admID, boardID, memberID int64, by vivier.Actor) error {
	return h.Store.RemoveBoardMember(ctx, admID, boardID, memberID, by)
}

func (h *Handler) setPresident(ctx context.Context, admID, boardID, memberID int64, by vivier.Actor) error {
	return h.Store.SetPresident(ctx, admID, boardID, memberID, by)
}

func (h *Handler) assignToBoard(ctx context.Context, admID, boardID int64, ids []int64, by vivier.Actor) (int, error) {
	r, err := h.Store.AssignToBoard(ctx, admID, boardID, ids, by)
	return len(r.Assigned), err
}

// markingSheet is the agent's sheet: ENOTFOUND when they do not sit on the
// board.
func (h *Handler) markingSheet(ctx context.Context, admID, boardID, agentID int64) (*markingData, error) {
	s, err := h.Store.MarkingSheet(ctx, admID, boardID, agentID)
	if err != nil {
		return nil, err
	}
	d := &markingData{boardData: boardData{Board: s.Board, Criteria: s.Criteria, Weights: weightsOf(s.Criteria)}, Me: s.Member}
	if d.OfferTitle, err = h.offerTitle(ctx, admID, s.Board.OfferID); err != nil {
		return nil, err
	}
	for _, r := range s.Rows {
		it := markingItem{Applicant: r.Applicant, Values: map[int64]string{}, Shown: map[int64]string{}, Comment: r.Comment, Conflict: r.Conflict,
			Marked: len(s.Criteria) > 0 && r.Complete(s.Criteria)}
		for id, v := range r.Scores {
			it.Values[id], it.Shown[id] = strconv.FormatFloat(v, 'f', -1, 64), frNumber(v)
		}
		d.Assigned = append(d.Assigned, r.Applicant)
		d.Items = append(d.Items, it)
	}
	return d, nil
}

func (h *Handler) saveMarks(ctx context.Context, admID, boardID, agentID, appID int64, scores map[int64]float64, comment string, by vivier.Actor) error {
	return h.Store.SaveMarks(ctx, admID, boardID, agentID, appID, scores, comment, by)
}

func (h *Handler) declareConflict(ctx context.Context, admID, boardID, agentID, appID int64, reason string, by vivier.Actor) error {
	return h.Store.DeclareConflict(ctx, admID, boardID, agentID, appID, reason, by)
}

func (h *Handler) closeMarking(ctx context.Context, admID, boardID, agentID int64, by vivier.Actor) error {
	return h.Store.CloseMarking(ctx, admID, boardID, agentID, by)
}

// loadResults is the ranking for a member of the board, or for a manager
// of the administration's boards. While the marking is open there is no
// ranking yet: the board alone, so that the president may close it.
func (h *Handler) loadResults(ctx context.Context, admID, boardID, agentID int64, manager bool) (*resultsData, error) {
	m, err := h.Store.BoardMinutes(ctx, admID, boardID, vivier.BoardViewer{AgentID: agentID, Manager: manager})
	if vivier.ErrorCode(err) == vivier.ECONFLICT {
		return h.openBoard(ctx, admID, boardID, agentID, manager)
	}
	if err != nil {
		return nil, err
	}
	v := minutesView(m)
	d := &resultsData{boardData: boardData{Board: m.Board, OfferTitle: m.OfferTitle, Members: m.Members, Criteria: m.Criteria,
		Weights: weightsOf(m.Criteria)},
		Rows: v.Results, Principale: v.Principale, Complementaire: v.Complementaire}
	for i := range m.Members {
		if mb := m.Members[i]; mb.AgentID != nil && *mb.AgentID == agentID {
			d.Me = &mb
		}
	}
	return d, nil
}

// openBoard is a board whose marking is open, as its results page shows it.
func (h *Handler) openBoard(ctx context.Context, admID, boardID, agentID int64, manager bool) (*resultsData, error) {
	b, me, err := h.Store.BoardForMember(ctx, admID, boardID, agentID)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND && manager {
		me = nil // a manager who does not sit on the board
		b, err = h.Store.BoardByID(ctx, admID, boardID)
	}
	if err != nil {
		return nil, err
	}
	d := &resultsData{boardData: boardData{Board: *b}, Me: me}
	if d.OfferTitle, err = h.offerTitle(ctx, admID, b.OfferID); err != nil {
		return nil, err
	}
	return d, nil
}

func (h *Handler) setTieRule(ctx context.Context, admID, boardID, agentID int64, rule vivier.TieRule, criterion *int64, by vivier.Actor) error {
	return h.Store.SetTieRule(ctx, admID, boardID, agentID, rule, criterion, by)
}

func (h *Handler) placeOnList(ctx context.Context, admID, boardID, agentID, appID int64, list vivier.BoardList, rank int, by vivier.Actor) error {
	return h.Store.PlaceOnList(ctx, admID, boardID, agentID, appID, list, rank, by)
}

func (h *Handler) removeFromList(ctx context.Context, admID, boardID, agentID, appID int64, by vivier.Actor) error {
	return h.Store.RemoveFromList(ctx, admID, boardID, agentID, appID, by)
}

// proposeLists fills both lists from the ranking: the first principale
// admissible applications, then the next complementaire.
func (h *Handler) proposeLists(ctx context.Context, admID, boardID, agentID int64, principale, complementaire int, by vivier.Actor) error {
	_, err := h.Store.DrawUpLists(ctx, admID, boardID, agentID, principale, complementaire, by)
	return err
}

func (h *Handler) arrest(ctx context.Context, admID, boardID, agentID int64, by vivier.Actor) error {
	return h.Store.Arrest(ctx, admID, boardID, agentID, by)
}

func (h *Handler) loadMinutes(ctx context.Context, admID, boardID, agentID int64, manager bool) (*boardMinutes, error) {
	m, err := h.Store.BoardMinutes(ctx, admID, boardID, vivier.BoardViewer{AgentID: agentID, Manager: manager})
	if err != nil {
		return nil, err
	}
	v := minutesView(m)
	return &v, nil
}

// minutesView shapes the Store's minutes for the page and the PDF: marks
// formatted per member and criterion, each member's total beside the
// ranking, the lists in rank order.
func minutesView(m *vivier.BoardMinutes) boardMinutes {
	v := boardMinutes{Board: m.Board, OfferTitle: m.OfferTitle, Members: m.Members, Criteria: m.Criteria, Date: m.DrawnAt}
	if m.Board.ArrestedAt != nil {
		v.Date = *m.Board.ArrestedAt
	}
	conflict := map[[2]int64]bool{}
	for _, c := range m.Conflicts {
		conflict[[2]int64{c.MemberID, c.ApplicationID}] = true
	}
	for _, r := range m.Rows {
		row := boardResultRow{Applicant: m.Applicant(r.ApplicationID), Mean: r.Mean, Spread: r.Spread, Markers: r.Markers, Rank: r.Rank}
		if m.Board.Threshold != nil {
			a := r.Admissible
			row.Admissible = &a
		}
		marks := minutesMarks{Applicant: row.Applicant}
		for _, mb := range m.Members {
			t := memberTotal{Member: memberName(mb), Conflict: conflict[[2]int64{mb.ID, r.ApplicationID}]}
			line := minutesMarkLine{Member: t.Member, Conflict: t.Conflict, Total: "—"}
			if total, ok := r.TotalOf(mb.ID); ok && !t.Conflict {
				t.Total = &total
				line.Total = frFixed(total)
			}
			for _, c := range m.Criteria {
				s := "—"
				if score, ok := m.Score(mb.ID, r.ApplicationID, c.ID); ok {
					s = frNumber(score)
				}
				line.Scores = append(line.Scores, s)
			}
			row.Totals = append(row.Totals, t)
			marks.Lines = append(marks.Lines, line)
		}
		v.Results = append(v.Results, row)
		v.Marks = append(v.Marks, marks)
	}
	for _, list := range []vivier.BoardList{vivier.ListPrincipale, vivier.ListComplementaire} {
		for _, e := range m.ListOf(list) {
			lr := boardListRow{Applicant: m.Applicant(e.ApplicationID), List: list, Rank: e.Rank}
			if list == vivier.ListPrincipale {
				v.Principale = append(v.Principale, lr)
			} else {
				v.Complementaire = append(v.Complementaire, lr)
			}
		}
	}
	return v
}
