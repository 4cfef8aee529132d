package vivier

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"
)

// RequestPasswordReset queues the request, whether the address belongs to
// an account or not: the same work either way, so that neither the answer
// nor its timing tells which addresses have accounts. The worker looks the
// agent up, and emails only an active one.
func (s *Store) RequestPasswordReset(ctx context.Context, email string) error {
	msg, err := NewOutboxMessage(TaskPasswordResetEmail, "critical", PasswordResetEmailPayload{Email: email})
	if err != nil {
		return err
	}
	return s.AddOutbox(ctx, &msg)
}

// CreatePasswordReset records a reset for the agent under the digest of the
// token the worker is about to email.
func (s *Store) CreatePasswordReset(ctx context.Context, agentID int64, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO password_resets (agent_id, token_hash, expires_at) VALUES ($1, $2, $3)`,
		agentID, hash, s.now().Add(PasswordResetTTL))
	return wrap("CreatePasswordReset", err)
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
		if _, err := tx.ExecContext(ctx, `UPDATE http_sessions SET revoked_at = now() WHERE agent_id = $1 AND revoked_at IS NULL`, r.AgentID); err != nil {
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
	if len(ids) == 0 {
		// A platform administrator (or an agent with no role left): an
		// entry of no administration, still in the log.
		return insertAudit(ctx, tx, nil, actor, action, actor.Email, nil)
	}
	return nil
}

// RecordSignInFailure logs a refused sign-in of an existing agent (wrong
// password, lock-out) where their administrators see it.
func (s *Store) RecordSignInFailure(ctx context.Context, actor Actor, reason string) error {
	return s.inTx(ctx, "RecordSignInFailure", func(tx *sqlx.Tx) error {
		return auditEverywhere(ctx, tx, actor.AgentID, actor, reason)
	})
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
