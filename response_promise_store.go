package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
)

// The response promise: each administration tells candidates how many days
// it takes to answer (response_days). The dashboard lists what is past it,
// recruiters are reminded at 80 % of it, and an administration may choose
// to refuse automatically, with a reasoned email, the applications left
// without any activity past a second, longer delay. A silence of months is
// worse for a candidate than a refusal.

// OverdueApplications returns the oldest of the administration's pending
// applications past the promised time (at most limit) and how many there are.
func (s *Store) OverdueApplications(ctx context.Context, adminID int64, now time.Time, limit int) ([]OverdueApplication, int, error) {
	where := `FROM applications a JOIN candidates c ON c.id = a.candidate_id JOIN administrations d ON d.id = a.administration_id
		LEFT JOIN offers o ON o.id = a.offer_id
		WHERE a.administration_id = $1 AND ` + pendingSQL + ` AND a.created_at + make_interval(days => d.response_days) < $2`
	var out []OverdueApplication
	if err := s.db.SelectContext(ctx, &out, `SELECT a.id, o.title AS offer_title, a.first_name, a.last_name, a.category, a.created_at,
		a.created_at + make_interval(days => d.response_days) AS due `+where+` ORDER BY a.created_at, a.id LIMIT $3`,
		adminID, now, limit); err != nil {
		return nil, 0, wrap("OverdueApplications", err)
	}
	total := len(out)
	if total == limit {
		if err := s.db.GetContext(ctx, &total, `SELECT count(*) `+where, adminID, now); err != nil {
			return nil, 0, wrap("OverdueApplications", err)
		}
	}
	return out, total, nil
}

// ResponseRemindersDue lists, across administrations, the applications to
// remind recruiters of as of now. The window ends at the promise: past it,
// the dashboard takes over; a missed day of the daily task still falls in
// the window, which lasts a fifth of the delay.
func (s *Store) ResponseRemindersDue(ctx context.Context, now time.Time) ([]ReminderDue, error) {
	var out []ReminderDue
	err := s.db.SelectContext(ctx, &out, `SELECT a.id, a.administration_id
		FROM applications a JOIN administrations d ON d.id = a.administration_id JOIN candidates c ON c.id = a.candidate_id
		WHERE `+pendingSQL+` AND c.erased_at IS NULL
		  AND a.created_at + make_interval(secs => d.response_days * 86400 * 0.8) <= $1
		  AND a.created_at + make_interval(days => d.response_days) > $1
		ORDER BY a.id LIMIT 5000`, now)
	return out, wrap("ResponseRemindersDue", err)
}

// AutoRefuseSettingsOf returns the administration's choice.
func (s *Store) AutoRefuseSettingsOf(ctx context.Context, adminID int64) (AutoRefuseSettings, error) {
	var a AutoRefuseSettings
	err := s.db.GetContext(ctx, &a, `SELECT auto_refuse, auto_refuse_days FROM administrations WHERE id = $1`, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return a, Errorf(ENOTFOUND, "Administration introuvable.")
	}
	return a, wrap("AutoRefuseSettingsOf", err)
}

// SetAutoRefuse changes the administration's choice, in the audit log.
func (s *Store) SetAutoRefuse(ctx context.Context, adminID int64, set AutoRefuseSettings, actor Actor) error {
	if set.Days < 15 || set.Days > 365 {
		return FieldError("auto_refuse_days", "Le délai du refus automatique se compte en jours, de 15 à 365.")
	}
	return s.inTx(ctx, "SetAutoRefuse", func(tx *sqlx.Tx) error {
		var days int
		if err := tx.GetContext(ctx, &days, `SELECT response_days FROM administrations WHERE id = $1 FOR UPDATE`, adminID); err != nil {
			return err
		}
		if set.Days <= days {
			return FieldError("auto_refuse_days", "Le délai du refus automatique doit dépasser le délai de réponse annoncé ("+strconv.Itoa(days)+" jours).")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE administrations SET auto_refuse = $2, auto_refuse_days = $3, updated_at = now() WHERE id = $1`,
			adminID, set.Enabled, set.Days); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "administration.auto_refuse", "", map[string]string{
			"actif": strconv.FormatBool(set.Enabled), "jours": strconv.Itoa(set.Days)})
	})
}

// AutoRefuseDue lists the applications that administrations which chose it
// refuse as of now: pending, and without any activity (a move, a message, a
// new CV) for the administration's second delay.
func (s *Store) AutoRefuseDue(ctx context.Context, now time.Time) ([]ReminderDue, error) {
	var out []ReminderDue
	err := s.db.SelectContext(ctx, &out, `SELECT a.id, a.administration_id
		FROM applications a JOIN administrations d ON d.id = a.administration_id
		WHERE d.auto_refuse AND `+pendingSQL+` AND a.last_activity_at + make_interval(days => d.auto_refuse_days) < $1
		ORDER BY a.id LIMIT 5000`, now)
	return out, wrap("AutoRefuseDue", err)
}

// AutoRefuse refuses one application through the pipeline's move, so that
// its history, the log and the candidate's email are those of any refusal.
// It checks again, under the row's lock, that the application is still due:
// one moved meanwhile stays where the recruiter put it. It reports whether
// it refused.
func (s *Store) AutoRefuse(ctx context.Context, adminID, appID int64, now time.Time) (bool, error) {
	refused := false
	err := s.inTx(ctx, "AutoRefuse", func(tx *sqlx.Tx) error {
		var due bool
		err := tx.GetContext(ctx, &due, `SELECT d.auto_refuse AND `+pendingSQL+` AND a.last_activity_at + make_interval(days => d.auto_refuse_days) < $3
			FROM applications a JOIN administrations d ON d.id = a.administration_id
			WHERE a.id = $1 AND a.administration_id = $2 FOR UPDATE OF a`, appID, adminID, now)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !due) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO refusal_reasons (administration_id, label, candidate_text, position)
			VALUES ($1, $2, $3, 65) ON CONFLICT DO NOTHING`, adminID, AutoRefuseReason, autoRefuseText); err != nil {
			return err
		}
		var m Move
		if err := tx.GetContext(ctx, &m.ReasonID, `SELECT id FROM refusal_reasons WHERE administration_id = $1 AND label = $2`,
			adminID, AutoRefuseReason); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &m.StageID, `SELECT id FROM pipeline_steps WHERE administration_id = $1 AND category = 'refusee'
			ORDER BY position, id LIMIT 1`, adminID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return Errorf(ECONFLICT, "Aucune étape de refus dans le parcours de cette administration.")
			}
			return err
		}
		m.Notify = true
		step, reason, err := checkMoveTarget(ctx, tx, adminID, m)
		if err != nil {
			return err
		}
		apps, err := lockApplications(ctx, tx, adminID, []int64{appID})
		if err != nil || len(apps) == 0 {
			return err
		}
		if err := moveOne(ctx, tx, &apps[0], step, reason, m, Actor{Email: AutoRefuseActor}); err != nil {
			return err
		}
		if err := endMovedConvocations(ctx, tx, adminID, step, []int64{appID}, Actor{Email: AutoRefuseActor}); err != nil {
			return err
		}
		refused = true
		return nil
	})
	return refused, err
}
