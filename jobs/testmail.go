package jobs

import (
	"context"
	"net/mail"

	"vivier"
)

// TestEmailPayload is the task's payload.
type TestEmailPayload struct {
	To string `json:"to"`
}

// NewTestEmail returns the outbox message that asks for a test email.
func NewTestEmail(to string) (vivier.OutboxMessage, error) {
	addr, err := mail.ParseAddress(to)
	if err != nil {
		return vivier.OutboxMessage{}, vivier.FieldError("to", "L'adresse électronique n'est pas valide.")
	}
	return vivier.NewOutboxMessage(vivier.TaskTestEmail, QueueCritical, TestEmailPayload{To: addr.Address})
}

// Valid says whether the payload names an address.
func (p TestEmailPayload) Valid() bool { return p.To != "" }

func (w *Worker) handleTestEmail(ctx context.Context, p TestEmailPayload) error {
	key, err := taskKey(ctx)
	if err != nil {
		return err
	}
	_, err = w.sendTemplate(ctx, key, "test", p.To, nil, map[string]string{
		"Host": w.cfg.BaseURL, "Reference": taskID(ctx),
	})
	return err
}
