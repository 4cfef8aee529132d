package vivier

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
)

// The SIRH export's batches and deliveries. Every query takes the
// administration id, except the worker's nightly look for administrations
// with hires to batch.

const sirhBatchColumns = `id, administration_id, kind, format, destination, state, hires, checksum, size, created_at, delivered_at, last_error`

func batchByID(ctx context.Context, q sqlx.QueryerContext, adminID, id int64) (*SIRHBatch, error) {
	var b SIRHBatch
	err := sqlx.GetContext(ctx, q, &b, `SELECT `+sirhBatchColumns+`, '' AS last_answer FROM sirh_batches
		WHERE id = $1 AND administration_id = $2`, id, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Lot d'export introuvable.")
	}
	return &b, err
}

// SIRHBatchByID returns one of the administration's batches.
func (s *Store) SIRHBatchByID(ctx context.Context, adminID, id int64) (*SIRHBatch, error) {
	b, err := batchByID(ctx, s.db, adminID, id)
	return b, wrap("SIRHBatchByID", err)
}

// newBatch creates a batch of the administration's hires not yet in one
// that match cond (on $3); with none, ENOTFOUND, and the caller's
// transaction is rolled back.
func newBatch(ctx context.Context, tx *sqlx.Tx, adminID int64, kind, cond string, arg any) (*SIRHBatch, error) {
	st, err := sirhSettings(ctx, tx, adminID)
	if err != nil {
		return nil, err
	}
	var b SIRHBatch
	if err := tx.GetContext(ctx, &b, `INSERT INTO sirh_batches (administration_id, kind, format, destination)
		VALUES ($1, $2, $3, $4) RETURNING `+sirhBatchColumns+`, '' AS last_answer`, adminID, kind, st.BatchFormat(), st.Destination); err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE sirh_hires SET batch_id = $1
		WHERE administration_id = $2 AND batch_id IS NULL AND `+cond, b.ID, adminID, arg)
	if err != nil {
		return nil, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, Errorf(ENOTFOUND, "Aucun recrutement à exporter.")
	}
	b.Hires = int(n)
	if _, err = tx.ExecContext(ctx, `UPDATE sirh_batches SET hires = $2 WHERE id = $1`, b.ID, n); err != nil {
		return nil, err
	}
	return &b, outboxDelivery(ctx, tx, SIRHDeliverTask{AdministrationID: adminID, BatchID: b.ID})
}

func outboxDelivery(ctx context.Context, tx *sqlx.Tx, t SIRHDeliverTask) error {
	msg, err := NewOutboxMessage(TaskSIRHDeliver, "low", t)
	if err != nil {
		return err
	}
	msg.AdministrationID = &t.AdministrationID
	return insertOutbox(ctx, tx, &msg)
}

// BatchHire puts a hire in a batch of its own, or returns the batch it is
// already in (a retried task, or the night took it first). The batch ends the
// hire's task: see WithTaskEnd.
func (s *Store) BatchHire(ctx context.Context, adminID, hireID int64) (*SIRHBatch, error) {
	var b *SIRHBatch
	err := s.inTx(ctx, "BatchHire", func(tx *sqlx.Tx) error {
		var in sql.NullInt64
		err := tx.GetContext(ctx, &in, `SELECT batch_id FROM sirh_hires WHERE id = $1 AND administration_id = $2 FOR UPDATE`, hireID, adminID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Recrutement introuvable.")
		}
		if err != nil {
			return err
		}
		if in.Valid {
			b, err = batchByID(ctx, tx, adminID, in.Int64)
		} else {
			b, err = newBatch(ctx, tx, adminID, SIRHImmediate, `id = $3`, hireID)
		}
		if err != nil {
			return err
		}
		return endTask(ctx, tx, StepSIRHBatch)
	})
	return b, err
}

// NightlyStale is how long a hire of an administration exporting at once
// may wait before the night takes it (its task failed for good).
const NightlyStale = time.Hour

// BatchNight makes the night's batch of an administration: every hire not
// yet exported if it exports nightly, else those left behind for over
// NightlyStale. ENOTFOUND when there is none.
func (s *Store) BatchNight(ctx context.Context, adminID int64, now time.Time) (*SIRHBatch, error) {
	var b *SIRHBatch
	err := s.inTx(ctx, "BatchNight", func(tx *sqlx.Tx) error {
		st, err := sirhSettings(ctx, tx, adminID)
		if err != nil {
			return err
		}
		cutoff := now.Add(-NightlyStale)
		if st.Cadence == SIRHNightly {
			cutoff = now
		}
		b, err = newBatch(ctx, tx, adminID, SIRHNightly, `hired_at <= $3`, cutoff)
		return err
	})
	return b, err
}

// AdministrationsToBatch lists the administrations the night has hires of.
func (s *Store) AdministrationsToBatch(ctx context.Context, now time.Time) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `SELECT DISTINCT h.administration_id FROM sirh_hires h
		LEFT JOIN sirh_settings st ON st.administration_id = h.administration_id
		WHERE h.batch_id IS NULL AND (coalesce(st.cadence, 'immediat') = 'nuit' AND h.hired_at <= $1 OR h.hired_at <= $2)
		ORDER BY 1`, now, now.Add(-NightlyStale))
	return ids, wrap("AdministrationsToBatch", err)
}

// WriteSIRHBatch writes the batch's file to w, record after record as
// PostgreSQL sends them: the memory it takes does not grow with the batch.
func (s *Store) WriteSIRHBatch(ctx context.Context, b *SIRHBatch, w io.Writer) (int, error) {
	rows, err := s.db.QueryxContext(ctx, `SELECT id, application_id, hired_at, civility, first_name, last_name, email, phone,
			offer_reference, post, siret, nature, categorie, start_date, documents
		FROM sirh_hires WHERE batch_id = $1 AND administration_id = $2 ORDER BY id`, b.ID, b.AdministrationID)
	if err != nil {
		return 0, wrap("WriteSIRHBatch", err)
	}
	defer func() { _ = rows.Close() }() // rows.Err says how the reading went
	enc, err := newSIRHEncoder(w, b)
	if err != nil {
		return 0, wrap("WriteSIRHBatch", err)
	}
	n := 0
	var h SIRHHire
	for rows.Next() {
		h = SIRHHire{}
		if err := rows.StructScan(&h); err != nil {
			return n, wrap("WriteSIRHBatch", err)
		}
		if err := enc.row(&h); err != nil {
			return n, wrap("WriteSIRHBatch", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, wrap("WriteSIRHBatch", err)
	}
	return n, wrap("WriteSIRHBatch", enc.end())
}

// SealSIRHBatch records the checksum and size of the batch's file, once.
func (s *Store) SealSIRHBatch(ctx context.Context, b *SIRHBatch, checksum string, size int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE sirh_batches SET checksum = $3, size = $4
		WHERE id = $1 AND administration_id = $2 AND checksum = ''`, b.ID, b.AdministrationID, checksum, size)
	if err == nil && b.Checksum == "" {
		b.Checksum, b.Size = checksum, size
	}
	return wrap("SealSIRHBatch", err)
}

// LeaseSIRHBatch holds the batch for one delivery: ECONFLICT while another
// worker delivers it.
func (s *Store) LeaseSIRHBatch(ctx context.Context, adminID, id int64, d time.Duration) (*SIRHBatch, error) {
	var b SIRHBatch
	err := s.db.GetContext(ctx, &b, `UPDATE sirh_batches SET leased_until = $4::timestamptz + $3 * interval '1 millisecond'
		WHERE id = $1 AND administration_id = $2 AND (leased_until IS NULL OR leased_until < $4)
		RETURNING `+sirhBatchColumns+`, '' AS last_answer`, id, adminID, d.Milliseconds(), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.SIRHBatchByID(ctx, adminID, id); err != nil {
			return nil, err
		}
		return nil, Errorf(ECONFLICT, "Ce lot est en cours de livraison.")
	}
	return &b, wrap("LeaseSIRHBatch", err)
}

// FinishSIRHDelivery releases the batch with the delivery's outcome.
func (s *Store) FinishSIRHDelivery(ctx context.Context, b *SIRHBatch, ok bool, lastErr string) error {
	state := BatchFailed
	if ok {
		state = BatchDelivered
	}
	_, err := s.db.ExecContext(ctx, `UPDATE sirh_batches SET leased_until = NULL, state = $3, last_error = left($4, 2000),
		delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END
		WHERE id = $1 AND administration_id = $2`, b.ID, b.AdministrationID, state, lastErr)
	return wrap("FinishSIRHDelivery", err)
}

// RecordSIRHDelivery keeps one attempt and the receiver's answer.
func (s *Store) RecordSIRHDelivery(ctx context.Context, d SIRHDelivery) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO sirh_deliveries
		(batch_id, administration_id, request, requested_by, attempt, ok, status_code, answer, error, checksum)
		VALUES ($1, $2, $3, $4, $5, $6, $7, left($8, 2000), left($9, 2000), $10)`,
		d.BatchID, d.AdministrationID, d.Request, d.RequestedBy, d.Attempt, d.OK, d.StatusCode, d.Answer, d.Error, d.Checksum)
	return wrap("RecordSIRHDelivery", err)
}

// SIRHDeliveredFor reports whether a request already delivered the batch.
func (s *Store) SIRHDeliveredFor(ctx context.Context, b *SIRHBatch, request string) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM sirh_deliveries
		WHERE batch_id = $1 AND administration_id = $2 AND request = $3 AND ok)`, b.ID, b.AdministrationID, request)
	return ok, wrap("SIRHDeliveredFor", err)
}

// SIRHDeliveries lists a batch's attempts, oldest first.
func (s *Store) SIRHDeliveries(ctx context.Context, adminID, batchID int64) ([]SIRHDelivery, error) {
	var out []SIRHDelivery
	err := s.db.SelectContext(ctx, &out, `SELECT batch_id, administration_id, request, requested_by, attempt, at, ok,
			status_code, answer, error, checksum
		FROM sirh_deliveries WHERE batch_id = $1 AND administration_id = $2 ORDER BY id`, batchID, adminID)
	return out, wrap("SIRHDeliveries", err)
}

// SIRHBatches lists the administration's latest batches with their last
// delivery's outcome.
func (s *Store) SIRHBatches(ctx context.Context, adminID int64, limit int) ([]SIRHBatch, error) {
	var out []SIRHBatch
	err := s.db.SelectContext(ctx, &out, `SELECT `+sirhBatchColumns+`,
			coalesce((SELECT concat_ws(' — ', 'HTTP ' || d.status_code, nullif(d.answer, ''), nullif(d.error, ''))
				FROM sirh_deliveries d WHERE d.batch_id = b.id ORDER BY d.id DESC LIMIT 1), '') AS last_answer
		FROM sirh_batches b WHERE administration_id = $1 ORDER BY id DESC LIMIT $2`, adminID, limit)
	return out, wrap("SIRHBatches", err)
}

// SIRHWaiting counts the administration's hires not yet in a batch.
func (s *Store) SIRHWaiting(ctx context.Context, adminID int64) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM sirh_hires WHERE administration_id = $1 AND batch_id IS NULL`, adminID)
	return n, wrap("SIRHWaiting", err)
}

// RequestSIRHRedelivery asks the worker to deliver a batch again: the only
// way a hire leaves twice.
func (s *Store) RequestSIRHRedelivery(ctx context.Context, adminID, batchID int64, actor Actor) error {
	return s.inTx(ctx, "RequestSIRHRedelivery", func(tx *sqlx.Tx) error {
		b, err := batchByID(ctx, tx, adminID, batchID)
		if err != nil {
			return err
		}
		if err := outboxDelivery(ctx, tx, SIRHDeliverTask{AdministrationID: adminID, BatchID: b.ID, Redelivery: true, By: actor.Email}); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "sirh.redelivery", "lot "+strconv.FormatInt(b.ID, 10),
			map[string]any{"recrutements": b.Hires, "sha256": b.Checksum})
	})
}
