package vivier

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// ApplicationTask is the payload of the application emails.
type ApplicationTask struct {
	ApplicationID int64 `json:"application_id"`
}

// ErrAlreadyApplied is a second application to the same offer with the same
// address. The form answers it as a first application (the page must not
// tell whether an address applied), and the address is told by email, with
// a link to the first application, which stays as it was.
var ErrAlreadyApplied = Errorf(ECONFLICT, "Une candidature à cette offre existe déjà avec cette adresse électronique.")

func (s *Store) tellAlreadyApplied(ctx context.Context, email string, offer *Offer) error {
	return s.inTx(ctx, "tellAlreadyApplied", func(tx *sqlx.Tx) error {
		var a Application
		if err := tx.GetContext(ctx, &a, `SELECT a.id, a.administration_id FROM applications a JOIN candidates c ON c.id = a.candidate_id
			WHERE c.email = $1 AND a.offer_id = $2`, email, offer.ID); err != nil {
			return err
		}
		return addApplicationTask(ctx, tx, TaskAlreadyApplied, "critical", &a)
	})
}

// ErrOfferClosed is the refusal of an application to an offer that no longer
// takes any.
var ErrOfferClosed = Errorf(ECONFLICT, "Cette offre ne reçoit plus de candidatures : elle est clôturée.")

// OfferOpen says whether an offer takes applications now.
func OfferOpen(o *Offer, now time.Time) bool {
	return o.Status == OfferPublished && (o.ApplicationDeadline == nil || now.Before(*o.ApplicationDeadline))
}

// Apply records a validated submission: files in the file store, then one
// transaction with the candidate (one per email), the application, its
// files' metadata, its first event and the outbox rows for the emails. Redis
// is not on this path. A retried submission (same idempotency key) returns
// the application the first one made, with created false.
func (s *Store) Apply(ctx context.Context, sub *Submission, offer *Offer, files FileStore) (app *Application, created bool, err error) {
	if existing, err := s.applicationByKey(ctx, sub.IdempotencyKey); err == nil {
		return existing, false, nil
	} else if ErrorCode(err) != ENOTFOUND {
		return nil, false, err
	}
	if offer != nil && !OfferOpen(offer, s.now()) {
		return nil, false, ErrOfferClosed
	}
	stored, err := putUploads(ctx, files, sub)
	if err != nil {
		return nil, false, err
	}
	app = &Application{}
	err = s.inTx(ctx, "Apply", func(tx *sqlx.Tx) error {
		return insertApplication(ctx, tx, sub, offer, stored, app, s.now())
	})
	if err != nil {
		for _, f := range stored {
			_ = files.Delete(context.WithoutCancel(ctx), f.key)
		}
		if errors.Is(err, errSameKey) {
			app, err = s.applicationByKey(ctx, sub.IdempotencyKey)
			return app, false, err
		}
		if errors.Is(err, ErrAlreadyApplied) {
			if err := s.tellAlreadyApplied(ctx, sub.Email, offer); err != nil {
				return nil, false, err
			}
		}
		return nil, false, err
	}
	return app, true, nil
}

// errSameKey: a concurrent submission with the same key won the race.
var errSameKey = errors.New("same idempotency key")

type storedUpload struct {
	kind  string
	key   string
	up    *Upload
	label string // a piece's document
}

func putUploads(ctx context.Context, files FileStore, sub *Submission) ([]storedUpload, error) {
	todo := []storedUpload{{kind: "cv", up: sub.CV}, {kind: "lettre", up: sub.Letter}}
	for _, p := range sub.Pieces {
		todo = append(todo, storedUpload{kind: "piece", up: p.Upload, label: p.Label})
	}
	var stored []storedUpload
	for _, f := range todo {
		if f.up == nil {
			continue
		}
		f.key = "applications/" + uuid.NewString() + "/" + f.kind
		if err := files.Put(ctx, f.key, f.up.Data, f.up.ContentType); err != nil {
			for _, f := range stored {
				_ = files.Delete(context.WithoutCancel(ctx), f.key)
			}
			return nil, fmt.Errorf("Apply: %w", err)
		}
		stored = append(stored, f)
	}
	return stored, nil
}

func insertApplication(ctx context.Context, tx *sqlx.Tx, sub *Submission, offer *Offer, stored []storedUpload, app *Application, now time.Time) error {
	// The address's row is made once and never changed here: an anonymous
	// request only adds an application, with the identity it sent.
	candidateID, err := candidateOf(ctx, tx, sub.Email)
	if err != nil {
		return err
	}
	adminID, offerID := sub.AdministrationID, sub.OfferID
	if offer != nil {
		adminID, offerID = offer.AdministrationID, &offer.ID
	}
	var pool *time.Time
	if sub.TalentPool {
		pool = &now
	}
	err = tx.GetContext(ctx, app, `
		INSERT INTO applications (administration_id, offer_id, candidate_id, source, answers, letter_text, domaine_code,
			consent_at, talent_pool_at, idempotency_key, civility, first_name, last_name, phone)
		VALUES ($1, $2, $3, $4, $5, $6, $7, now(), $8, $9, $10, $11, $12, $13)
		ON CONFLICT (idempotency_key) DO NOTHING
		RETURNING `+applicationColumns,
		adminID, offerID, candidateID, sub.Source, JSONB[map[string]string]{V: sub.Answers}, sub.LetterText, sub.DomaineCode, pool,
		sub.IdempotencyKey, sub.Civility, sub.FirstName, sub.LastName, sub.Phone)
	var pqErr *pq.Error
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return errSameKey
	case errors.As(err, &pqErr) && pqErr.Constraint == "applications_once_per_offer":
		return ErrAlreadyApplied
	case err != nil:
		return err
	}
	if sub.MobilityAgentID != nil {
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET mobility_agent_id = $2 WHERE id = $1`, app.ID, *sub.MobilityAgentID); err != nil {
			return err
		}
	}
	for _, f := range stored {
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO application_files (application_id, kind, file_key, name, content_type, size, sha256, text, label)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			app.ID, f.kind, f.key, f.up.Name, f.up.ContentType, f.up.Size, f.up.SHA256, f.up.Text, f.label); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO application_events (application_id, actor, to_category, email_sent)
		VALUES ($1, 'candidat·e', 'nouvelle', true)`, app.ID); err != nil {
		return err
	}
	for _, m := range []struct{ task, queue string }{{TaskApplicationReceived, "critical"}, {TaskNewApplication, "default"}} {
		msg, err := NewOutboxMessage(m.task, m.queue, ApplicationTask{ApplicationID: app.ID})
		if err != nil {
			return err
		}
		msg.AdministrationID = &adminID
		if err := insertOutbox(ctx, tx, &msg); err != nil {
			return err
		}
	}
	return nil
}

// candidateOf returns the id of the address's row, made if new. The second
// statement sees a row that a concurrent first application committed while
// the insert waited on it.
func candidateOf(ctx context.Context, tx *sqlx.Tx, email string) (int64, error) {
	var id int64
	err := tx.GetContext(ctx, &id, `INSERT INTO candidates (email) VALUES ($1) ON CONFLICT (email) DO NOTHING RETURNING id`, email)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.GetContext(ctx, &id, `SELECT id FROM candidates WHERE email = $1`, email)
	}
	return id, err
}

const applicationColumns = `id, administration_id, offer_id, candidate_id, civility, first_name, last_name, phone, category,
	interview_planned, source, answers, letter_text, domaine_code, consent_at, talent_pool_at, withdraw_reason, created_at,
	updated_at, last_activity_at`

func (s *Store) applicationByKey(ctx context.Context, key string) (*Application, error) {
	var a Application
	err := s.db.GetContext(ctx, &a, `SELECT `+applicationColumns+` FROM applications WHERE idempotency_key = $1`, key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Candidature introuvable.")
	}
	return &a, wrap("applicationByKey", err)
}

// ApplicationSummary is what the emails about an application need.
type ApplicationSummary struct {
	Application
	Candidate    Candidate `db:"c"`
	OfferTitle   *string   `db:"offer_title"`
	AdminName    string    `db:"administration_name"`
	AdminSlug    string    `db:"administration_slug"`
	ResponseDays int       `db:"response_days"`
}

// ApplicationSummaryByID returns an application with its candidate, offer
// title and administration, for the worker.
func (s *Store) ApplicationSummaryByID(ctx context.Context, id int64) (*ApplicationSummary, error) {
	var a ApplicationSummary
	err := s.db.GetContext(ctx, &a, `
		SELECT a.id, a.administration_id, a.offer_id, a.candidate_id, a.category, a.stage_id, a.interview_planned, a.source, a.answers,
			a.letter_text, a.domaine_code, a.consent_at, a.talent_pool_at, a.withdraw_reason, a.created_at, a.updated_at,
			a.last_activity_at, a.civility, a.first_name, a.last_name, a.phone, a.mobility_agent_id IS NOT NULL AS via_mobility,
			c.id AS "c.id", c.email AS "c.email", c.created_at AS "c.created_at", c.erased_at AS "c.erased_at",
			o.title AS offer_title, d.name AS administration_name, d.slug AS administration_slug, d.response_days
		FROM applications a JOIN candidates c ON c.id = a.candidate_id JOIN administrations d ON d.id = a.administration_id
		LEFT JOIN offers o ON o.id = a.offer_id WHERE a.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Candidature introuvable.")
	}
	return &a, wrap("ApplicationSummaryByID", err)
}

// Recruiters lists the active agents who decide on the administration's
// applications (roles admin and recruteur held there), to notify them.
func (s *Store) Recruiters(ctx context.Context, adminID int64) ([]Agent, error) {
	var out []Agent
	err := s.db.SelectContext(ctx, &out, `
		SELECT DISTINCT a.id, a.email, a.first_name, a.last_name, a.password_hash, a.status, a.last_login_at, a.created_at, a.updated_at
		FROM casbin_rules r JOIN agents a ON r.v0 = 'agent:' || a.id
		WHERE r.ptype = 'g' AND r.v2 = $1 AND r.v1 IN ('admin', 'recruteur') AND a.status = 'active'
		ORDER BY a.id`, AdministrationDomain(adminID))
	return out, wrap("Recruiters", err)
}
