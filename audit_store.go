package vivier

import (
	"context"
	"encoding/json"

	"github.com/jmoiron/sqlx"
)

func insertAudit(ctx context.Context, tx *sqlx.Tx, adminID *int64, actor Actor, action, target string, summary any) error {
	b, err := json.Marshal(summary)
	if err != nil || summary == nil {
		b = []byte("{}")
	}
	var agentID *int64
	if actor.AgentID != 0 {
		agentID = &actor.AgentID
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO audit_log (administration_id, agent_id, agent_email, action, target, summary, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, adminID, agentID, actor.Email, action, target, b, actor.IP)
	return err
}

// Audit appends one entry on its own (a sign-in, which changes nothing else).
func (s *Store) Audit(ctx context.Context, adminID *int64, actor Actor, action, target string, summary any) error {
	return s.inTx(ctx, "Audit", func(tx *sqlx.Tx) error {
		return insertAudit(ctx, tx, adminID, actor, action, target, summary)
	})
}

// AuditLog returns an administration's entries, newest first.
func (s *Store) AuditLog(ctx context.Context, adminID int64, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var out []AuditEntry
	err := s.db.SelectContext(ctx, &out, `
		SELECT id, administration_id, agent_id, agent_email, action, target, summary, ip, created_at
		FROM audit_log
		WHERE administration_id = $1
		  AND ($2 = '' OR action = $2)
		  AND ($3 = '' OR agent_email ILIKE '%' || $3 || '%')
		  AND ($4::timestamptz IS NULL OR created_at >= $4)
		  AND ($5::timestamptz IS NULL OR created_at < $5)
		  AND ($6 = 0 OR id < $6)
		ORDER BY id DESC LIMIT $7`,
		adminID, f.Action, f.Agent, nullTime(f.From), nullTime(f.To), f.Before, f.Limit)
	return out, wrap("AuditLog", err)
}
