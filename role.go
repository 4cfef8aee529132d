package vivier

import "strconv"

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
func AgentSubject(id int64) string { return "agent:" + strconv.FormatInt(id, 10) }

func AdministrationDomain(id int64) string { return "adm:" + strconv.FormatInt(id, 10) }

// Roles an administrator may give within an administration (plateforme is
// given by platform administrators only, on every administration).
var AssignableRoles = []Role{RoleAdmin, RoleRecruteur, RoleMarque, RoleLecteur, RoleMembreJury}

// ParseRole checks a role name from a form.
func ParseRole(s string) (Role, error) {
	for _, r := range AssignableRoles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", FieldError("role", "Choisissez un rôle dans la liste.")
}

// AgentWithRoles is an agent and the roles they hold in one administration.
type AgentWithRoles struct {
	Agent
	Roles []Role
}

// Membership is a role an agent holds and where.
type Membership struct {
	Role           Role
	Administration Administration
}
