package vivier

import (
	"context"
)

// RecordBounce keeps a permanent refusal.
func (s *Store) RecordBounce(ctx context.Context, b *EmailBounce) error {
	if len(b.Message) > 500 {
		b.Message = b.Message[:500]
	}
	err := s.db.GetContext(ctx, b, `INSERT INTO email_bounces (recipient, code, message, template, administration_id)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING id, recipient, code, message, template, administration_id, bounced_at`,
		b.Recipient, b.Code, b.Message, b.Template, b.AdministrationID)
	return wrap("RecordBounce", err)
}

// BouncesOf lists the latest refusals of emails the administration sent to
// an address, newest first.
func (s *Store) BouncesOf(ctx context.Context, adminID int64, recipient string) ([]EmailBounce, error) {
	var out []EmailBounce
	err := s.db.SelectContext(ctx, &out, `SELECT id, recipient, code, message, template, administration_id, bounced_at
		FROM email_bounces WHERE administration_id = $1 AND recipient = $2 ORDER BY bounced_at DESC, id DESC LIMIT 5`,
		adminID, recipient)
	return out, wrap("BouncesOf", err)
}
