package vivier

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
)

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
