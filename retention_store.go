package vivier

import (
	"context"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Retention of personal data, as the CNIL recommends for recruitment: an
// application not retained is anonymised once it has seen no contact (a
// candidate's action or a recruiter's message, never an email opened) for
// the administration's retention period, a candidate left with nothing but
// anonymised applications is erased, a talent-pool consent lapses after the
// same period unless renewed, and agents who no longer sign in lose their
// access. Every method takes now, so that a run is reproducible in tests.

// RetentionMonths returns how long the administration keeps applications it
// did not retain.
func (s *Store) RetentionMonths(ctx context.Context, adminID int64) (int, error) {
	var m int
	err := s.db.GetContext(ctx, &m, `SELECT retention_months FROM administrations WHERE id = $1`, adminID)
	return m, wrap("RetentionMonths", err)
}

// SetRetentionMonths changes the retention period, within the legal bounds.
func (s *Store) SetRetentionMonths(ctx context.Context, adminID int64, months int, actor Actor) error {
	if months < RetentionMinMonths || months > RetentionMaxMonths {
		return FieldError("retention_months", "La durée de conservation se compte en mois, de 6 à 24.")
	}
	return s.inTx(ctx, "SetRetentionMonths", func(tx *sqlx.Tx) error {
		var before int
		if err := tx.GetContext(ctx, &before, `SELECT retention_months FROM administrations WHERE id = $1 FOR UPDATE`, adminID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE administrations SET retention_months = $2, updated_at = now() WHERE id = $1`, adminID, months); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "administration.retention", "", map[string]string{
			"avant": strconv.Itoa(before), "après": strconv.Itoa(months)})
	})
}

// AnonymiseStaleApplications anonymises the applications not retained whose
// last contact is older than their administration's retention period, then
// erases the candidates left with anonymised applications only. It returns
// the count per administration and the number of candidates erased.
func (s *Store) AnonymiseStaleApplications(ctx context.Context, now time.Time, files FileStore) (map[int64]int, int, error) {
	perAdmin := map[int64]int{}
	var keys []string
	err := s.inTx(ctx, "AnonymiseStaleApplications", func(tx *sqlx.Tx) error {
		var stale []struct {
			ID               int64 `db:"id"`
			AdministrationID int64 `db:"administration_id"`
		}
		if err := tx.SelectContext(ctx, &stale, `SELECT a.id, a.administration_id FROM applications a
			JOIN administrations ad ON ad.id = a.administration_id
			WHERE a.category NOT IN ('acceptee', 'anonymisee')
			AND a.last_activity_at < $1::timestamptz - make_interval(months => ad.retention_months)
			ORDER BY a.id FOR UPDATE OF a`, now); err != nil {
			return err
		}
		if len(stale) == 0 {
			return nil
		}
		ids := make([]int64, len(stale))
		for i, a := range stale {
			ids[i] = a.ID
			perAdmin[a.AdministrationID]++
		}
		stmts := []struct {
			q    string
			args []any
		}{
			{`INSERT INTO application_events (application_id, at, actor, from_category, to_category)
				SELECT id, $2, 'tâche planifiée', category, 'anonymisee' FROM applications WHERE id = ANY($1)`, []any{pq.Array(ids), now}},
			// Only what this administration held: the identity sent with
			// its applications, not the candidate's others.
			{`UPDATE applications SET category = 'anonymisee', answers = '{}', letter_text = '', withdraw_reason = '',
				civility = '', first_name = '', last_name = '', phone = '',
				talent_pool_at = NULL, talent_pool_reminded_at = NULL, updated_at = $2 WHERE id = ANY($1)`, []any{pq.Array(ids), now}},
			{`UPDATE application_events SET reason = '' WHERE application_id = ANY($1)`, []any{pq.Array(ids)}},
			{`DELETE FROM application_messages WHERE application_id = ANY($1)`, []any{pq.Array(ids)}},
		}
		for _, st := range stmts {
			if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
				return err
			}
		}
		return tx.SelectContext(ctx, &keys, `UPDATE application_files SET name = '', text = '', deleted_at = $2
			WHERE application_id = ANY($1) AND deleted_at IS NULL RETURNING file_key`, pq.Array(ids), now)
	})
	if err != nil {
		return nil, 0, err
	}
	if err := s.removeDeletedFiles(ctx, files, keys); err != nil {
		return nil, 0, err
	}
	var candidates []int64
	if err := s.db.SelectContext(ctx, &candidates, `SELECT c.id FROM candidates c WHERE c.erased_at IS NULL
		AND EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = c.id)
		AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = c.id AND a.category <> 'anonymisee')
		ORDER BY c.id`); err != nil {
		return nil, 0, wrap("AnonymiseStaleApplications", err)
	}
	for _, id := range candidates {
		if err := s.EraseCandidate(ctx, id, files); err != nil {
			return nil, 0, err
		}
	}
	return perAdmin, len(candidates), nil
}

// ExpireTalentPool withdraws the talent-pool consents older than their
// administration's retention period, and returns the count per
// administration.
func (s *Store) ExpireTalentPool(ctx context.Context, now time.Time) (map[int64]int, error) {
	var admins []int64
	err := s.db.SelectContext(ctx, &admins, `UPDATE applications a SET talent_pool_at = NULL, talent_pool_reminded_at = NULL, updated_at = $1
		FROM administrations ad WHERE ad.id = a.administration_id AND a.talent_pool_at IS NOT NULL
		AND a.talent_pool_at < $1::timestamptz - make_interval(months => ad.retention_months)
		RETURNING a.administration_id`, now)
	if err != nil {
		return nil, wrap("ExpireTalentPool", err)
	}
	out := map[int64]int{}
	for _, id := range admins {
		out[id]++
	}
	return out, nil
}

// TalentPoolRenewalsDue lists the consents that lapse within RenewalNotice
// and whose renewal was not asked yet.
func (s *Store) TalentPoolRenewalsDue(ctx context.Context, now time.Time) ([]TalentPoolRenewal, error) {
	var out []TalentPoolRenewal
	err := s.db.SelectContext(ctx, &out, `SELECT a.id AS application_id, a.candidate_id, a.administration_id,
			ad.name AS administration_name, c.email, a.talent_pool_at,
			a.talent_pool_at + make_interval(months => ad.retention_months) AS expires_at
		FROM applications a JOIN administrations ad ON ad.id = a.administration_id JOIN candidates c ON c.id = a.candidate_id
		WHERE a.talent_pool_at IS NOT NULL AND a.talent_pool_reminded_at IS NULL AND c.email IS NOT NULL
		AND a.talent_pool_at + make_interval(months => ad.retention_months) < $1::timestamptz + $2::interval
		AND a.talent_pool_at + make_interval(months => ad.retention_months) >= $1::timestamptz
		ORDER BY a.id`, now, strconv.Itoa(int(RenewalNotice.Seconds()))+" seconds")
	return out, wrap("TalentPoolRenewalsDue", err)
}

// MarkRenewalAsked records that the renewal of this consent was asked; a
// consent renewed meanwhile (another talent_pool_at) is left alone.
func (s *Store) MarkRenewalAsked(ctx context.Context, r TalentPoolRenewal, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE applications SET talent_pool_reminded_at = $3
		WHERE id = $1 AND talent_pool_at = $2`, r.ApplicationID, r.TalentPoolAt, now)
	return wrap("MarkRenewalAsked", err)
}

// RenewTalentPool renews the candidate's consent to stay in the talent pool
// of an application's administration for another retention period. It is
// the candidate's action, so it counts as contact.
func (s *Store) RenewTalentPool(ctx context.Context, candidateID, appID int64, now time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE applications SET talent_pool_at = $3, talent_pool_reminded_at = NULL,
		last_activity_at = $3, updated_at = $3
		WHERE id = $2 AND candidate_id = $1 AND talent_pool_at IS NOT NULL AND category <> 'anonymisee'`, candidateID, appID, now)
	if err != nil {
		return wrap("RenewTalentPool", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Errorf(ENOTFOUND, "Cette candidature n'est pas dans le vivier : il n'y a pas de consentement à renouveler.")
	}
	return nil
}

// DeactivateInactiveAgents disables the active agents who have not signed in
// (or, never signed in, were not created) since now - after, ends their
// sessions and writes the audit log. It returns how many were disabled.
func (s *Store) DeactivateInactiveAgents(ctx context.Context, now time.Time, after time.Duration) (int, error) {
	n := 0
	err := s.inTx(ctx, "DeactivateInactiveAgents", func(tx *sqlx.Tx) error {
		var agents []struct {
			ID    int64      `db:"id"`
			Email string     `db:"email"`
			Last  *time.Time `db:"last_login_at"`
		}
		if err := tx.SelectContext(ctx, &agents, `UPDATE agents SET status = 'disabled', updated_at = $1
			WHERE status = 'active' AND COALESCE(last_login_at, created_at) < $2
			RETURNING id, email, last_login_at`, now, now.Add(-after)); err != nil {
			return err
		}
		for _, a := range agents {
			if _, err := tx.ExecContext(ctx, `UPDATE http_sessions SET revoked_at = $2
				WHERE agent_id = $1 AND revoked_at IS NULL`, a.ID, now); err != nil {
				return err
			}
			last := "jamais"
			if a.Last != nil {
				last = a.Last.Format(time.RFC3339)
			}
			if err := insertAudit(ctx, tx, nil, Actor{Email: "tâche planifiée"}, "agent.deactivated", a.Email,
				map[string]string{"dernière connexion": last}); err != nil {
				return err
			}
		}
		n = len(agents)
		return nil
	})
	return n, err
}

// RecordRetentionRun stores the reports of one run.
func (s *Store) RecordRetentionRun(ctx context.Context, runs []RetentionRun) error {
	return s.inTx(ctx, "RecordRetentionRun", func(tx *sqlx.Tx) error {
		for _, r := range runs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO retention_runs (ran_at, administration_id, anonymised, erased,
				consents_expired, renewals_sent, agents_deactivated) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
				r.RanAt, r.AdministrationID, r.Anonymised, r.Erased, r.ConsentsExpired, r.RenewalsSent, r.AgentsDeactivated); err != nil {
				return err
			}
		}
		return nil
	})
}

// RetentionRuns returns the latest reports, newest first.
func (s *Store) RetentionRuns(ctx context.Context, limit int) ([]RetentionRun, error) {
	var out []RetentionRun
	err := s.db.SelectContext(ctx, &out, `SELECT r.ran_at, r.administration_id, COALESCE(ad.name, '') AS administration_name,
			r.anonymised, r.erased, r.consents_expired, r.renewals_sent, r.agents_deactivated
		FROM retention_runs r LEFT JOIN administrations ad ON ad.id = r.administration_id
		ORDER BY r.ran_at DESC, r.administration_id NULLS FIRST LIMIT $1`, limit)
	return out, wrap("RetentionRuns", err)
}
