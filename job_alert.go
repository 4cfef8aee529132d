package vivier

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// Job alerts: a candidate saves a search of /offres with their address; once
// they confirm it from the emailed link, the daily task mails them the offers
// published since its last email. Nothing is sent to an address that did not
// confirm, and every alert email carries a one-click unsubscribe.

// Retention of alerts: one never confirmed is deleted after a week, one
// whose owner did nothing for three years (the CNIL's period for
// prospection) is deleted by the daily task.
const (
	JobAlertConfirmWindow = 7 * 24 * time.Hour
	JobAlertInactivity    = 3 * 365 * 24 * time.Hour
)

// JobAlert is a saved search.
type JobAlert struct {
	ID             int64       `db:"id"`
	Email          string      `db:"email"`
	Query          string      `db:"query"`
	Search         OfferSearch `db:"-"`
	SearchJSON     []byte      `db:"search"`
	Label          string      `db:"label"`
	CreatedAt      time.Time   `db:"created_at"`
	ConfirmedAt    *time.Time  `db:"confirmed_at"`
	LastSentAt     *time.Time  `db:"last_sent_at"`
	LastActivityAt time.Time   `db:"last_activity_at"`
}

// JobAlertTask is the payload of TaskJobAlertConfirm.
type JobAlertTask struct {
	AlertID int64 `json:"alert_id"`
}

const jobAlertColumns = `id, email, query, search, label, created_at, confirmed_at, last_sent_at, last_activity_at`

func (a *JobAlert) decode() error {
	if err := json.Unmarshal(a.SearchJSON, &a.Search); err != nil {
		return fmt.Errorf("job alert %d: search: %w", a.ID, err)
	}
	return nil
}

// SaveJobAlert records the alert of email for a search (query is its /offres
// query string, label the search in words) and queues the confirmation email
// in the same transaction. Saving the same search again refreshes it; an
// alert already confirmed gets no second confirmation email.
func (s *Store) SaveJobAlert(ctx context.Context, email, query, label string, search OfferSearch) error {
	email, err := ParseEmail(email)
	if err != nil {
		return err
	}
	if err := search.Validate(); err != nil {
		return err
	}
	search.Page, search.PerPage = 0, 0
	b, err := json.Marshal(search)
	if err != nil {
		return fmt.Errorf("SaveJobAlert: %w", err)
	}
	return s.inTx(ctx, "SaveJobAlert", func(tx *sqlx.Tx) error {
		var id int64
		var confirmed *time.Time
		if err := tx.QueryRowxContext(ctx, `
			INSERT INTO job_alerts (email, query, search, label) VALUES ($1, $2, $3, $4)
			ON CONFLICT (email, query) DO UPDATE SET last_activity_at = now(), search = EXCLUDED.search, label = EXCLUDED.label
			RETURNING id, confirmed_at`, email, query, b, label).Scan(&id, &confirmed); err != nil {
			return err
		}
		if confirmed != nil {
			return nil
		}
		m, err := NewOutboxMessage(TaskJobAlertConfirm, "default", JobAlertTask{AlertID: id})
		if err != nil {
			return err
		}
		return insertOutbox(ctx, tx, &m)
	})
}

// JobAlertByID returns an alert.
func (s *Store) JobAlertByID(ctx context.Context, id int64) (*JobAlert, error) {
	var a JobAlert
	if err := s.db.GetContext(ctx, &a, `SELECT `+jobAlertColumns+` FROM job_alerts WHERE id = $1`, id); err != nil {
		return nil, wrap("JobAlertByID", err)
	}
	return &a, a.decode()
}

// AddJobAlertToken stores the digest of a token of the alert.
func (s *Store) AddJobAlertToken(ctx context.Context, alertID int64, purpose string, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO job_alert_tokens (hash, alert_id, purpose) VALUES ($1, $2, $3)`, hash, alertID, purpose)
	return wrap("AddJobAlertToken", err)
}

var errAlertLink = Errorf(ENOTFOUND, "Ce lien n'est plus valable : l'alerte a peut-être déjà été confirmée ou supprimée.")

// ErrAlertLinkExpired is a confirmation link past its week: the page says so
// with 410 Gone, as the back-office's expired links do.
var ErrAlertLinkExpired = Errorf(EINVALID, "Ce lien de confirmation a expiré : il fonctionne 7 jours. "+
	"Créez de nouveau l'alerte depuis la recherche d'offres.")

// confirmationToken returns the alert a confirmation token names, or why it
// names none; lock holds the token until the transaction ends.
func confirmationToken(ctx context.Context, q sqlx.QueryerContext, token string, lock bool) (int64, error) {
	var t struct {
		AlertID int64 `db:"alert_id"`
		Expired bool  `db:"expired"`
	}
	query := `SELECT alert_id, created_at <= now() - make_interval(secs => $2) AS expired
		FROM job_alert_tokens WHERE hash = $1 AND purpose = 'confirmation'`
	if lock {
		query += ` FOR UPDATE`
	}
	err := sqlx.GetContext(ctx, q, &t, query, HashToken(token), JobAlertConfirmWindow.Seconds())
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, errAlertLink
	case err != nil:
		return 0, err
	case t.Expired:
		return 0, ErrAlertLinkExpired
	}
	return t.AlertID, nil
}

// JobAlertByConfirmationToken returns the alert a confirmation link names,
// without confirming it: opening the link shows the alert, and only the
// page's button confirms (mail scanners open links).
func (s *Store) JobAlertByConfirmationToken(ctx context.Context, token string) (*JobAlert, error) {
	id, err := confirmationToken(ctx, s.db, token, false)
	if err != nil {
		return nil, wrap("JobAlertByConfirmationToken", err)
	}
	a, err := s.JobAlertByID(ctx, id)
	if ErrorCode(err) == ENOTFOUND {
		return nil, errAlertLink // deleted since the lookup
	}
	return a, err
}

// ConfirmJobAlert turns on the alert that the confirmation token names;
// offers published from now on are its new ones. The token is used up.
func (s *Store) ConfirmJobAlert(ctx context.Context, token string) (*JobAlert, error) {
	var a JobAlert
	err := s.inTx(ctx, "ConfirmJobAlert", func(tx *sqlx.Tx) error {
		id, err := confirmationToken(ctx, tx, token, true)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM job_alert_tokens WHERE hash = $1`, HashToken(token)); err != nil {
			return err
		}
		return tx.GetContext(ctx, &a, `UPDATE job_alerts SET confirmed_at = coalesce(confirmed_at, now()),
			last_sent_at = coalesce(last_sent_at, now()), last_activity_at = now()
			WHERE id = $1 RETURNING `+jobAlertColumns, id)
	})
	if err != nil {
		return nil, err
	}
	return &a, a.decode()
}

// JobAlertByUnsubscribeToken returns the alert an unsubscribe link names.
func (s *Store) JobAlertByUnsubscribeToken(ctx context.Context, token string) (*JobAlert, error) {
	var a JobAlert
	err := s.db.GetContext(ctx, &a, `SELECT `+jobAlertColumns+` FROM job_alerts WHERE id =
		(SELECT alert_id FROM job_alert_tokens WHERE hash = $1 AND purpose = 'desinscription')`, HashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errAlertLink
	}
	if err != nil {
		return nil, wrap("JobAlertByUnsubscribeToken", err)
	}
	return &a, a.decode()
}

// DeleteJobAlertByToken deletes the alert an unsubscribe link names, with
// its tokens. An unknown token deletes nothing and is not an error: a
// second click, or a mail client's one-click POST repeated, has nothing
// left to do.
func (s *Store) DeleteJobAlertByToken(ctx context.Context, token string) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM job_alerts WHERE id =
		(SELECT alert_id FROM job_alert_tokens WHERE hash = $1 AND purpose = 'desinscription')`, HashToken(token))
	return wrap("DeleteJobAlertByToken", err)
}

// ConfirmedJobAlerts returns up to limit confirmed alerts with an id above
// after, in id order, for the daily task to page through.
func (s *Store) ConfirmedJobAlerts(ctx context.Context, after int64, limit int) ([]JobAlert, error) {
	var out []JobAlert
	if err := s.db.SelectContext(ctx, &out, `SELECT `+jobAlertColumns+` FROM job_alerts
		WHERE confirmed_at IS NOT NULL AND id > $1 ORDER BY id LIMIT $2`, after, limit); err != nil {
		return nil, wrap("ConfirmedJobAlerts", err)
	}
	for i := range out {
		if err := out[i].decode(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MarkJobAlertSent moves the alert's window to until; never backwards, so a
// retried run of an earlier day changes nothing.
func (s *Store) MarkJobAlertSent(ctx context.Context, id int64, until time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE job_alerts SET last_sent_at = greatest(last_sent_at, $2) WHERE id = $1`, id, until)
	return wrap("MarkJobAlertSent", err)
}

// PurgeJobAlerts deletes the alerts left unconfirmed past their window and
// those without activity for JobAlertInactivity, as of now.
func (s *Store) PurgeJobAlerts(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM job_alerts
		WHERE (confirmed_at IS NULL AND created_at < $1) OR last_activity_at < $2`,
		now.Add(-JobAlertConfirmWindow), now.Add(-JobAlertInactivity))
	if err != nil {
		return 0, wrap("PurgeJobAlerts", err)
	}
	return res.RowsAffected()
}

// deleteJobAlertsOf deletes the alerts of an address, when its owner erases
// their data.
func deleteJobAlertsOf(ctx context.Context, tx *sqlx.Tx, email string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM job_alerts WHERE email = $1`, email)
	return err
}
