package vivier

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// boardApplicantName is the name a board's pages show of the application
// ap: none while the offer's anonymised screening masks it (identity_masked,
// the rule of anonymity_store.go), so that only the pseudonym leaves the
// database; members see it whoever has revealed it for themselves.
const boardApplicantName = `CASE WHEN identity_masked(ap) THEN '' ELSE trim(ap.first_name || ' ' || ap.last_name) END`

// applicantsOf returns the board's applications as its pages show them, in
// id order. The pseudonym's number is the application's rank by id among
// its offer's, so that it stays the same on every board of the offer.
func applicantsOf(ctx context.Context, q sqlx.QueryerContext, adminID int64, b *SelectionBoard) ([]BoardApplicant, error) {
	var rows []struct {
		ID     int64  `db:"id"`
		Name   string `db:"name"`
		N      int    `db:"n"`
		Masked bool   `db:"masked"`
	}
	err := sqlx.SelectContext(ctx, q, &rows, `SELECT a.id, a.name, a.n, a.masked FROM (
			SELECT ap.id, `+boardApplicantName+` AS name, row_number() OVER (ORDER BY ap.id) AS n,
				identity_masked(ap) AS masked
			FROM applications ap WHERE ap.administration_id = $1 AND ap.offer_id = $2) a
		JOIN board_applications ba ON ba.application_id = a.id AND ba.board_id = $3
		ORDER BY a.id`, adminID, b.OfferID, b.ID)
	if err != nil {
		return nil, err
	}
	out := make([]BoardApplicant, len(rows))
	for i, r := range rows {
		out[i] = BoardApplicant{ApplicationID: r.ID, Name: r.Name, Pseudonym: Pseudonym(r.N), Masked: r.Masked}
	}
	return out, nil
}

// BoardApplicants returns the applications assigned to a board, named.
func (s *Store) BoardApplicants(ctx context.Context, adminID, boardID int64) ([]BoardApplicant, error) {
	b, err := s.BoardByID(ctx, adminID, boardID)
	if err != nil {
		return nil, err
	}
	out, err := applicantsOf(ctx, s.db, adminID, b)
	return out, wrap("BoardApplicants", err)
}

// BoardViewer is who asks for a board's results: a member (their agent id)
// or a manager holding boards:manage (checked by the route).
type BoardViewer struct {
	AgentID int64
	Manager bool
}

// BoardResults is a board's ranking with what a page needs to show it.
type BoardResults struct {
	Board      SelectionBoard
	Criteria   []BoardCriterion
	Members    []BoardMember
	Applicants map[int64]BoardApplicant
	Rows       []ApplicationResult
	Lists      []BoardListEntry
}

// Applicant returns how an application of the board is shown.
func (r *BoardResults) Applicant(appID int64) BoardApplicant { return r.Applicants[appID] }

// Entry returns the application's place on a list, if it has one.
func (r *BoardResults) Entry(appID int64) (BoardListEntry, bool) {
	for _, e := range r.Lists {
		if e.ApplicationID == appID {
			return e, true
		}
	}
	return BoardListEntry{}, false
}

var errResultsNotYet = &Error{Code: ECONFLICT, Message: "Les résultats se consultent une fois la notation close par la présidence du jury."}

// boardSnapshot reads a board and everything its results are made of, in
// one read-only transaction. Nobody but a member or a manager gets it, and
// only once the marking is closed: before that, each member sees only their
// own marks (MarkingSheet).
func (s *Store) boardSnapshot(ctx context.Context, adminID, boardID int64, v BoardViewer) (*BoardResults, *ResultInput, *sqlx.Tx, error) {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, nil, nil, err
	}
	var b *SelectionBoard
	if v.Manager {
		b = &SelectionBoard{}
		err = tx.GetContext(ctx, b, `SELECT `+boardColumns+` FROM selection_boards b WHERE b.id = $1 AND b.administration_id = $2`,
			boardID, adminID)
		if errors.Is(err, sql.ErrNoRows) {
			err = errBoardNotFound
		}
	} else {
		b, _, err = boardForMember(ctx, tx, adminID, boardID, v.AgentID)
	}
	if err == nil && b.MarkingClosedAt == nil && b.ArrestedAt == nil {
		err = errResultsNotYet
	}
	if err != nil {
		rollback(tx)
		return nil, nil, nil, err
	}
	res := &BoardResults{Board: *b, Applicants: map[int64]BoardApplicant{}}
	in := &ResultInput{Board: *b}
	if err := s.loadSnapshot(ctx, tx, adminID, res, in); err != nil {
		rollback(tx)
		return nil, nil, nil, err
	}
	return res, in, tx, nil
}

func (s *Store) loadSnapshot(ctx context.Context, tx *sqlx.Tx, adminID int64, res *BoardResults, in *ResultInput) error {
	id := res.Board.ID
	var err error
	if res.Criteria, err = criteriaOf(ctx, tx, id); err != nil {
		return err
	}
	if res.Members, err = membersOf(ctx, tx, id); err != nil {
		return err
	}
	applicants, err := applicantsOf(ctx, tx, adminID, &res.Board)
	if err != nil {
		return err
	}
	for _, a := range applicants {
		res.Applicants[a.ApplicationID] = a
	}
	if err := tx.SelectContext(ctx, &in.Applications, `SELECT a.id, a.created_at AS applied_at FROM applications a
		JOIN board_applications ba ON ba.application_id = a.id AND ba.board_id = $1
		WHERE a.administration_id = $2 ORDER BY a.id`, id, adminID); err != nil {
		return err
	}
	if err := tx.SelectContext(ctx, &in.Marks, `SELECT board_id, member_id, application_id, criterion_id, score::float8 AS score, updated_at
		FROM board_marks WHERE board_id = $1 ORDER BY member_id, application_id, criterion_id`, id); err != nil {
		return err
	}
	if err := tx.SelectContext(ctx, &in.Conflicts, `SELECT board_id, member_id, application_id, reason, declared_at
		FROM board_conflicts WHERE board_id = $1 ORDER BY member_id, application_id`, id); err != nil {
		return err
	}
	if err := tx.SelectContext(ctx, &res.Lists, `SELECT board_id, application_id, list, rank, placed_at
		FROM board_list_entries WHERE board_id = $1 ORDER BY list DESC, rank`, id); err != nil {
		return err
	}
	in.Criteria, in.Members = res.Criteria, res.Members
	res.Rows = ComputeResults(*in)
	return nil
}

// BoardResults returns a board's results to one of its members or to a
// manager, once the marking is closed.
func (s *Store) BoardResults(ctx context.Context, adminID, boardID int64, v BoardViewer) (*BoardResults, error) {
	res, _, tx, err := s.boardSnapshot(ctx, adminID, boardID, v)
	if err != nil {
		return nil, wrap("BoardResults", err)
	}
	rollback(tx)
	return res, nil
}

// MinutesComment is one member's comment on an application.
type MinutesComment struct {
	MemberID      int64  `db:"member_id"`
	ApplicationID int64  `db:"application_id"`
	Body          string `db:"body"`
}

// BoardMinutes is what the procès-verbal shows: the board and its members,
// the grid, every member's marks of every application, the declared
// conflicts, the results, the lists and the dates.
type BoardMinutes struct {
	BoardResults
	OfferTitle     string
	OfferReference string
	Marks          []BoardMark
	Comments       []MinutesComment
	Conflicts      []BoardConflict
	DrawnAt        time.Time // when the minutes were read
}

// Score returns a member's mark of an application on a criterion.
func (m *BoardMinutes) Score(memberID, appID, criterionID int64) (float64, bool) {
	for _, k := range m.Marks {
		if k.MemberID == memberID && k.ApplicationID == appID && k.CriterionID == criterionID {
			return k.Score, true
		}
	}
	return 0, false
}

// ListOf returns a list's applications in rank order.
func (m *BoardMinutes) ListOf(list BoardList) []BoardListEntry {
	var out []BoardListEntry
	for _, e := range m.Lists {
		if e.List == list {
			out = append(out, e)
		}
	}
	return out
}

// BoardMinutes returns the minutes' data, once the marking is closed.
func (s *Store) BoardMinutes(ctx context.Context, adminID, boardID int64, v BoardViewer) (*BoardMinutes, error) {
	res, in, tx, err := s.boardSnapshot(ctx, adminID, boardID, v)
	if err != nil {
		return nil, wrap("BoardMinutes", err)
	}
	defer rollback(tx)
	m := &BoardMinutes{BoardResults: *res, Marks: in.Marks, Conflicts: in.Conflicts, DrawnAt: s.now()}
	if err := tx.QueryRowxContext(ctx, `SELECT title, reference FROM offers WHERE id = $1 AND administration_id = $2`,
		res.Board.OfferID, adminID).Scan(&m.OfferTitle, &m.OfferReference); err != nil {
		return nil, wrap("BoardMinutes", err)
	}
	if err := tx.SelectContext(ctx, &m.Comments, `SELECT member_id, application_id, body FROM board_comments
		WHERE board_id = $1 ORDER BY application_id, member_id`, boardID); err != nil {
		return nil, wrap("BoardMinutes", err)
	}
	return m, nil
}

// BoardCandidate is an application of the board's offer, for the page that
// gives applications to the board.
type BoardCandidate struct {
	Applicant BoardApplicant
	Category  Category
	Step      string
	Assigned  bool
}

// BoardCandidates lists the applications of the board's offer, those given
// to it flagged, in the order of arrival.
func (s *Store) BoardCandidates(ctx context.Context, adminID, boardID int64) ([]BoardCandidate, error) {
	b, err := s.BoardByID(ctx, adminID, boardID)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID       int64    `db:"id"`
		Name     string   `db:"name"`
		N        int      `db:"n"`
		Category Category `db:"category"`
		Step     string   `db:"step"`
		Assigned bool     `db:"assigned"`
		Masked   bool     `db:"masked"`
	}
	err = s.db.SelectContext(ctx, &rows, `SELECT ap.id, `+boardApplicantName+` AS name,
			row_number() OVER (ORDER BY ap.id) AS n, ap.category, identity_masked(ap) AS masked, coalesce(st.name, '') AS step,
			EXISTS (SELECT 1 FROM board_applications ba WHERE ba.board_id = $3 AND ba.application_id = ap.id) AS assigned
		FROM applications ap LEFT JOIN pipeline_steps st ON st.id = ap.stage_id
		WHERE ap.administration_id = $1 AND ap.offer_id = $2 ORDER BY ap.id`, adminID, b.OfferID, b.ID)
	if err != nil {
		return nil, wrap("BoardCandidates", err)
	}
	out := make([]BoardCandidate, len(rows))
	for i, r := range rows {
		out[i] = BoardCandidate{Applicant: BoardApplicant{ApplicationID: r.ID, Name: r.Name, Pseudonym: Pseudonym(r.N), Masked: r.Masked},
			Category: r.Category, Step: r.Step, Assigned: r.Assigned}
	}
	return out, nil
}

// MemberProgress is how far a member has gone, without their marks: the
// president and the managers follow the marking with it.
type MemberProgress struct {
	Member    BoardMember
	Marked    int // applications with a mark on every criterion
	Conflicts int
}

// MarkingProgress counts each member's complete sheets and conflicts.
func (s *Store) MarkingProgress(ctx context.Context, adminID, boardID int64) ([]MemberProgress, error) {
	members, err := s.BoardMembers(ctx, adminID, boardID)
	if err != nil {
		return nil, err
	}
	var counts []struct {
		MemberID  int64 `db:"member_id"`
		Marked    int   `db:"marked"`
		Conflicts int   `db:"conflicts"`
	}
	err = s.db.SelectContext(ctx, &counts, `SELECT m.id AS member_id,
			(SELECT count(*) FROM (SELECT k.application_id FROM board_marks k WHERE k.member_id = m.id
				GROUP BY k.application_id HAVING count(*) = (SELECT count(*) FROM board_criteria c WHERE c.board_id = m.board_id)) x) AS marked,
			(SELECT count(*) FROM board_conflicts c WHERE c.member_id = m.id) AS conflicts
		FROM board_members m WHERE m.board_id = $1`, boardID)
	if err != nil {
		return nil, wrap("MarkingProgress", err)
	}
	out := make([]MemberProgress, len(members))
	for i, m := range members {
		out[i].Member = m
		for _, c := range counts {
			if c.MemberID == m.ID {
				out[i].Marked, out[i].Conflicts = c.Marked, c.Conflicts
			}
		}
	}
	return out, nil
}
