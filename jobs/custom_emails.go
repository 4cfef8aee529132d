package jobs

import (
	"context"
	"fmt"

	"github.com/hibiken/asynq"

	"vivier"
)

// Emails built by the caller: those an administration wrote its own
// template for (vivier.EmailTemplate), and those with an attachment.

// sendBuilt sends the email build makes at most once for key.
func (w *Worker) sendBuilt(ctx context.Context, key, template, to string, adminID *int64, build func() (Outgoing, error)) (bool, error) {
	rec := &vivier.SentEmail{MessageKey: key, Template: template, Recipient: to, AdministrationID: adminID}
	return w.sendOnce(ctx, rec, func() (string, error) {
		o, err := build()
		if err != nil {
			return "", fmt.Errorf("%w: %w", err, asynq.SkipRetry)
		}
		rec.Subject = o.Email.Subject
		return w.deliver(ctx, o, rec)
	})
}

// sendTokenEmail is sendBuilt for an email carrying a new tracking link:
// its token is made and recorded inside SendOnce, so that a retry after a
// failed sending makes another and no link is mailed twice.
func (w *Worker) sendTokenEmail(ctx context.Context, key, template, to string, adminID *int64,
	save func(hash []byte) error, build func(token string) (Outgoing, error)) (bool, error) {
	rec := &vivier.SentEmail{MessageKey: key, Template: template, Recipient: to, AdministrationID: adminID}
	return w.sendOnce(ctx, rec, func() (string, error) {
		token, hash := vivier.NewToken()
		if err := save(hash); err != nil {
			return "", err
		}
		o, err := build(token)
		if err != nil {
			return "", fmt.Errorf("%w: %w", err, asynq.SkipRetry)
		}
		rec.Subject = o.Email.Subject
		return w.deliver(ctx, o, rec)
	})
}

// customOutgoing renders an administration's template for to.
func (w *Worker) customOutgoing(to string, t vivier.EmailTemplate, v vivier.TemplateValues) (Outgoing, error) {
	email, err := w.renderer.CustomEmail(t.Render(v))
	return Outgoing{To: to, Email: email}, err
}

// ownTemplate returns the administration's own template for the event, or
// nil when it wrote none: the platform's built-in email is sent then.
func (w *Worker) ownTemplate(ctx context.Context, adminID int64, e vivier.TemplateEvent) (*vivier.EmailTemplate, error) {
	t, err := w.store.EmailTemplate(ctx, adminID, e)
	if err != nil || !t.Custom {
		return nil, err
	}
	return &t, nil
}

// statusTemplate is the administration's own template for a decision:
// refusal or proposition; other moves keep the built-in email.
func (w *Worker) statusTemplate(ctx context.Context, adminID int64, to vivier.Category) (*vivier.EmailTemplate, error) {
	switch to {
	case vivier.CategoryRefused:
		return w.ownTemplate(ctx, adminID, vivier.EventRefusal)
	case vivier.CategoryAccepted:
		return w.ownTemplate(ctx, adminID, vivier.EventProposition)
	}
	return nil, nil
}

// receivedWithTemplate sends the confirmation an administration wrote,
// with the new tracking link as {{lien_suivi}}.
func (w *Worker) receivedWithTemplate(ctx context.Context, a *vivier.ApplicationSummary, own vivier.EmailTemplate) error {
	key, err := taskKey(ctx)
	if err != nil {
		return err
	}
	to := *a.Candidate.Email
	_, err = w.sendTokenEmail(ctx, key, "application_received", to, &a.AdministrationID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, a.CandidateID, &a.ID, hash) },
		func(token string) (Outgoing, error) {
			return w.customOutgoing(to, own, vivier.ApplicationValues(a, w.cfg.BaseURL+"/suivi/"+token))
		})
	return err
}
