package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"

	"vivier"
)

// The candidate's emails that follow from someone's action: a recruiter's
// message, a copy of their data taken from their space, their erasure.

func (w *Worker) handleRecruiterMessage(ctx context.Context, t *asynq.Task) error {
	var p vivier.MessageTask
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.ApplicationID == 0 || p.MessageID == 0 {
		return fmt.Errorf("%s: bad payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	a, err := w.store.ApplicationSummaryByID(ctx, p.ApplicationID)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if a.Candidate.Email == nil || a.Category == vivier.CategoryErased {
		return nil // erased meanwhile: the message went with the data
	}
	m, err := w.store.ApplicationMessageByID(ctx, a.ID, p.MessageID)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	id := taskID(ctx)
	if id == "" {
		return fmt.Errorf("%s: no task id: %w", t.Type(), asynq.SkipRetry)
	}
	_, err = w.sendTemplate(ctx, t.Type()+":"+id, "recruiter_message", *a.Candidate.Email, &a.AdministrationID,
		map[string]any{"A": a, "M": m, "URL": w.cfg.BaseURL + "/suivi"})
	return err
}

func candidatePayload(t *asynq.Task) (vivier.CandidateTask, error) {
	var p vivier.CandidateTask
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.CandidateID == 0 {
		return p, fmt.Errorf("%s: bad payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	return p, nil
}

func (w *Worker) handleDataExport(ctx context.Context, t *asynq.Task) error {
	p, err := candidatePayload(t)
	if err != nil {
		return err
	}
	c, err := w.store.CandidateByID(ctx, p.CandidateID)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if c.Email == nil || c.ErasedAt != nil {
		return nil
	}
	id := taskID(ctx)
	if id == "" {
		return fmt.Errorf("%s: no task id: %w", t.Type(), asynq.SkipRetry)
	}
	at := p.At
	if at.IsZero() {
		at = w.now()
	}
	_, err = w.sendTemplate(ctx, t.Type()+":"+id, "data_export", *c.Email, nil, map[string]any{
		"At": at.In(vivier.Paris()).Format("02/01/2006 à 15h04"), "URL": w.cfg.BaseURL + "/suivi"})
	return err
}

// handleErasureDone confirms an erasure to the address the payload carries.
// The record of the email keeps no address, like the rest of sent_emails
// after an erasure.
func (w *Worker) handleErasureDone(ctx context.Context, t *asynq.Task) error {
	p, err := candidatePayload(t)
	if err != nil {
		return err
	}
	if p.Email == "" {
		return fmt.Errorf("%s: no address: %w", t.Type(), asynq.SkipRetry)
	}
	c, err := w.store.CandidateByID(ctx, p.CandidateID)
	if err != nil && vivier.ErrorCode(err) != vivier.ENOTFOUND {
		return err
	}
	at := w.now()
	if c != nil && c.ErasedAt != nil {
		at = *c.ErasedAt
	}
	id := taskID(ctx)
	if id == "" {
		return fmt.Errorf("%s: no task id: %w", t.Type(), asynq.SkipRetry)
	}
	email, err := w.renderer.Email("erasure_done", map[string]any{
		"At": at.In(vivier.Paris()).Format("02/01/2006"), "URL": w.cfg.BaseURL + "/offres"})
	if err != nil {
		return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	rec := &vivier.SentEmail{MessageKey: t.Type() + ":" + id, Template: "erasure_done", Recipient: "supprime@invalid", Subject: email.Subject}
	_, err = w.store.SendOnce(ctx, rec, func() (string, error) {
		return w.deliver(ctx, Outgoing{To: p.Email, Email: email}, rec)
	})
	if err != nil {
		return err
	}
	return w.store.ForgetErasedAddress(ctx, p.Email)
}
