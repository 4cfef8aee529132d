package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"

	"vivier"
)

// Emails that ask the candidate for a consent, each with a link to their
// space where buttons answer (the link itself changes nothing): a transfer
// to another administration, the merge of two of their addresses, and the
// notice that an application to an offer was sent again with their address.

func (w *Worker) handleTransferProposed(ctx context.Context, t *asynq.Task) error {
	var p vivier.TransferTask
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.TransferID == 0 {
		return fmt.Errorf("%s: bad payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	tr, err := w.store.TransferByID(ctx, p.TransferID)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	c, err := w.store.CandidateByID(ctx, tr.CandidateID)
	if err != nil || c.Email == nil || tr.Outcome != "en_attente" {
		return err // erased, or answered before the email left: nothing to ask
	}
	_, err = w.sendWithToken(ctx, t.Type(), "transfer_proposed", *c.Email, &tr.FromAdminID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, c.ID, &tr.ApplicationID, hash) },
		func(token string) any {
			return map[string]any{"T": tr, "URL": w.cfg.BaseURL + "/suivi/" + token,
				"Expires": tr.ExpiresAt.In(vivier.Paris()).Format("02/01/2006")}
		})
	return err
}

func (w *Worker) handleMergeConfirm(ctx context.Context, t *asynq.Task) error {
	var p vivier.MergeConfirmTask
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.MergeID == 0 || p.CandidateID == 0 {
		return fmt.Errorf("%s: bad payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	m, err := w.store.MergeByID(ctx, p.MergeID)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	c, err := w.store.CandidateByID(ctx, p.CandidateID)
	if err != nil || c.Email == nil || !m.Pending() || (c.ID != m.KeepID && c.ID != m.OtherID) {
		return err
	}
	keep := "cette adresse"
	if c.ID != m.KeepID {
		keep = m.OtherAddress(c.ID)
	}
	_, err = w.sendWithToken(ctx, t.Type(), "merge_confirm", *c.Email, &m.AdministrationID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, c.ID, nil, hash) },
		func(token string) any {
			return map[string]any{"M": m, "Other": m.OtherAddress(c.ID), "Keep": keep, "URL": w.cfg.BaseURL + "/suivi/" + token,
				"Expires": m.ExpiresAt.In(vivier.Paris()).Format("02/01/2006")}
		})
	return err
}

func (w *Worker) handleAlreadyApplied(ctx context.Context, t *asynq.Task) error {
	a, err := w.summary(ctx, t)
	if a == nil {
		return err
	}
	_, err = w.sendWithToken(ctx, t.Type(), "already_applied", *a.Candidate.Email, &a.AdministrationID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, a.CandidateID, &a.ID, hash) },
		func(token string) any { return map[string]any{"A": a, "URL": w.cfg.BaseURL + "/suivi/" + token} })
	return err
}
