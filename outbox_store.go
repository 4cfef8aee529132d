package vivier

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jmoiron/sqlx"
)

// AddOutbox records work on its own, for commands whose only change is the
// work itself (`vivier mail test`).
func (s *Store) AddOutbox(ctx context.Context, m *OutboxMessage) error {
	return s.inTx(ctx, "AddOutbox", func(tx *sqlx.Tx) error { return insertOutbox(ctx, tx, m) })
}

func insertOutbox(ctx context.Context, tx *sqlx.Tx, m *OutboxMessage) error {
	if m.Queue == "" {
		m.Queue = "default"
	}
	if len(m.Payload) == 0 {
		m.Payload = json.RawMessage("{}")
	}
	return tx.QueryRowxContext(ctx, `
		INSERT INTO outbox (task_type, queue, payload, administration_id)
		VALUES ($1, $2, $3, $4) RETURNING id, created_at`,
		m.TaskType, m.Queue, []byte(m.Payload), m.AdministrationID).Scan(&m.ID, &m.CreatedAt)
}

// RelayOutbox takes up to limit pending messages, oldest first, locking them
// so that other workers skip them, and hands each to relay. Messages relay
// accepted are marked relayed in the same transaction; a refused one keeps its
// place with the error recorded and is tried again on the next pass.
//
// A crash after relay accepted a message but before the commit leaves it
// pending: relay must therefore be idempotent (jobs enqueues with the message
// id as the Asynq task id, which Redis refuses twice).
//
// A row is due by the store's clock, which tests move forward to reach a
// retry, or by the database's, which stamped next_attempt_at when the row was
// written: so an application server whose clock runs behind the database's
// never holds back fresh work.
func (s *Store) RelayOutbox(ctx context.Context, limit int, relay func(OutboxMessage) error) (relayed int, err error) {
	err = s.inTx(ctx, "RelayOutbox", func(tx *sqlx.Tx) error {
		var msgs []OutboxMessage
		if err := tx.SelectContext(ctx, &msgs, `
			SELECT `+outboxColumns+`
			FROM outbox WHERE relayed_at IS NULL AND next_attempt_at <= greatest($2, now())
			ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`, limit, s.now()); err != nil {
			return err
		}
		var done []int64
		for _, m := range msgs {
			if rerr := relay(m); rerr != nil {
				// Waits 2, 4, 8 … seconds, at most five minutes.
				if _, err := tx.ExecContext(ctx, `
					UPDATE outbox SET attempts = attempts + 1, last_error = $2,
						next_attempt_at = $3::timestamptz + least(interval '1 second' * power(2, attempts + 1), interval '5 minutes')
					WHERE id = $1`, m.ID, rerr.Error(), s.now()); err != nil {
					return err
				}
				break
			}
			done = append(done, m.ID)
		}
		if len(done) == 0 {
			return nil
		}
		q, args, err := sqlx.In(`UPDATE outbox SET relayed_at = now(), attempts = attempts + 1, last_error = '' WHERE id IN (?)`, done)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(q), args...); err != nil {
			return err
		}
		relayed = len(done)
		return nil
	})
	return relayed, err
}

// OutboxBacklog returns how many messages wait to be relayed and the age of
// the oldest, for metrics and readiness.
func (s *Store) OutboxBacklog(ctx context.Context) (count int, oldest time.Duration, err error) {
	var age float64
	err = s.db.QueryRowxContext(ctx, `
		SELECT count(*), coalesce(extract(epoch FROM $1 - min(created_at)), 0)
		FROM outbox WHERE relayed_at IS NULL`, s.now()).Scan(&count, &age)
	return count, time.Duration(age * float64(time.Second)), wrap("OutboxBacklog", err)
}

// OutboxMessageByID returns one message, relayed or not.
func (s *Store) OutboxMessageByID(ctx context.Context, id int64) (*OutboxMessage, error) {
	var m OutboxMessage
	err := s.db.GetContext(ctx, &m, `
		SELECT `+outboxColumns+`
		FROM outbox WHERE id = $1`, id)
	if err != nil {
		return nil, wrap("OutboxMessageByID", err)
	}
	return &m, nil
}

// PurgeRelayedOutbox deletes messages whose task finished before the given
// time. A message relayed but not done stays, however old: it is the only
// record of work that Redis may have lost, and the failed tasks page lists it.
func (s *Store) PurgeRelayedOutbox(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM outbox WHERE done_at < $1`, before)
	if err != nil {
		return 0, wrap("PurgeRelayedOutbox", err)
	}
	return res.RowsAffected()
}
