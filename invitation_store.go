package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// Invite records an invitation and, in the same transaction, the email that
// carries its link.
func (s *Store) Invite(ctx context.Context, adminID int64, email string, role Role, actor Actor) (*Invitation, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if _, err := ParseEmail(email); err != nil {
		return nil, err
	}
	inv := &Invitation{}
	err := s.inTx(ctx, "Invite", func(tx *sqlx.Tx) error {
		var already bool
		if err := tx.GetContext(ctx, &already, `SELECT EXISTS (SELECT 1 FROM casbin_rules r JOIN agents a ON r.v0 = 'agent:' || a.id
			WHERE r.ptype = 'g' AND r.v2 = $1 AND a.email = $2)`, AdministrationDomain(adminID), email); err != nil {
			return err
		}
		if already {
			return FieldError("email", "Cette personne fait déjà partie de l'administration : changez son rôle dans la liste.")
		}
		return s.inviteTx(ctx, tx, adminID, email, role, actor, inv)
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// inviteTx records an invitation of an address not yet in the
// administration, its email and its audit line, in tx.
func (s *Store) inviteTx(ctx context.Context, tx *sqlx.Tx, adminID int64, email string, role Role, actor Actor, inv *Invitation) error {
	// A new invitation replaces those still pending for the address: an
	// old link must not bring back an older role.
	if err := expireInvitations(ctx, tx, adminID, email, s.now()); err != nil {
		return err
	}
	var by *int64
	if actor.AgentID != 0 {
		by = &actor.AgentID
	}
	if err := tx.GetContext(ctx, &inv.ID, `
		INSERT INTO agent_invitations (administration_id, email, role, invited_by, expires_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, adminID, email, role, by, s.now().Add(InvitationTTL)); err != nil {
		return err
	}
	if err := tx.GetContext(ctx, inv, `SELECT `+invitationColumns+`
		FROM agent_invitations i JOIN administrations ad ON ad.id = i.administration_id WHERE i.id = $1`, inv.ID); err != nil {
		return err
	}
	msg, err := NewOutboxMessage(TaskAgentInvitationEmail, "critical", InvitationEmailPayload{InvitationID: inv.ID})
	if err != nil {
		return err
	}
	msg.AdministrationID = &adminID
	if err := insertOutbox(ctx, tx, &msg); err != nil {
		return err
	}
	return insertAudit(ctx, tx, &adminID, actor, "agent.invited", email, map[string]string{"rôle": string(role)})
}

// PendingInvitations lists an administration's invitations not yet accepted
// nor expired.
func (s *Store) PendingInvitations(ctx context.Context, adminID int64) ([]Invitation, error) {
	var out []Invitation
	err := s.db.SelectContext(ctx, &out, `SELECT `+invitationColumns+`
		FROM agent_invitations i JOIN administrations ad ON ad.id = i.administration_id
		WHERE i.administration_id = $1 AND i.accepted_at IS NULL AND i.expires_at > $2
		ORDER BY i.created_at DESC`, adminID, s.now())
	return out, wrap("PendingInvitations", err)
}

// InvitationByID returns an invitation, for the worker that emails it.
func (s *Store) InvitationByID(ctx context.Context, id int64) (*Invitation, error) {
	var inv Invitation
	err := s.db.GetContext(ctx, &inv, `SELECT `+invitationColumns+`
		FROM agent_invitations i JOIN administrations ad ON ad.id = i.administration_id WHERE i.id = $1`, id)
	if err != nil {
		return nil, wrap("InvitationByID", err)
	}
	return &inv, nil
}

// SetInvitationToken stores the digest of the token the worker is about to
// email; a new sending replaces the previous token.
func (s *Store) SetInvitationToken(ctx context.Context, id int64, hash []byte) error {
	_, err := s.db.ExecContext(ctx, `UPDATE agent_invitations SET token_hash = $2 WHERE id = $1 AND accepted_at IS NULL`, id, hash)
	return wrap("SetInvitationToken", err)
}

// InvitationByToken returns the invitation a link points to, if it can still
// be accepted.
func (s *Store) InvitationByToken(ctx context.Context, token string) (*Invitation, error) {
	var inv Invitation
	err := s.db.GetContext(ctx, &inv, `SELECT `+invitationColumns+`
		FROM agent_invitations i JOIN administrations ad ON ad.id = i.administration_id WHERE i.token_hash = $1`, HashToken(token))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrLinkInvalid
	}
	if err != nil {
		return nil, wrap("InvitationByToken", err)
	}
	return &inv, invitationUsable(&inv, s.now())
}

// AcceptInvitation makes the invitee an agent of the administration with the
// invited role. A new agent chooses a password; an agent who has one keeps it.
func (s *Store) AcceptInvitation(ctx context.Context, token, firstName, lastName, password, ip string) (*Agent, error) {
	agent := &Agent{}
	err := s.inTx(ctx, "AcceptInvitation", func(tx *sqlx.Tx) error {
		var inv Invitation
		err := tx.GetContext(ctx, &inv, `SELECT `+invitationColumns+`
			FROM agent_invitations i JOIN administrations ad ON ad.id = i.administration_id
			WHERE i.token_hash = $1 FOR UPDATE OF i`, HashToken(token))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrLinkInvalid
		}
		if err != nil {
			return err
		}
		if err := invitationUsable(&inv, s.now()); err != nil {
			return err
		}
		err = tx.GetContext(ctx, agent, `SELECT `+agentColumns+` FROM agents WHERE email = $1 FOR UPDATE`, inv.Email)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && agent.PasswordHash == ""):
			if err := ValidatePassword(password, inv.Email); err != nil {
				return err
			}
			first, last := strings.TrimSpace(firstName), strings.TrimSpace(lastName)
			if first == "" {
				return FieldError("first_name", "Indiquez votre prénom.")
			}
			if last == "" {
				return FieldError("last_name", "Indiquez votre nom.")
			}
			hash, err := HashPassword(password)
			if err != nil {
				return err
			}
			if err := tx.GetContext(ctx, agent, `
				INSERT INTO agents (email, first_name, last_name, password_hash, status) VALUES ($1, $2, $3, $4, 'active')
				ON CONFLICT (email) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
					password_hash = EXCLUDED.password_hash, status = 'active', updated_at = now()
				RETURNING `+agentColumns, inv.Email, first, last, hash); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		if err := setRole(ctx, tx, inv.AdministrationID, agent.ID, inv.Role); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE agent_invitations SET accepted_at = now() WHERE id = $1`, inv.ID); err != nil {
			return err
		}
		if err := expireInvitations(ctx, tx, inv.AdministrationID, inv.Email, s.now()); err != nil {
			return err
		}
		// An outside member of a selection board was invited by address:
		// their seats become theirs now that they have an account.
		if err := linkBoardMembers(ctx, tx, inv.AdministrationID, agent.ID, inv.Email); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &inv.AdministrationID, Actor{AgentID: agent.ID, Email: agent.Email, IP: ip},
			"agent.invitation_accepted", agent.Email, map[string]string{"rôle": string(inv.Role)})
	})
	if err != nil {
		return nil, err
	}
	return agent, nil
}

func expireInvitations(ctx context.Context, tx *sqlx.Tx, adminID int64, email string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE agent_invitations SET expires_at = $3
		WHERE administration_id = $1 AND email = $2 AND accepted_at IS NULL AND expires_at > $3`, adminID, email, now)
	return err
}

// CancelInvitation withdraws a pending invitation of the administration.
func (s *Store) CancelInvitation(ctx context.Context, adminID, id int64, actor Actor) error {
	return s.inTx(ctx, "CancelInvitation", func(tx *sqlx.Tx) error {
		var email string
		if err := tx.GetContext(ctx, &email, `UPDATE agent_invitations SET expires_at = $3
			WHERE id = $1 AND administration_id = $2 AND accepted_at IS NULL AND expires_at > $3 RETURNING email`, id, adminID, s.now()); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "agent.invitation_cancelled", email, nil)
	})
}
