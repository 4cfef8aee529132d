package jobs

import (
	"context"
	"fmt"

	"github.com/hibiken/asynq"

	"vivier"
)

// The agents' emails: an invitation to join an administration and a password
// reset. Each link's token is made here, just before sending, and only its
// digest is stored: the token exists in clear in the email alone. A retry
// after a failed sending makes a new token, replacing the unsent one.

func (w *Worker) handleAgentInvitation(ctx context.Context, p vivier.InvitationEmailPayload) error {
	inv, err := w.store.InvitationByID(ctx, p.InvitationID)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		// Unlike most tasks, a missing invitation fails the task for good
		// (it shows among the failed tasks) rather than ending it.
		return fmt.Errorf("%s: invitation %d is gone: %w", vivier.TaskAgentInvitationEmail, p.InvitationID, asynq.SkipRetry)
	}
	if err != nil {
		return err
	}
	if inv.AcceptedAt != nil {
		return nil // accepted meanwhile (a link sent earlier): nothing to send
	}
	_, err = w.sendWithToken(ctx, "agent_invitation", inv.Email, &inv.AdministrationID,
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

func (w *Worker) handlePasswordReset(ctx context.Context, p vivier.PasswordResetEmailPayload) error {
	agent, err := w.store.AgentByEmail(ctx, p.Email)
	if err != nil || agent.Status != "active" {
		return err // no account (ENOTFOUND) or a disabled one: nothing to send, and the asker was told nothing
	}
	_, err = w.sendWithToken(ctx, "password_reset", agent.Email, nil,
		func(hash []byte) error { return w.store.CreatePasswordReset(ctx, agent.ID, hash) },
		func(token string) any {
			return map[string]any{"URL": w.cfg.BaseURL + "/admin/mot-de-passe/" + token}
		})
	return err
}

// sendWithToken sends, at most once per task, an email carrying a new token
// whose digest save stores first.
func (w *Worker) sendWithToken(ctx context.Context, template, to string, adminID *int64,
	save func(hash []byte) error, data func(token string) any) (bool, error) {
	key, err := taskKey(ctx)
	if err != nil {
		return false, err
	}
	return w.sendTokenEmail(ctx, key, template, to, adminID, save, func(token string) (Outgoing, error) {
		email, err := w.renderer.Email(template, data(token))
		return Outgoing{To: to, Email: email}, err
	})
}
