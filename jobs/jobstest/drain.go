package jobstest

import (
	"fmt"
	"testing"

	"github.com/hibiken/asynq"
	"github.com/jmoiron/sqlx"
)

// Drained waits until the work that was asked for is over: no outbox row is
// left to relay and no Asynq queue holds a task that is pending, running,
// scheduled or waiting for a retry. A test that checks that something did
// not happen (no email sent) drains first, then counts: what was to come has
// come by then.
//
// A task may write an outbox row as it ends, after a look at the outbox saw
// nothing; so the state must be found empty on two looks in a row.
func Drained(t testing.TB, db *sqlx.DB, opt asynq.RedisClientOpt) {
	t.Helper()
	in := Inspector(t, opt)
	empties := 0
	Eventually(t, "the outbox relayed and the task queues empty", func() (bool, error) {
		left, err := WorkLeft(db, in)
		if err != nil {
			return false, err
		}
		if left > 0 {
			empties = 0
			return false, nil
		}
		empties++
		return empties >= 2, nil
	})
}

// WorkLeft counts the outbox rows not relayed, then the tasks not finished:
// in this order, since a row is relayed only once its task is in a queue.
func WorkLeft(db *sqlx.DB, in *asynq.Inspector) (int, error) {
	var left int
	if err := db.Get(&left, `SELECT count(*) FROM outbox WHERE relayed_at IS NULL`); err != nil {
		return 0, fmt.Errorf("outbox: %w", err)
	}
	queues, err := in.Queues()
	if err != nil {
		return 0, fmt.Errorf("queues: %w", err)
	}
	for _, q := range queues {
		info, err := in.GetQueueInfo(q)
		if err != nil {
			return 0, fmt.Errorf("queue %s: %w", q, err)
		}
		left += info.Pending + info.Active + info.Scheduled + info.Retry
	}
	return left, nil
}
