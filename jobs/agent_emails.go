package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"

	"vivier"
)

// The agents' emails: an invitation to join an administration and a password
// reset. Each link's token is made here, just before sending, and only its
// digest is stored: the token exists in clear in the email alone. A retry
// after a failed sending makes a new token, replacing the unsent one.

func (w *Worker) handleAgentInvitation(ctx context.Context, t *asynq.Task) error {
	var p vivier.InvitationEmailPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.InvitationID == 0 {
		return fmt.Errorf("%s: bad payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	inv, err := w.store.InvitationByID(ctx, p.InvitationID)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return fmt.Errorf("%s: invitation %d is gone: %w", t.Type(), p.InvitationID, asynq.SkipRetry)
	}
	if err != nil {
		return err
	}
	if inv.AcceptedAt != nil {
		return nil // accepted meanwhile (a link sent earlier): nothing to send
	}
	_, err = w.sendWithToken(ctx, t.Type(), "agent_invitation", inv.Email, &inv.AdministrationID,
		func(hash []byte) error { return w.store.SetInvitationToken(ctx, inv.ID, hash) },
		func(token string) any {
			return map[string]any{
				"Administration": inv.AdministrationName,
				"Role":           inv.Role.Label(),
				"URL":            w.cfg.BaseURL + "/admin/invitation/" + token,
				"Expires":        inv.ExpiresAt.In(vivier.Paris()).Format("02/01/2006 à 15h04"),
			}
		})
	return err
}

func (w *Worker) handlePasswordReset(ctx context.Context, t *asynq.Task) error {
	var p vivier.PasswordResetEmailPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.Email == "" {
		return fmt.Errorf("%s: bad payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	agent, err := w.store.AgentByEmail(ctx, p.Email)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND || (err == nil && agent.Status != "active") {
		return nil // no account: nothing to send, and the asker was told nothing
	}
	if err != nil {
		return err
	}
	_, err = w.sendWithToken(ctx, t.Type(), "password_reset", agent.Email, nil,
		func(hash []byte) error { return w.store.CreatePasswordReset(ctx, agent.ID, hash) },
		func(token string) any {
			return map[string]any{"URL": w.cfg.BaseURL + "/admin/mot-de-passe/" + token}
		})
	return err
}

// sendWithToken sends, at most once per task, an email carrying a new token
// whose digest save stores first.
func (w *Worker) sendWithToken(ctx context.Context, taskType, template, to string, adminID *int64,
	save func(hash []byte) error, data func(token string) any) (bool, error) {
	id := taskID(ctx)
	if id == "" {
		return false, fmt.Errorf("%s: no task id: %w", taskType, asynq.SkipRetry)
	}
	return w.sendTokenEmail(ctx, taskType+":"+id, template, to, adminID, save, func(token string) (Outgoing, error) {
		email, err := w.renderer.Email(template, data(token))
		return Outgoing{To: to, Email: email}, err
	})
}
