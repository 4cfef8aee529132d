package vivier

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// memberSeat locks the board against closing and arresting for the time of
// a member's change (FOR SHARE: members mark side by side), and returns it
// with the agent's seat; ENOTFOUND for an agent who does not sit on it.
func memberSeat(ctx context.Context, tx *sqlx.Tx, adminID, boardID, agentID int64, lock string) (*SelectionBoard, *BoardMember, error) {
	var b SelectionBoard
	err := tx.GetContext(ctx, &b, `SELECT `+boardColumns+` FROM selection_boards b
		WHERE b.id = $1 AND b.administration_id = $2 `+lock, boardID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errBoardNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	var m BoardMember
	err = tx.GetContext(ctx, &m, `SELECT `+memberColumns+` FROM board_members m WHERE m.board_id = $1 AND m.agent_id = $2`, boardID, agentID)
	if errors.Is(err, sql.ErrNoRows) || agentID == 0 {
		return nil, nil, errBoardNotFound
	}
	return &b, &m, err
}

// markingOpen refuses a member's change once the marking is closed.
func markingOpen(b *SelectionBoard) error {
	switch {
	case b.Arrested():
		return ErrBoardArrested
	case b.MarkingClosedAt != nil:
		return Errorf(ECONFLICT, "La notation est close : les notes ne peuvent plus changer.")
	}
	return nil
}

func assignedTo(ctx context.Context, tx *sqlx.Tx, boardID, appID int64) error {
	var ok bool
	if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM board_applications WHERE board_id = $1 AND application_id = $2)`,
		boardID, appID); err != nil {
		return err
	}
	if !ok {
		return Errorf(EINVALID, "Cette candidature n'est pas confiée à ce jury.")
	}
	return nil
}

// markingSeat is a member's seat for marking one application: the marking
// open and the application given to the board.
func markingSeat(ctx context.Context, tx *sqlx.Tx, adminID, boardID, agentID, appID int64) (*SelectionBoard, *BoardMember, error) {
	b, m, err := memberSeat(ctx, tx, adminID, boardID, agentID, "FOR SHARE")
	if err != nil {
		return nil, nil, err
	}
	if err := markingOpen(b); err != nil {
		return nil, nil, err
	}
	return b, m, assignedTo(ctx, tx, boardID, appID)
}

func hasConflict(ctx context.Context, tx *sqlx.Tx, memberID, appID int64) (bool, error) {
	var c bool
	err := tx.GetContext(ctx, &c, `SELECT EXISTS (SELECT 1 FROM board_conflicts WHERE member_id = $1 AND application_id = $2)`, memberID, appID)
	return c, err
}

// SaveMarks records a member's marks of one application: scores maps each
// criterion's id to its mark, from 0 to the board's scale; a criterion left
// out has no mark. The comment goes beside the marks (empty: none).
func (s *Store) SaveMarks(ctx context.Context, adminID, boardID, agentID, appID int64, scores map[int64]float64, comment string, actor Actor) error {
	comment = strings.TrimSpace(comment)
	if len([]rune(comment)) > 5000 {
		return FieldError("comment", "Le commentaire compte 5 000 caractères au plus.")
	}
	return s.boardTx(ctx, "SaveMarks", func(tx *sqlx.Tx) error {
		b, m, err := markingSeat(ctx, tx, adminID, boardID, agentID, appID)
		if err != nil {
			return err
		}
		conflict, err := hasConflict(ctx, tx, m.ID, appID)
		if err != nil {
			return err
		}
		if conflict {
			return Errorf(ECONFLICT, "Vous avez déclaré un conflit d'intérêts pour cette candidature : vous ne la notez pas.")
		}
		grid, err := criteriaOf(ctx, tx, boardID)
		if err != nil {
			return err
		}
		if len(grid) == 0 {
			return Errorf(ECONFLICT, "La grille de ce jury n'a pas encore de critère.")
		}
		known := make(map[int64]bool, len(grid))
		for _, c := range grid {
			known[c.ID] = true
		}
		for id, v := range scores {
			field := MarkField(appID, id)
			if !known[id] {
				return FieldError(field, "Ce critère n'est pas dans la grille du jury.")
			}
			if math.IsNaN(v) || v < 0 || v > float64(b.ScaleMax) || math.Abs(math.Round(v*100)-v*100) > 1e-6 {
				return FieldError(field, "Chaque note va de 0 à "+strconv.Itoa(b.ScaleMax)+", au centième près.")
			}
		}
		for _, c := range grid {
			v, ok := scores[c.ID]
			if !ok {
				if _, err := tx.ExecContext(ctx, `DELETE FROM board_marks WHERE member_id = $1 AND application_id = $2 AND criterion_id = $3`,
					m.ID, appID, c.ID); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO board_marks (board_id, member_id, application_id, criterion_id, score)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (member_id, application_id, criterion_id) DO UPDATE SET score = EXCLUDED.score, updated_at = now()
				WHERE board_marks.score <> EXCLUDED.score`, boardID, m.ID, appID, c.ID, v); err != nil {
				return err
			}
		}
		if comment == "" {
			_, err = tx.ExecContext(ctx, `DELETE FROM board_comments WHERE member_id = $1 AND application_id = $2`, m.ID, appID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO board_comments (board_id, member_id, application_id, body) VALUES ($1, $2, $3, $4)
				ON CONFLICT (member_id, application_id) DO UPDATE SET body = EXCLUDED.body, updated_at = now()`, boardID, m.ID, appID, comment)
		}
		if err != nil {
			return err
		}
		// The marks themselves stay out of the log: it is read by the
		// administrators, and nobody reads a mark before the closing.
		return insertAudit(ctx, tx, &adminID, actor, "board.marks_saved", boardTarget(boardID),
			map[string]any{"candidature": appID, "critères notés": len(scores)})
	})
}

// DeclareConflict records a member's conflict of interest for an
// application and removes what they had marked of it.
func (s *Store) DeclareConflict(ctx context.Context, adminID, boardID, agentID, appID int64, reason string, actor Actor) error {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > 1000 {
		return FieldError("reason", "Le motif compte 1 000 caractères au plus.")
	}
	return s.boardTx(ctx, "DeclareConflict", func(tx *sqlx.Tx) error {
		_, m, err := markingSeat(ctx, tx, adminID, boardID, agentID, appID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO board_conflicts (board_id, member_id, application_id, reason)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, boardID, m.ID, appID, reason)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ECONFLICT, "Vous avez déjà déclaré un conflit d'intérêts pour cette candidature.")
		}
		res, err = tx.ExecContext(ctx, `DELETE FROM board_marks WHERE member_id = $1 AND application_id = $2`, m.ID, appID)
		if err != nil {
			return err
		}
		removed, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM board_comments WHERE member_id = $1 AND application_id = $2`, m.ID, appID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.conflict_declared", boardTarget(boardID),
			map[string]any{"candidature": appID, "membre": m.Email, "motif": reason, "notes retirées": removed})
	})
}

// MarkingRow is one application on a member's sheet.
type MarkingRow struct {
	Applicant      BoardApplicant
	Scores         map[int64]float64 // by criterion id; absent: not marked
	Comment        string
	Conflict       bool
	ConflictReason string
}

// Complete reports whether every criterion of the grid has a mark.
func (r MarkingRow) Complete(grid []BoardCriterion) bool {
	for _, c := range grid {
		if _, ok := r.Scores[c.ID]; !ok {
			return false
		}
	}
	return len(grid) > 0
}

// MarkingSheet is what a member marks: the grid and the board's
// applications with their own marks, never another member's.
type MarkingSheet struct {
	Board    SelectionBoard
	Member   BoardMember
	Criteria []BoardCriterion
	Rows     []MarkingRow
}

// MarkingSheet returns a member's sheet; ENOTFOUND for anyone else.
func (s *Store) MarkingSheet(ctx context.Context, adminID, boardID, agentID int64) (*MarkingSheet, error) {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, wrap("MarkingSheet", err)
	}
	defer rollback(tx)
	b, m, err := memberSeat(ctx, tx, adminID, boardID, agentID, "")
	if err != nil {
		return nil, wrap("MarkingSheet", err)
	}
	sheet := &MarkingSheet{Board: *b, Member: *m}
	if sheet.Criteria, err = criteriaOf(ctx, tx, boardID); err != nil {
		return nil, wrap("MarkingSheet", err)
	}
	applicants, err := applicantsOf(ctx, tx, adminID, b)
	if err != nil {
		return nil, wrap("MarkingSheet", err)
	}
	var marks []BoardMark
	if err := tx.SelectContext(ctx, &marks, `SELECT board_id, member_id, application_id, criterion_id, score::float8 AS score, updated_at
		FROM board_marks WHERE board_id = $1 AND member_id = $2`, boardID, m.ID); err != nil {
		return nil, wrap("MarkingSheet", err)
	}
	var comments []struct {
		ApplicationID int64  `db:"application_id"`
		Body          string `db:"body"`
	}
	if err := tx.SelectContext(ctx, &comments, `SELECT application_id, body FROM board_comments WHERE board_id = $1 AND member_id = $2`,
		boardID, m.ID); err != nil {
		return nil, wrap("MarkingSheet", err)
	}
	var conflicts []BoardConflict
	if err := tx.SelectContext(ctx, &conflicts, `SELECT board_id, member_id, application_id, reason, declared_at
		FROM board_conflicts WHERE board_id = $1 AND member_id = $2`, boardID, m.ID); err != nil {
		return nil, wrap("MarkingSheet", err)
	}
	index := make(map[int64]int, len(applicants))
	for i, a := range applicants {
		index[a.ApplicationID] = i
		sheet.Rows = append(sheet.Rows, MarkingRow{Applicant: a, Scores: map[int64]float64{}})
	}
	for _, mk := range marks {
		if i, ok := index[mk.ApplicationID]; ok {
			sheet.Rows[i].Scores[mk.CriterionID] = mk.Score
		}
	}
	for _, c := range comments {
		if i, ok := index[c.ApplicationID]; ok {
			sheet.Rows[i].Comment = c.Body
		}
	}
	for _, c := range conflicts {
		if i, ok := index[c.ApplicationID]; ok {
			sheet.Rows[i].Conflict, sheet.Rows[i].ConflictReason = true, c.Reason
		}
	}
	return sheet, nil
}

// errNotPresident refuses what only the president may do.
func errNotPresident(what string) error {
	return Errorf(EFORBIDDEN, "Seule la présidence du jury peut %s.", what)
}

// CloseMarking ends the marking: from then on members see each other's
// marks and the results, and the president draws up the lists.
func (s *Store) CloseMarking(ctx context.Context, adminID, boardID, agentID int64, actor Actor) error {
	return s.boardTx(ctx, "CloseMarking", func(tx *sqlx.Tx) error {
		b, m, err := memberSeat(ctx, tx, adminID, boardID, agentID, "FOR UPDATE")
		if err != nil {
			return err
		}
		if !m.President {
			return errNotPresident("clore la notation")
		}
		if err := markingOpen(b); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE selection_boards SET marking_closed_at = now(), marking_closed_by = $2, updated_at = now()
			WHERE id = $1`, boardID, actor.Email); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.marking_closed", boardTarget(boardID), nil)
	})
}

// MarkField is the name of the marking form's field for an application's
// mark on a criterion: the store's refusals name it, so that the page shows
// them on the field.
func MarkField(appID, criterionID int64) string {
	return "mark-" + strconv.FormatInt(appID, 10) + "-" + strconv.FormatInt(criterionID, 10)
}
