package vivier

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// PasswordResetEmailPayload is the outbox payload of a reset email.
type PasswordResetEmailPayload struct {
	ResetID int64 `json:"reset_id"`
}

// PasswordReset is a request to choose a new password.
type PasswordReset struct {
	ID        int64      `db:"id"`
	AgentID   int64      `db:"agent_id"`
	Email     string     `db:"email"`
	ExpiresAt time.Time  `db:"expires_at"`
	UsedAt    *time.Time `db:"used_at"`
}

// RequestPasswordReset records a reset and its email when the address
// belongs to an active agent, and does nothing otherwise: the caller answers
// the same either way, so that nobody learns which addresses have accounts.
func (s *Store) RequestPasswordReset(ctx context.Context, email string) error {
	return s.inTx(ctx, "RequestPasswordReset", func(tx *sqlx.Tx) error {
		var agentID int64
		err := tx.GetContext(ctx, &agentID, `SELECT id FROM agents WHERE email = $1 AND status = 'active'`, email)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO password_resets (agent_id, expires_at) VALUES ($1, $2) RETURNING id`,
			agentID, s.now().Add(PasswordResetTTL)); err != nil {
			return err
		}
		msg, err := NewOutboxMessage(TaskPasswordResetEmail, "critical", PasswordResetEmailPayload{ResetID: id})
		if err != nil {
			return err
		}
		return insertOutbox(ctx, tx, &msg)
	})
}

// PasswordResetByID returns a reset, for the worker that emails it.
func (s *Store) PasswordResetByID(ctx context.Context, id int64) (*PasswordReset, error) {
	var r PasswordReset
	err := s.db.GetContext(ctx, &r, `SELECT p.id, p.agent_id, a.email, p.expires_at, p.used_at
		FROM password_resets p JOIN agents a ON a.id = p.agent_id WHERE p.id = $1`, id)
	if err != nil {
		return nil, wrap("PasswordResetByID", err)
	}
	return &r, nil
}

// SetPasswordResetToken stores the digest of the token the worker emails.
func (s *Store) SetPasswordResetToken(ctx context.Context, id int64, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `UPDATE password_resets SET token_hash = $2 WHERE id = $1 AND used_at IS NULL`, id, hash)
	return wrap("SetPasswordResetToken", err)
}

// PasswordResetByToken returns the reset a link points to, if still usable.
func (s *Store) PasswordResetByToken(ctx context.Context, token string) (*PasswordReset, error) {
	var r PasswordReset
	err := s.db.GetContext(ctx, &r, `SELECT p.id, p.agent_id, a.email, p.expires_at, p.used_at
		FROM password_resets p JOIN agents a ON a.id = p.agent_id WHERE p.token_hash = $1`, HashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, wrap("PasswordResetByToken", err)
	}
	return &r, resetUsable(&r, s.now())
}

func resetUsable(r *PasswordReset, now time.Time) error {
	if r.UsedAt != nil {
		return ErrLinkUsed
	}
	if now.After(r.ExpiresAt) {
		return ErrLinkExpired
	}
	return nil
}

// ResetPassword sets a new password through a reset link, once. The agent's
// sessions end: whoever knew the old password is signed out.
func (s *Store) ResetPassword(ctx context.Context, token, password, ip string) (*Agent, error) {
	agent := &Agent{}
	err := s.inTx(ctx, "ResetPassword", func(tx *sqlx.Tx) error {
		var r PasswordReset
		err := tx.GetContext(ctx, &r, `SELECT p.id, p.agent_id, a.email, p.expires_at, p.used_at
			FROM password_resets p JOIN agents a ON a.id = p.agent_id WHERE p.token_hash = $1 FOR UPDATE OF p`, HashToken(token))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrLinkInvalid
		}
		if err != nil {
			return err
		}
		if err := resetUsable(&r, s.now()); err != nil {
			return err
		}
		if err := ValidatePassword(password, r.Email); err != nil {
			return err
		}
		hash, err := HashPassword(password)
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, agent, `UPDATE agents SET password_hash = $2, updated_at = now() WHERE id = $1
			RETURNING `+agentColumns, r.AgentID, hash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE password_resets SET used_at = now() WHERE agent_id = $1 AND used_at IS NULL`, r.AgentID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM http_sessions WHERE agent_id = $1`, r.AgentID); err != nil {
			return err
		}
		return auditEverywhere(ctx, tx, r.AgentID, Actor{AgentID: r.AgentID, Email: r.Email, IP: ip}, "agent.password_reset")
	})
	if err != nil {
		return nil, err
	}
	return agent, nil
}

// auditEverywhere logs an agent's own action (sign-in, password change) in
// each administration where they hold a role, so that its administrators see it.
func auditEverywhere(ctx context.Context, tx *sqlx.Tx, agentID int64, actor Actor, action string) error {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `SELECT DISTINCT ad.id FROM casbin_rules r JOIN administrations ad ON r.v2 = 'adm:' || ad.id
		WHERE r.ptype = 'g' AND r.v0 = $1`, AgentSubject(agentID)); err != nil {
		return err
	}
	for _, id := range ids {
		if err := insertAudit(ctx, tx, &id, actor, action, actor.Email, nil); err != nil {
			return err
		}
	}
	return nil
}

// RecordSignIn notes a sign-in on the agent and in the audit log
// of each of their administrations.
func (s *Store) RecordSignIn(ctx context.Context, actor Actor) error {
	return s.inTx(ctx, "RecordSignIn", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE agents SET last_login_at = now() WHERE id = $1`, actor.AgentID); err != nil {
			return err
		}
		return auditEverywhere(ctx, tx, actor.AgentID, actor, "agent.sign_in")
	})
}
