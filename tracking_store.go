package vivier

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"
)

// RequestTrackingLink queues a new link for the address, whether it has
// applications or not: the worker looks, and the asker is told the same
// either way.
func (s *Store) RequestTrackingLink(ctx context.Context, email string) error {
	msg, err := NewOutboxMessage(TaskTrackingLink, "critical", TrackingLinkPayload{Email: email})
	if err != nil {
		return err
	}
	return s.AddOutbox(ctx, &msg)
}

// CreateTrackingLink records a link under the digest of the token the
// worker is about to email; appID is the application the email is about
// (nil for a link asked for at /suivi), the space's default target.
func (s *Store) CreateTrackingLink(ctx context.Context, candidateID int64, appID *int64, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO tracking_links (candidate_id, application_id, token_hash) VALUES ($1, $2, $3)`,
		candidateID, appID, hash)
	return wrap("CreateTrackingLink", err)
}

// CandidateByEmail finds the candidate of an address.
func (s *Store) CandidateByEmail(ctx context.Context, email string) (*Candidate, error) {
	var c Candidate
	err := s.db.GetContext(ctx, &c, `SELECT `+candidateColumns+` FROM candidates WHERE email = $1`, email)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Candidat·e introuvable.")
	}
	return &c, wrap("CandidateByEmail", err)
}

// trackingLinkAlive is the lifetime of a link, on the candidate row c: an
// application still open, or a hire (its administration keeps it, so the
// person keeps the way to read, export or erase it), or one closed whose
// last contact is within its administration's retention period (the
// retention's own clock), or a merge waiting for the candidate.
const trackingLinkAlive = `(EXISTS (SELECT 1 FROM applications a JOIN administrations ad ON ad.id = a.administration_id
		WHERE a.candidate_id = c.id AND a.category <> 'anonymisee' AND (a.category IN ('nouvelle', 'en_cours', 'acceptee')
			OR a.last_activity_at > $2::timestamptz - make_interval(months => ad.retention_months)))
	OR EXISTS (SELECT 1 FROM candidate_merges m WHERE m.outcome = 'en_attente' AND c.id IN (m.keep_id, m.other_id)))`

// CandidateByToken opens a candidate's space from a link. It writes
// nothing: a mail scanner opening the link changes no row.
func (s *Store) CandidateByToken(ctx context.Context, token string) (*TrackingAccess, error) {
	var c TrackingAccess
	err := s.db.GetContext(ctx, &c, `SELECT c.id, c.email, c.created_at, c.erased_at, l.application_id AS link_application_id
		FROM tracking_links l JOIN candidates c ON c.id = l.candidate_id
		WHERE l.token_hash = $1 AND l.revoked_at IS NULL AND c.erased_at IS NULL AND `+trackingLinkAlive, HashToken(token), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrTrackingLinkExpired
	}
	return &c, wrap("CandidateByToken", err)
}

// TouchTrackingLink notes that the link served an action (a POST), so that
// a candidate's export shows when their links were last used.
func (s *Store) TouchTrackingLink(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE tracking_links SET last_used_at = now() WHERE token_hash = $1`, HashToken(token))
	return wrap("TouchTrackingLink", err)
}

// RevokeTrackingLinks revokes every link of the candidate, the one in use
// included; the caller sends a new one.
func (s *Store) RevokeTrackingLinks(ctx context.Context, candidateID int64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE tracking_links SET revoked_at = now() WHERE candidate_id = $1 AND revoked_at IS NULL`, candidateID)
	return wrap("RevokeTrackingLinks", err)
}

// CandidateApplications lists a candidate's applications, newest first, with
// their timelines.
func (s *Store) CandidateApplications(ctx context.Context, candidateID int64) ([]TrackedApplication, error) {
	var apps []TrackedApplication
	err := s.db.SelectContext(ctx, &apps, `
		SELECT a.id, a.administration_id, a.offer_id, a.candidate_id, a.civility, a.first_name, a.last_name, a.phone,
			a.category, a.interview_planned, a.source, a.answers,
			a.letter_text, a.domaine_code, a.consent_at, a.talent_pool_at, a.withdraw_reason, a.created_at, a.updated_at,
			a.last_activity_at, o.title AS offer_title, o.status AS offer_status, d.name AS administration_name,
			d.slug AS administration_slug, d.response_days,
			(SELECT max(created_at) FROM application_messages m WHERE m.application_id = a.id AND m.from_candidate) AS last_nudge_at
		FROM applications a JOIN administrations d ON d.id = a.administration_id LEFT JOIN offers o ON o.id = a.offer_id
		WHERE a.candidate_id = $1 ORDER BY a.created_at DESC, a.id DESC`, candidateID)
	if err != nil {
		return nil, wrap("CandidateApplications", err)
	}
	for i := range apps {
		// Events that move nothing (a change of details, a transfer
		// proposed) are the recruiters' history, not a step of the
		// candidate's timeline. The first event has no step: the first
		// move after it changes the category anyway.
		if err := s.db.SelectContext(ctx, &apps[i].Events, `SELECT e.at, e.to_category, e.interview_id IS NOT NULL AS interview,
				CASE WHEN e.interview_id IS NOT NULL THEN e.step WHEN st.public AND st.name <> '' THEN st.name ELSE '' END AS public_step
			FROM (SELECT e.*, lag(e.to_category) OVER w AS prev_category, lag(e.stage_id) OVER w AS prev_stage
				FROM application_events e WHERE e.application_id = $1 WINDOW w AS (ORDER BY e.at, e.id)) e
			LEFT JOIN pipeline_steps st ON st.id = e.stage_id
			WHERE e.interview_id IS NOT NULL OR e.prev_category IS NULL OR e.prev_category <> e.to_category
				OR (e.prev_stage IS NOT NULL AND e.stage_id IS DISTINCT FROM e.prev_stage)
			ORDER BY e.at, e.id`, apps[i].ID); err != nil {
			return nil, wrap("CandidateApplications", err)
		}
		for j := range apps[i].Events {
			apps[i].Events[j].Label = timelineLabel(apps[i].Events[j])
		}
	}
	return apps, nil
}

// candidateApplication locks one of the candidate's applications: the
// candidate id in the WHERE clause is what keeps one candidate out of
// another's applications.
func candidateApplication(ctx context.Context, tx *sqlx.Tx, candidateID, appID int64) (*Application, error) {
	var a Application
	err := tx.GetContext(ctx, &a, `SELECT `+applicationColumns+`, stage_id FROM applications WHERE id = $1 AND candidate_id = $2 FOR UPDATE`,
		appID, candidateID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Candidature introuvable.")
	}
	return &a, err
}

// Withdraw withdraws a pending application, and tells its recruiters.
func (s *Store) Withdraw(ctx context.Context, candidateID, appID int64, reason string) error {
	if len([]rune(reason)) > 1000 {
		return FieldError("reason", "Le motif compte 1 000 caractères au plus.")
	}
	return s.inTx(ctx, "Withdraw", func(tx *sqlx.Tx) error {
		a, err := candidateApplication(ctx, tx, candidateID, appID)
		if err != nil {
			return err
		}
		if a.Category != CategoryNew && a.Category != CategoryReview {
			return Errorf(ECONFLICT, "Cette candidature ne peut plus être retirée : elle est %s.", StatusLabel(a.Category, false))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET category = 'retiree', withdraw_reason = $2, updated_at = now(),
			last_activity_at = now() WHERE id = $1`, a.ID, reason); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO application_events (application_id, actor, from_category, to_category, reason)
			VALUES ($1, 'candidat·e', $2, 'retiree', $3)`, a.ID, a.Category, reason); err != nil {
			return err
		}
		if err := endConvocations(ctx, tx, a.AdministrationID, []int64{a.ID}, withdrawnReason, Actor{Email: "candidat·e"}); err != nil {
			return err
		}
		return addApplicationTask(ctx, tx, TaskApplicationWithdrawn, "default", a)
	})
}

func addApplicationTask(ctx context.Context, tx *sqlx.Tx, task, queue string, a *Application) error {
	msg, err := NewOutboxMessage(task, queue, ApplicationTask{ApplicationID: a.ID})
	if err != nil {
		return err
	}
	msg.AdministrationID = &a.AdministrationID
	return insertOutbox(ctx, tx, &msg)
}
