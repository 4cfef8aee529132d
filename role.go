package vivier

import (
	"context"
	"strconv"

	"github.com/jmoiron/sqlx"
)

// Role is what an agent may do in an administration; what each role allows is
// written in policies/policy.csv.
type Role string

const (
	RolePlateforme Role = "plateforme"
	RoleAdmin      Role = "admin"
	RoleRecruteur  Role = "recruteur"
	RoleMarque     Role = "marque"
	RoleLecteur    Role = "lecteur"
	RoleMembreJury Role = "membre_jury"
	PlatformDomain      = "*" // the domain of the plateforme role: every administration
)

// Label returns the French label shown in the interface.
func (r Role) Label() string {
	switch r {
	case RolePlateforme:
		return "Administrateur de la plateforme"
	case RoleAdmin:
		return "Administrateur"
	case RoleRecruteur:
		return "Recruteur"
	case RoleMarque:
		return "Éditeur de la page employeur"
	case RoleLecteur:
		return "Lecteur"
	case RoleMembreJury:
		return "Membre de jury"
	}
	return string(r)
}

// AgentSubject and AdministrationDomain name agents and administrations in
// Casbin rules by our own ids.
func AgentSubject(id int64) string         { return "agent:" + strconv.FormatInt(id, 10) }
func AdministrationDomain(id int64) string { return "adm:" + strconv.FormatInt(id, 10) }

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
