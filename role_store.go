package vivier

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// AssignRole gives an agent a role in an administration (idempotent). It
// writes the Casbin grouping row that policies' adapter loads.
func (s *Store) AssignRole(ctx context.Context, agentID int64, role Role, domain string) error {
	return s.inTx(ctx, "AssignRole", func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO casbin_rules (ptype, v0, v1, v2) VALUES ('g', $1, $2, $3)
			ON CONFLICT DO NOTHING`, AgentSubject(agentID), string(role), domain)
		return err
	})
}

// AgentsOfAdministration lists the agents holding a role directly in the
// administration, with those roles.
func (s *Store) AgentsOfAdministration(ctx context.Context, adminID int64) ([]AgentWithRoles, error) {
	var rows []struct {
		Agent
		Role string `db:"role"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT a.id, a.email, a.first_name, a.last_name, a.password_hash, a.status, a.last_login_at,
		       a.created_at, a.updated_at, r.v1 AS role
		FROM casbin_rules r JOIN agents a ON r.v0 = 'agent:' || a.id
		WHERE r.ptype = 'g' AND r.v2 = $1
		ORDER BY a.last_name, a.first_name, a.email, r.v1`, AdministrationDomain(adminID))
	if err != nil {
		return nil, wrap("AgentsOfAdministration", err)
	}
	var out []AgentWithRoles
	for _, r := range rows {
		if n := len(out); n > 0 && out[n-1].ID == r.ID {
			out[n-1].Roles = append(out[n-1].Roles, Role(r.Role))
			continue
		}
		out = append(out, AgentWithRoles{Agent: r.Agent, Roles: []Role{Role(r.Role)}})
	}
	return out, nil
}

// MembershipsOf lists the roles an agent holds directly, with their
// administrations (all of them for a platform administrator).
func (s *Store) MembershipsOf(ctx context.Context, agentID int64) ([]Membership, error) {
	var rows []struct {
		Administration
		Role string `db:"role"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT ad.id, ad.parent_id, ad.slug, ad.name, ad.short_name, ad.versant, ad.siret, ad.contact_email,
		       ad.logo_path, ad.status, ad.created_at, ad.updated_at, r.v1 AS role
		FROM casbin_rules r
		JOIN administrations ad ON r.v2 = 'adm:' || ad.id OR r.v2 = '*'
		WHERE r.ptype = 'g' AND r.v0 = $1
		ORDER BY ad.name, r.v1`, AgentSubject(agentID))
	if err != nil {
		return nil, wrap("MembershipsOf", err)
	}
	out := make([]Membership, len(rows))
	for i, r := range rows {
		out[i] = Membership{Role: Role(r.Role), Administration: r.Administration}
	}
	return out, nil
}

// IsPlatformAdmin reports whether the agent holds the plateforme role.
func (s *Store) IsPlatformAdmin(ctx context.Context, agentID int64) (bool, error) {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM casbin_rules
		WHERE ptype = 'g' AND v0 = $1 AND v1 = $2 AND v2 = $3)`, AgentSubject(agentID), RolePlateforme, PlatformDomain)
	return ok, wrap("IsPlatformAdmin", err)
}

// ChangeRole gives an agent exactly one role in an administration, replacing
// the ones they held there.
func (s *Store) ChangeRole(ctx context.Context, adminID, agentID int64, role Role, actor Actor) error {
	return s.inTx(ctx, "ChangeRole", func(tx *sqlx.Tx) error {
		before, err := rolesIn(ctx, tx, adminID, agentID)
		if err != nil {
			return err
		}
		if len(before) == 0 {
			return Errorf(ENOTFOUND, "Cet agent n'appartient pas à cette administration.")
		}
		if err := setRole(ctx, tx, adminID, agentID, role); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "agent.role_changed", AgentSubject(agentID),
			map[string]any{"avant": before, "après": []Role{role}})
	})
}

// RemoveAgent takes every role of an agent in an administration away.
func (s *Store) RemoveAgent(ctx context.Context, adminID, agentID int64, actor Actor) error {
	return s.inTx(ctx, "RemoveAgent", func(tx *sqlx.Tx) error {
		before, err := rolesIn(ctx, tx, adminID, agentID)
		if err != nil {
			return err
		}
		if len(before) == 0 {
			return Errorf(ENOTFOUND, "Cet agent n'appartient pas à cette administration.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM casbin_rules WHERE ptype = 'g' AND v0 = $1 AND v2 = $2`,
			AgentSubject(agentID), AdministrationDomain(adminID)); err != nil {
			return err
		}
		// A pending invitation must not bring the agent back.
		if _, err := tx.ExecContext(ctx, `UPDATE agent_invitations SET expires_at = $3
			WHERE administration_id = $1 AND accepted_at IS NULL AND expires_at > $3
			  AND email = (SELECT email FROM agents WHERE id = $2)`, adminID, agentID, s.now()); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "agent.removed", AgentSubject(agentID), map[string]any{"avant": before})
	})
}

func rolesIn(ctx context.Context, tx *sqlx.Tx, adminID, agentID int64) ([]Role, error) {
	var roles []Role
	err := tx.SelectContext(ctx, &roles, `SELECT v1 FROM casbin_rules WHERE ptype = 'g' AND v0 = $1 AND v2 = $2
		ORDER BY v1 FOR UPDATE`, AgentSubject(agentID), AdministrationDomain(adminID))
	return roles, err
}

func setRole(ctx context.Context, tx *sqlx.Tx, adminID, agentID int64, role Role) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM casbin_rules WHERE ptype = 'g' AND v0 = $1 AND v2 = $2`,
		AgentSubject(agentID), AdministrationDomain(adminID)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO casbin_rules (ptype, v0, v1, v2) VALUES ('g', $1, $2, $3)`,
		AgentSubject(agentID), string(role), AdministrationDomain(adminID))
	return err
}
