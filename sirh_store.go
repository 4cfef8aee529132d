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

// The SIRH export's records, batches and deliveries. Every query takes the
// administration id, except the worker's nightly look for administrations
// with hires to batch.

// recordHire writes the export record of an application that reached the
// administration's last "acceptée" step, and the outbox row that delivers
// it, in the move's transaction. An application hired before (reopened, then
// hired again) keeps its first record: it is exported once.
func recordHire(ctx context.Context, tx *sqlx.Tx, a *Application, step *Step, d HireDetails) error {
	if step.Category != CategoryAccepted {
		return nil
	}
	var last int64
	if err := tx.GetContext(ctx, &last, `SELECT id FROM pipeline_steps WHERE administration_id = $1 AND category = 'acceptee'
		ORDER BY position DESC, id DESC LIMIT 1`, a.AdministrationID); err != nil {
		return err
	}
	if last != step.ID {
		return nil
	}
	if d.Nature != "" && d.Nature != NatureTitulaire && d.Nature != NatureContractuel {
		return FieldError("nature", "Choisissez la nature du recrutement : titulaire ou contractuel.")
	}
	// Only what the SIRH needs to open the agent's file (data
	// minimisation): no answers, letter, source nor history. The nature
	// the recruiter gives wins; else a concours makes a titulaire, an offer
	// for contractuals or with only fixed-term forms a contractuel.
	var id int64
	err := tx.GetContext(ctx, &id, `
		INSERT INTO sirh_hires (administration_id, application_id, civility, first_name, last_name, email, phone,
			offer_reference, post, siret, nature, categorie, start_date, documents)
		SELECT a.administration_id, a.id, a.civility, a.first_name, a.last_name, coalesce(c.email::text, ''), a.phone,
			coalesce(o.reference, ''), coalesce(o.title, ''), coalesce(nullif(o.organisation_siret, ''), ad.siret, ''),
			CASE WHEN $3::text <> '' THEN $3::text
			     WHEN o.kind = 'concours' THEN 'titulaire'
			     WHEN o.contract_type = 'CONTRACTUELS' THEN 'contractuel'
			     WHEN cardinality(o.contract_forms) > 0 AND NOT ('PERMANENT' = ANY (o.contract_forms)) THEN 'contractuel'
			     ELSE 'titulaire' END,
			coalesce(array_to_string(o.categories, ','), ''), coalesce($4::date, o.vacancy_start),
			coalesce((SELECT jsonb_agg(jsonb_build_object('type', f.kind, 'nom', f.name, 'type_mime', f.content_type,
					'taille', f.size, 'sha256', f.sha256,
					'reference', '/admin/' || ad.slug || '/candidatures/' || a.id || '/fichiers/' || f.id) ORDER BY f.id)
				FROM application_files f WHERE f.application_id = a.id AND f.deleted_at IS NULL), '[]')
		FROM applications a JOIN candidates c ON c.id = a.candidate_id
		JOIN administrations ad ON ad.id = a.administration_id
		LEFT JOIN offers o ON o.id = a.offer_id
		WHERE a.id = $1 AND a.administration_id = $2
		ON CONFLICT (application_id) DO NOTHING RETURNING id`, a.ID, a.AdministrationID, d.Nature, d.StartDate)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	msg, err := NewOutboxMessage(TaskSIRHHire, "low", SIRHHireTask{AdministrationID: a.AdministrationID, HireID: id})
	if err != nil {
		return err
	}
	msg.AdministrationID = &a.AdministrationID
	return insertOutbox(ctx, tx, &msg)
}

// SIRHSettingsOf returns the administration's settings, the defaults if it
// has none.
func (s *Store) SIRHSettingsOf(ctx context.Context, adminID int64) (SIRHSettings, error) {
	return sirhSettings(ctx, s.db, adminID)
}

func sirhSettings(ctx context.Context, q sqlx.QueryerContext, adminID int64) (SIRHSettings, error) {
	var st SIRHSettings
	err := sqlx.GetContext(ctx, q, &st, `SELECT administration_id, destination, format, cadence, webhook_url,
			webhook_secret, webhook_secret_sealed, updated_at
		FROM sirh_settings WHERE administration_id = $1`, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSIRHSettings(adminID), nil
	}
	return st, wrap("SIRHSettings", err)
}

// SaveSIRHSettings validates and stores the settings. A webhook gets a
// secret the first time, and a new one when renew is set, sealed by box; a
// secret still in clear from the first versions is sealed on the way. The
// settings returned hold the secret in clear, for the page that shows it.
func (s *Store) SaveSIRHSettings(ctx context.Context, adminID int64, in SIRHSettings, renew bool, box *SecretBox, actor Actor) (SIRHSettings, error) {
	if err := in.Validate(ctx, s.outbound); err != nil {
		return in, err
	}
	if in.WebhookURL != "" && box == nil {
		return in, FieldError("webhook_url", "La plateforme n'a pas de clé de chiffrement (CSP_SECRET_KEY) : le secret de signature du webhook ne peut pas être enregistré. Prévenez l'exploitant.")
	}
	err := s.inTx(ctx, "SaveSIRHSettings", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM sirh_settings WHERE administration_id = $1 FOR UPDATE`, adminID); err != nil {
			return err
		}
		cur, err := sirhSettings(ctx, tx, adminID)
		if err != nil {
			return err
		}
		in.AdministrationID, in.SecretSealed, in.LegacySecret, in.WebhookSecret = adminID, cur.SecretSealed, cur.LegacySecret, ""
		fresh := in.WebhookURL != "" && (!cur.HasWebhookSecret() || renew)
		switch {
		case fresh:
			in.WebhookSecret = NewWebhookSecret()
		case box != nil && in.LegacySecret != "" && len(in.SecretSealed) == 0:
			in.WebhookSecret = in.LegacySecret
		case box != nil && cur.HasWebhookSecret():
			// A secret that no longer opens (the platform's key changed
			// without its previous one) shows as none: renewing replaces it.
			_, _ = in.OpenWebhookSecret(box)
		}
		if in.WebhookSecret != "" {
			if in.SecretSealed, err = box.Seal(in.WebhookSecret, sirhSecretContext(adminID)); err != nil {
				return err
			}
			in.LegacySecret = ""
		}
		if err := tx.GetContext(ctx, &in.UpdatedAt, `
			INSERT INTO sirh_settings (administration_id, destination, format, cadence, webhook_url, webhook_secret, webhook_secret_sealed)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (administration_id) DO UPDATE SET destination = $2, format = $3, cadence = $4,
				webhook_url = $5, webhook_secret = $6, webhook_secret_sealed = $7, updated_at = now()
			RETURNING updated_at`, adminID, in.Destination, in.Format, in.Cadence, in.WebhookURL, in.LegacySecret, in.SecretSealed); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "sirh.settings", "exports SIRH", map[string]any{
			"destination": in.Destination, "format": in.Format, "cadence": in.Cadence, "webhook": in.WebhookURL,
			"nouveau_secret": fresh})
	})
	return in, err
}

// SealLegacySIRHSecrets seals the webhook secrets still kept in clear by
// the first versions, and empties their clear column; it returns how many.
func (s *Store) SealLegacySIRHSecrets(ctx context.Context, box *SecretBox) (int, error) {
	n := 0
	err := s.inTx(ctx, "SealLegacySIRHSecrets", func(tx *sqlx.Tx) error {
		var rows []SIRHSettings
		if err := tx.SelectContext(ctx, &rows, `SELECT administration_id, webhook_secret, webhook_secret_sealed
			FROM sirh_settings WHERE webhook_secret <> '' ORDER BY administration_id FOR UPDATE`); err != nil {
			return err
		}
		for _, r := range rows {
			sealed := r.SecretSealed
			if len(sealed) == 0 {
				var err error
				if sealed, err = box.Seal(r.LegacySecret, sirhSecretContext(r.AdministrationID)); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE sirh_settings SET webhook_secret = '', webhook_secret_sealed = $2
				WHERE administration_id = $1`, r.AdministrationID, sealed); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

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
