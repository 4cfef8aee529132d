package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"

	"github.com/hibiken/asynq"

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

func (w *Worker) handleTestEmail(ctx context.Context, t *asynq.Task) error {
	var p TestEmailPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.To == "" {
		return fmt.Errorf("%s: bad payload: %v: %w", vivier.TaskTestEmail, err, asynq.SkipRetry)
	}
	id := taskID(ctx)
	if id == "" {
		return fmt.Errorf("%s: no task id: %w", vivier.TaskTestEmail, asynq.SkipRetry)
	}
	_, err := w.sendTemplate(ctx, vivier.TaskTestEmail+":"+id, "test", p.To, nil, map[string]string{
		"Host": w.cfg.BaseURL, "Reference": id,
	})
	return err
}
