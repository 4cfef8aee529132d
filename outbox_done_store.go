package vivier

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// An outbox message stays the record of its work until the task is done, not
// merely handed to Redis: Redis may lose its memory (a restart without
// persistence, a failover to a replica that lagged), and the worker hands the
// tasks it lost over again (SweepOutbox). Handlers are idempotent, so a task
// run twice does its work once.

// MarkOutboxDone records that the task of message id finished.
func (s *Store) MarkOutboxDone(ctx context.Context, id int64) error {
	return wrap("MarkOutboxDone", markOutboxDone(ctx, s.db, id))
}

func markOutboxDone(ctx context.Context, db sqlx.ExecerContext, id int64) error {
	_, err := db.ExecContext(ctx, `UPDATE outbox SET done_at = now() WHERE id = $1 AND done_at IS NULL`, id)
	return err
}

// endTask marks, inside tx, the message whose task ends with step, if ctx
// says there is one.
func endTask(ctx context.Context, tx *sqlx.Tx, step string) error {
	e, ok := ctx.Value(taskEndKey{}).(taskEnd)
	if !ok || e.step != step {
		return nil
	}
	return markOutboxDone(ctx, tx, e.id)
}

// SweepOutbox takes up to limit messages relayed but not done that nobody
// has looked at for after, oldest first, locking them so that other workers
// skip them, and asks check what became of each task (check may hand it over
// again). A note check returns replaces the message's last error (the
// task's own, from Redis). An error of check ends the pass; what it found
// before is kept.
func (s *Store) SweepOutbox(ctx context.Context, limit int, after time.Duration,
	check func(OutboxMessage) (OutboxCheck, string, error)) (SweepCounts, error) {
	var counts SweepCounts
	var checkErr error
	err := s.inTx(ctx, "SweepOutbox", func(tx *sqlx.Tx) error {
		var msgs []OutboxMessage
		if err := tx.SelectContext(ctx, &msgs, `
			SELECT `+outboxColumns+` FROM outbox
			WHERE relayed_at IS NOT NULL AND done_at IS NULL
				AND coalesce(checked_at, relayed_at) <= $3::timestamptz - make_interval(secs => $2)
			ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, limit, after.Seconds(), s.now()); err != nil {
			return err
		}
		for _, m := range msgs {
			found, note, cerr := check(m)
			if cerr != nil {
				checkErr = fmt.Errorf("outbox %d: %w", m.ID, cerr)
				return nil
			}
			var err error
			switch found {
			case OutboxDone:
				counts.Done++
				_, err = tx.ExecContext(ctx, `UPDATE outbox SET checked_at = now(), done_at = now() WHERE id = $1`, m.ID)
			case OutboxRequeued:
				counts.Requeued++
				_, err = tx.ExecContext(ctx, `UPDATE outbox SET checked_at = now(), attempts = attempts + 1, last_error = left($2, 2000)
					WHERE id = $1`, m.ID, note)
			default:
				counts.Waiting++
				_, err = tx.ExecContext(ctx, `UPDATE outbox SET checked_at = now(),
					last_error = CASE WHEN $2 = '' THEN last_error ELSE left($2, 2000) END WHERE id = $1`, m.ID, note)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return counts, err
	}
	return counts, checkErr
}

// UnfinishedOutbox counts the messages relayed but not done and lists the
// limit oldest (none for 0), for metrics and the failed tasks page.
func (s *Store) UnfinishedOutbox(ctx context.Context, limit int) (OutboxUnfinished, error) {
	var u OutboxUnfinished
	var age float64
	err := s.db.QueryRowxContext(ctx, `
		SELECT count(*), coalesce(extract(epoch FROM $1 - min(relayed_at)), 0)
		FROM outbox WHERE relayed_at IS NOT NULL AND done_at IS NULL`, s.now()).Scan(&u.Count, &age)
	if err != nil {
		return u, wrap("UnfinishedOutbox", err)
	}
	u.Oldest = time.Duration(age * float64(time.Second))
	if limit > 0 && u.Count > 0 {
		err = s.db.SelectContext(ctx, &u.Messages, `SELECT `+outboxColumns+` FROM outbox
			WHERE relayed_at IS NOT NULL AND done_at IS NULL ORDER BY relayed_at, id LIMIT $1`, limit)
	}
	return u, wrap("UnfinishedOutbox", err)
}
