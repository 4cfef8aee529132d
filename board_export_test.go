package vivier

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// BoardExec runs one statement the way the boards' store methods run
// theirs, so that a test sees what the database's refusal becomes.
func (s *Store) BoardExec(ctx context.Context, query string, args ...any) error {
	return s.boardTx(ctx, "BoardExec", func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	})
}
