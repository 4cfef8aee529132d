package vivier

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// AssignResult says which applications a board was given, and which were
// left out (of another offer or administration, or unknown).
type AssignResult struct {
	Assigned []int64
	Skipped  []int64
}

// AssignToBoard gives a board applications of its own offer; the others are
// skipped and named.
func (s *Store) AssignToBoard(ctx context.Context, adminID, boardID int64, appIDs []int64, actor Actor) (AssignResult, error) {
	var res AssignResult
	if len(appIDs) == 0 {
		return res, FieldError("ids", "Cochez au moins une candidature.")
	}
	err := s.boardTx(ctx, "AssignToBoard", func(tx *sqlx.Tx) error {
		res = AssignResult{}
		b, err := lockOpenBoard(ctx, tx, adminID, boardID)
		if err != nil {
			return err
		}
		if b.MarkingClosedAt != nil {
			return Errorf(ECONFLICT, "La notation est close : les candidatures confiées au jury ne changent plus.")
		}
		var ok []int64
		if err := tx.SelectContext(ctx, &ok, `SELECT id FROM applications
			WHERE id = ANY($1) AND administration_id = $2 AND offer_id = $3 ORDER BY id`,
			pq.Array(appIDs), adminID, b.OfferID); err != nil {
			return err
		}
		in := make(map[int64]bool, len(ok))
		for _, id := range ok {
			in[id] = true
		}
		for _, id := range appIDs {
			if !in[id] {
				res.Skipped = append(res.Skipped, id)
			}
		}
		if err := tx.SelectContext(ctx, &res.Assigned, `INSERT INTO board_applications (board_id, application_id)
			SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING RETURNING application_id`, boardID, pq.Array(ok)); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.applications_assigned", boardTarget(boardID),
			map[string]any{"candidatures": res.Assigned, "écartées": res.Skipped})
	})
	return res, err
}

// UnassignFromBoard takes an application away from a board, with whatever
// was marked or declared on it.
func (s *Store) UnassignFromBoard(ctx context.Context, adminID, boardID, appID int64, actor Actor) error {
	return s.boardTx(ctx, "UnassignFromBoard", func(tx *sqlx.Tx) error {
		b, err := lockOpenBoard(ctx, tx, adminID, boardID)
		if err != nil {
			return err
		}
		if b.MarkingClosedAt != nil {
			return Errorf(ECONFLICT, "La notation est close : les candidatures confiées au jury ne changent plus.")
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM board_applications WHERE board_id = $1 AND application_id = $2`, boardID, appID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "Cette candidature n'est pas confiée à ce jury.")
		}
		for _, table := range []string{"board_marks", "board_comments", "board_conflicts", "board_list_entries"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE board_id = $1 AND application_id = $2`, boardID, appID); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.application_unassigned", boardTarget(boardID),
			map[string]any{"candidature": appID})
	})
}

// BoardApplicationIDs returns the applications assigned to a board, in id order.
func (s *Store) BoardApplicationIDs(ctx context.Context, adminID, boardID int64) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `SELECT ba.application_id FROM board_applications ba
		JOIN selection_boards b ON b.id = ba.board_id AND b.administration_id = $1
		WHERE ba.board_id = $2 ORDER BY ba.application_id`, adminID, boardID)
	return ids, wrap("BoardApplicationIDs", err)
}
