package vivier

import "time"

// APIScope is what an API token may do: read the administration's offers, or
// also create, update and close them.
type APIScope string

const (
	ScopeRead  APIScope = "read"
	ScopeWrite APIScope = "write"
)

// Label returns the French label of a scope.
func (s APIScope) Label() string {
	if s == ScopeWrite {
		return "lecture et écriture"
	}
	return "lecture seule"
}

// APITokenPrefix starts every API token, so that a secret scanner (or a
// person) recognises one in a log or a repository.
const APITokenPrefix = "viv_"

// APIToken lets an information system use the offers API of one
// administration. The secret itself is never stored: only its digest.
type APIToken struct {
	ID               int64      `db:"id"`
	AdministrationID int64      `db:"administration_id"`
	Name             string     `db:"name"`
	Scope            APIScope   `db:"scope"`
	Prefix           string     `db:"prefix"` // the first characters of the token, shown to tell tokens apart
	CreatedBy        *int64     `db:"created_by"`
	CreatedByEmail   string     `db:"created_by_email"`
	CreatedAt        time.Time  `db:"created_at"`
	LastUsedAt       *time.Time `db:"last_used_at"`
	RevokedAt        *time.Time `db:"revoked_at"`
}

// Actor returns who acts, in the audit log, when the token is used.
func (t *APIToken) Actor(ip string) Actor {
	return Actor{Email: "jeton d'API « " + t.Name + " » (" + t.Prefix + "…)", IP: ip}
}

// CanWrite reports whether the token may change offers.
func (t *APIToken) CanWrite() bool { return t.Scope == ScopeWrite }

const apiTokenColumns = `id, administration_id, name, scope, prefix, created_by, created_by_email, created_at,
	last_used_at, revoked_at`

// ParseAPIScope checks a scope from a form or a command line.
func ParseAPIScope(s string) (APIScope, error) {
	switch APIScope(s) {
	case ScopeRead, ScopeWrite:
		return APIScope(s), nil
	}
	return "", FieldError("scope", "Choisissez la portée du jeton : lecture seule ou lecture et écriture.")
}
