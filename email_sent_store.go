package vivier

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// SendOnce sends an email at most once per message key. It inserts the record
// first, inside a transaction that stays open while send runs: a concurrent
// attempt with the same key waits on the row, then finds it and does nothing.
// When send fails the row is rolled back and a retry may send again.
//
// It reports whether this call sent the email. Only a crash after the SMTP
// server accepted the message and before the commit can lead to a second
// sending; the SMTP conversation is the one step that cannot join the
// transaction. That window is kept to the commit alone: the record is
// complete before send runs, and what send returns (the Message-Id, the
// subject of an email rendered inside send) is written after the commit.
//
// When ctx says that the email ends an outbox task (WithTaskEnd), the same
// transaction marks the task done.
func (s *Store) SendOnce(ctx context.Context, e *SentEmail, send func() (smtpID string, err error)) (sent bool, err error) {
	// The transaction does not follow ctx: a task cancelled (shutdown,
	// deadline) after the SMTP server took the message must still commit
	// the record, or the retry would send it again. send gets ctx.
	tctx := context.WithoutCancel(ctx)
	var smtpID string
	err = s.inTx(tctx, "SendOnce", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(tctx, `
			INSERT INTO sent_emails (message_key, template, recipient, subject, administration_id)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (message_key) DO NOTHING`,
			e.MessageKey, e.Template, e.Recipient, e.Subject, e.AdministrationID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// Already sent by an earlier attempt, whose end of task may
			// not have been recorded.
			return endTask(tctx, tx, EmailStep(e.MessageKey))
		}
		if smtpID, err = send(); err != nil {
			return err
		}
		sent = true
		return endTask(tctx, tx, EmailStep(e.MessageKey))
	})
	if err != nil || !sent {
		return sent, err
	}
	// The email is sent and recorded: a failure here loses only details.
	err = s.db.GetContext(tctx, e, `
		UPDATE sent_emails SET smtp_message_id = $2, subject = $3, sent_at = now() WHERE message_key = $1
		RETURNING id, message_key, template, recipient, subject, administration_id, smtp_message_id, sent_at`,
		e.MessageKey, smtpID, e.Subject)
	return true, wrap("SendOnce record", err)
}

// SentEmailsTo lists the emails sent to a recipient, newest first.
func (s *Store) SentEmailsTo(ctx context.Context, recipient string) ([]SentEmail, error) {
	var out []SentEmail
	err := s.db.SelectContext(ctx, &out, `
		SELECT id, message_key, template, recipient, subject, administration_id, smtp_message_id, sent_at
		FROM sent_emails WHERE recipient = $1 ORDER BY id DESC`, recipient)
	return out, wrap("SentEmailsTo", err)
}
