package jobs

import (
	"context"
	"fmt"

	"github.com/hibiken/asynq"

	"vivier"
)

// The candidate's emails that follow from someone's action: a recruiter's
// message, a copy of their data taken from their space, their erasure.

func (w *Worker) handleRecruiterMessage(ctx context.Context, p vivier.MessageTask) error {
	a, err := w.store.ApplicationSummaryByID(ctx, p.ApplicationID)
	if err != nil {
		return err
	}
	if a.Candidate.Email == nil || a.Category == vivier.CategoryErased {
		return nil // erased meanwhile: the message went with the data
	}
	m, err := w.store.ApplicationMessageByID(ctx, a.ID, p.MessageID)
	if err != nil {
		return err
	}
	key, err := taskKey(ctx)
	if err != nil {
		return err
	}
	_, err = w.sendTemplate(ctx, key, "recruiter_message", *a.Candidate.Email, &a.AdministrationID,
		map[string]any{"A": a, "M": m, "URL": w.cfg.BaseURL + "/suivi"})
	return err
}

func (w *Worker) handleDataExport(ctx context.Context, p vivier.CandidateTask) error {
	c, err := w.store.CandidateByID(ctx, p.CandidateID)
	if err != nil {
		return err
	}
	if c.Email == nil || c.ErasedAt != nil {
		return nil
	}
	key, err := taskKey(ctx)
	if err != nil {
		return err
	}
	at := p.At
	if at.IsZero() {
		at = w.now()
	}
	_, err = w.sendTemplate(ctx, key, "data_export", *c.Email, nil, map[string]any{
		"At": at.In(vivier.Paris()).Format("02/01/2006 à 15h04"), "URL": w.cfg.BaseURL + "/suivi"})
	return err
}

// handleErasureDone confirms an erasure to the address the payload carries.
// The record of the email keeps no address, like the rest of sent_emails
// after an erasure.
func (w *Worker) handleErasureDone(ctx context.Context, p vivier.CandidateTask) error {
	if p.Email == "" {
		return fmt.Errorf("%s: no address: %w", vivier.TaskErasureDone, asynq.SkipRetry)
	}
	c, err := w.store.CandidateByID(ctx, p.CandidateID)
	if err != nil && vivier.ErrorCode(err) != vivier.ENOTFOUND {
		return err
	}
	at := w.now()
	if c != nil && c.ErasedAt != nil {
		at = *c.ErasedAt
	}
	key, err := taskKey(ctx)
	if err != nil {
		return err
	}
	email, err := w.renderer.Email("erasure_done", map[string]any{
		"At": at.In(vivier.Paris()).Format("02/01/2006"), "URL": w.cfg.BaseURL + "/offres"})
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	rec := &vivier.SentEmail{MessageKey: key, Template: "erasure_done", Recipient: "supprime@invalid", Subject: email.Subject}
	_, err = w.sendOnce(ctx, rec, func() (string, error) {
		return w.deliver(ctx, Outgoing{To: p.Email, Email: email}, rec)
	})
	if err != nil {
		return err
	}
	return w.store.ForgetErasedAddress(ctx, p.Email)
}
