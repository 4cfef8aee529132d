package vivier

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// ClaimPeriodicRun claims the period starting at period for a periodic task
// and reports whether the caller (the Asynq task taskID) may run it: yes
// when it is the first, or a retry of the task that claimed it; no when
// another worker's copy of the tick got there first. Claims older than a
// month are dropped on the way.
func (s *Store) ClaimPeriodicRun(ctx context.Context, task string, period time.Time, taskID string) (bool, error) {
	var ok bool
	err := s.inTx(ctx, "ClaimPeriodicRun", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM periodic_runs WHERE task = $1 AND period < $2`, task, period.AddDate(0, -1, 0)); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &ok, `INSERT INTO periodic_runs (task, period, task_id) VALUES ($1, $2, $3)
			ON CONFLICT (task, period) DO UPDATE SET claimed_at = now() WHERE periodic_runs.task_id = EXCLUDED.task_id
			RETURNING true`, task, period, taskID)
		if errors.Is(err, sql.ErrNoRows) {
			ok, err = false, nil
		}
		return err
	})
	return ok, err
}
