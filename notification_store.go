package vivier

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// How each agent hears of new applications, per administration: at once
// (the default, no row), once a day in a digest, or not at all. Reminders of
// the response promise are sent whatever the choice, except "off".

// NotificationMode returns the agent's choice in the administration.
func (s *Store) NotificationMode(ctx context.Context, agentID, adminID int64) (NotifyMode, error) {
	var m NotifyMode
	err := s.db.GetContext(ctx, &m, `SELECT new_application FROM notification_preferences
		WHERE agent_id = $1 AND administration_id = $2`, agentID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return NotifyImmediate, nil
	}
	return m, wrap("NotificationMode", err)
}

// SetNotificationMode records the agent's choice in the administration.
func (s *Store) SetNotificationMode(ctx context.Context, agentID, adminID int64, m NotifyMode) error {
	if _, err := ParseNotifyMode(string(m)); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO notification_preferences (agent_id, administration_id, new_application)
		VALUES ($1, $2, $3) ON CONFLICT (agent_id, administration_id)
		DO UPDATE SET new_application = excluded.new_application, updated_at = now()`, agentID, adminID, m)
	return wrap("SetNotificationMode", err)
}

// RecruitersByMode lists the administration's recruiters (see Recruiters)
// whose choice is one of modes.
func (s *Store) RecruitersByMode(ctx context.Context, adminID int64, modes ...NotifyMode) ([]Agent, error) {
	all, err := s.Recruiters(ctx, adminID)
	if err != nil {
		return nil, err
	}
	var prefs []struct {
		AgentID int64      `db:"agent_id"`
		Mode    NotifyMode `db:"new_application"`
	}
	if err := s.db.SelectContext(ctx, &prefs, `SELECT agent_id, new_application FROM notification_preferences
		WHERE administration_id = $1`, adminID); err != nil {
		return nil, wrap("RecruitersByMode", err)
	}
	chosen := map[int64]NotifyMode{}
	for _, p := range prefs {
		chosen[p.AgentID] = p.Mode
	}
	var out []Agent
	for _, a := range all {
		m, ok := chosen[a.ID]
		if !ok {
			m = NotifyImmediate
		}
		for _, want := range modes {
			if m == want {
				out = append(out, a)
				break
			}
		}
	}
	return out, nil
}

// DigestRecipients lists, across administrations, the active recruiters
// who chose the digest.
func (s *Store) DigestRecipients(ctx context.Context) ([]DigestRecipient, error) {
	var out []DigestRecipient
	err := s.db.SelectContext(ctx, &out, `
		SELECT DISTINCT p.agent_id, a.email, a.first_name, p.administration_id, d.name AS administration_name, d.slug AS administration_slug
		FROM notification_preferences p JOIN agents a ON a.id = p.agent_id JOIN administrations d ON d.id = p.administration_id
		JOIN casbin_rules r ON r.ptype = 'g' AND r.v0 = 'agent:' || a.id AND r.v2 = 'adm:' || d.id AND r.v1 IN ('admin', 'recruteur')
		WHERE p.new_application = 'digest' AND a.status = 'active'
		ORDER BY p.administration_id, p.agent_id`)
	return out, wrap("DigestRecipients", err)
}

// NewApplicationsBetween lists the administration's applications received
// in [from, to), oldest first.
func (s *Store) NewApplicationsBetween(ctx context.Context, adminID int64, from, to time.Time) ([]ApplicationRow, error) {
	var out []ApplicationRow
	err := s.db.SelectContext(ctx, &out, `
		SELECT a.id, a.offer_id, o.title AS offer_title, a.category, a.first_name, a.last_name, (c.erased_at IS NOT NULL OR a.category = 'anonymisee') AS erased,
			a.domaine_code, a.source, a.created_at
		FROM applications a JOIN candidates c ON c.id = a.candidate_id LEFT JOIN offers o ON o.id = a.offer_id
		WHERE a.administration_id = $1 AND a.created_at >= $2 AND a.created_at < $3
		ORDER BY a.created_at, a.id LIMIT 500`, adminID, from, to)
	if err != nil {
		return nil, wrap("NewApplicationsBetween", err)
	}
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	// A digest goes to several agents: no one's reveal counts.
	masks, err := s.IdentityMasks(ctx, adminID, 0, ids)
	for i := range out {
		masks.Names(out[i].ID, &out[i].FirstName, &out[i].LastName)
	}
	return out, wrap("NewApplicationsBetween", err)
}

// CreateUnsubscribeToken records, under its digest, the token of a digest's
// one-click unsubscribe link.
func (s *Store) CreateUnsubscribeToken(ctx context.Context, agentID, adminID int64, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO unsubscribe_tokens (token_hash, agent_id, administration_id) VALUES ($1, $2, $3)`,
		hash, agentID, adminID)
	return wrap("CreateUnsubscribeToken", err)
}

// UnsubscribeTargetByToken returns what a link would turn off.
func (s *Store) UnsubscribeTargetByToken(ctx context.Context, token string) (*UnsubscribeTarget, error) {
	var t UnsubscribeTarget
	err := s.db.GetContext(ctx, &t, `SELECT u.agent_id, a.email, u.administration_id, d.name AS administration_name, d.slug AS administration_slug
		FROM unsubscribe_tokens u JOIN agents a ON a.id = u.agent_id JOIN administrations d ON d.id = u.administration_id
		WHERE u.token_hash = $1 AND u.created_at > $2`, HashToken(token), s.now().Add(-unsubscribeTTL))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Ce lien de désabonnement n'est plus valable. Connectez-vous pour choisir vos notifications.")
	}
	return &t, wrap("UnsubscribeTargetByToken", err)
}

// Unsubscribe turns off the new-application emails of the link's agent in
// the link's administration. A second use changes nothing.
func (s *Store) Unsubscribe(ctx context.Context, token string) (*UnsubscribeTarget, error) {
	t, err := s.UnsubscribeTargetByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, "Unsubscribe", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE unsubscribe_tokens SET used_at = coalesce(used_at, now()) WHERE token_hash = $1`,
			HashToken(token)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notification_preferences (agent_id, administration_id, new_application)
			VALUES ($1, $2, 'off') ON CONFLICT (agent_id, administration_id)
			DO UPDATE SET new_application = 'off', updated_at = now()`, t.AgentID, t.AdministrationID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &t.AdministrationID, Actor{AgentID: t.AgentID, Email: t.Email}, "notifications.unsubscribed", "", nil)
	})
	return t, err
}

// PurgeUnsubscribeTokens deletes links past their life.
func (s *Store) PurgeUnsubscribeTokens(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM unsubscribe_tokens WHERE created_at < $1`, now.Add(-unsubscribeTTL))
	if err != nil {
		return 0, wrap("PurgeUnsubscribeTokens", err)
	}
	return res.RowsAffected()
}
