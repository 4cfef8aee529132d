package vivier

import (
	"context"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/jmoiron/sqlx"
)

// Agent is a back-office user. An agent is known by our own id, whatever the
// way they signed in (password today, ProConnect later).
type Agent struct {
	ID           int64      `db:"id"`
	Email        string     `db:"email"`
	FirstName    string     `db:"first_name"`
	LastName     string     `db:"last_name"`
	PasswordHash string     `db:"password_hash"`
	Status       string     `db:"status"`
	LastLoginAt  *time.Time `db:"last_login_at"`
	CreatedAt    time.Time  `db:"created_at"`
	UpdatedAt    time.Time  `db:"updated_at"`
}

// passwordParams follow OWASP's argon2id recommendation (m=19 MiB, t=2, p=1).
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// HashPassword returns the argon2id hash of a password, in the PHC string form.
func HashPassword(password string) (string, error) {
	return argon2id.CreateHash(password, passwordParams)
}

// CheckPassword reports whether password matches the hash. An empty hash (an
// agent who has not chosen a password yet) matches nothing.
func CheckPassword(password, hash string) bool {
	if hash == "" {
		return false
	}
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}

const agentColumns = `id, email, first_name, last_name, password_hash, status, last_login_at, created_at, updated_at`

// UpsertAgent creates the agent, or updates the one with the same email.
func (s *Store) UpsertAgent(ctx context.Context, a *Agent) error {
	a.Email = strings.ToLower(strings.TrimSpace(a.Email))
	if !strings.Contains(a.Email, "@") {
		return FieldError("email", "L'adresse électronique n'est pas valide.")
	}
	if a.Status == "" {
		a.Status = "active"
	}
	return s.inTx(ctx, "UpsertAgent", func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, a, `
			INSERT INTO agents (email, first_name, last_name, password_hash, status)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (email) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
				password_hash = EXCLUDED.password_hash, status = EXCLUDED.status, updated_at = now()
			RETURNING `+agentColumns,
			a.Email, a.FirstName, a.LastName, a.PasswordHash, a.Status)
	})
}

// AgentByEmail returns the agent with that email (case-insensitive).
func (s *Store) AgentByEmail(ctx context.Context, email string) (*Agent, error) {
	var a Agent
	err := s.db.GetContext(ctx, &a, `SELECT `+agentColumns+` FROM agents WHERE email = $1`, strings.TrimSpace(email))
	if err != nil {
		return nil, wrap("AgentByEmail", err)
	}
	return &a, nil
}

// AgentByID returns the agent with that id.
func (s *Store) AgentByID(ctx context.Context, id int64) (*Agent, error) {
	var a Agent
	err := s.db.GetContext(ctx, &a, `SELECT `+agentColumns+` FROM agents WHERE id = $1`, id)
	if err != nil {
		return nil, wrap("AgentByID", err)
	}
	return &a, nil
}
