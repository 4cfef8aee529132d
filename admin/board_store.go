package admin

import (
	"context"

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

// notYet stands for a Store method that is not there yet.
func notYet() error {
	return vivier.Errorf(vivier.ENOTFOUND, "Jury introuvable.")
}

func (h *Handler) boardsOfOffer(ctx context.Context, admID, offerID int64) ([]vivier.SelectionBoard, error) {
	return nil, nil
}

func (h *Handler) boardsOfAgent(ctx context.Context, admID, agentID int64) ([]vivier.SelectionBoard, error) {
	return nil, nil
}

func (h *Handler) createBoard(ctx context.Context, admID, offerID int64, kind vivier.BoardKind, name string, scale int, by vivier.Actor) (int64, error) {
	return 0, notYet()
}

func (h *Handler) loadBoard(ctx context.Context, admID, boardID int64) (*boardData, error) {
	return nil, notYet()
}

func (h *Handler) updateBoardSettings(ctx context.Context, admID, boardID int64, s boardSettings, by vivier.Actor) error {
	return notYet()
}

func (h *Handler) setBoardCriteria(ctx context.Context, admID, boardID int64, grid []criterionInput, by vivier.Actor) error {
	return notYet()
}

// addBoardMember adds an agent of the administration (agentID) or an outside
// member known by email.
func (h *Handler) addBoardMember(ctx context.Context, admID, boardID int64, agentID *int64, email, name string, by vivier.Actor) error {
	return notYet()
}

func (h *Handler) removeBoardMember(ctx context.Context, admID, boardID, memberID int64, by vivier.Actor) error {
	return notYet()
}

func (h *Handler) setPresident(ctx context.Context, admID, boardID, memberID int64, by vivier.Actor) error {
	return notYet()
}

func (h *Handler) assignToBoard(ctx context.Context, admID, boardID int64, ids []int64, by vivier.Actor) (int, error) {
	return 0, notYet()
}

// markingSheet is the agent's sheet: ENOTFOUND when they do not sit on the
// board.
func (h *Handler) markingSheet(ctx context.Context, admID, boardID, agentID int64) (*markingData, error) {
	return nil, notYet()
}

func (h *Handler) saveMarks(ctx context.Context, admID, boardID, agentID, appID int64, scores map[int64]float64, comment string, by vivier.Actor) error {
	return notYet()
}

func (h *Handler) declareConflict(ctx context.Context, admID, boardID, agentID, appID int64, reason string, by vivier.Actor) error {
	return notYet()
}

func (h *Handler) closeMarking(ctx context.Context, admID, boardID, agentID int64, by vivier.Actor) error {
	return notYet()
}

// loadResults is the ranking for a member of the board, or for a manager
// of the administration's boards.
func (h *Handler) loadResults(ctx context.Context, admID, boardID, agentID int64, manager bool) (*resultsData, error) {
	return nil, notYet()
}

func (h *Handler) placeOnList(ctx context.Context, admID, boardID, agentID, appID int64, list vivier.BoardList, rank int, by vivier.Actor) error {
	return notYet()
}

func (h *Handler) removeFromList(ctx context.Context, admID, boardID, agentID, appID int64, by vivier.Actor) error {
	return notYet()
}

// proposeLists fills both lists from the ranking: the first principale
// admissible applications, then the next complementaire.
func (h *Handler) proposeLists(ctx context.Context, admID, boardID, agentID int64, principale, complementaire int, by vivier.Actor) error {
	return notYet()
}

func (h *Handler) arrest(ctx context.Context, admID, boardID, agentID int64, by vivier.Actor) error {
	return notYet()
}

func (h *Handler) loadMinutes(ctx context.Context, admID, boardID, agentID int64, manager bool) (*boardMinutes, error) {
	return nil, notYet()
}
