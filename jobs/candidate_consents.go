package jobs

import (
	"context"

	"vivier"
)

// Emails that ask the candidate for a consent, each with a link to their
// space where buttons answer (the link itself changes nothing): a transfer
// to another administration, the merge of two of their addresses, and the
// notice that an application to an offer was sent again with their address.

func (w *Worker) handleTransferProposed(ctx context.Context, p vivier.TransferTask) error {
	tr, err := w.store.TransferByID(ctx, p.TransferID)
	if err != nil {
		return err
	}
	c, err := w.store.CandidateByID(ctx, tr.CandidateID)
	if err != nil || c.Email == nil || tr.Outcome != "en_attente" {
		return err // erased, or answered before the email left: nothing to ask
	}
	_, err = w.sendWithToken(ctx, "transfer_proposed", *c.Email, &tr.FromAdminID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, c.ID, &tr.ApplicationID, hash) },
		func(token string) any {
			return map[string]any{"T": tr, "URL": w.cfg.BaseURL + "/suivi/" + token,
				"Expires": tr.ExpiresAt.In(vivier.Paris()).Format("02/01/2006")}
		})
	return err
}

func (w *Worker) handleMergeConfirm(ctx context.Context, p vivier.MergeConfirmTask) error {
	m, err := w.store.MergeByID(ctx, p.MergeID)
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
	_, err = w.sendWithToken(ctx, "merge_confirm", *c.Email, &m.AdministrationID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, c.ID, nil, hash) },
		func(token string) any {
			return map[string]any{"M": m, "Other": m.OtherAddress(c.ID), "Keep": keep, "URL": w.cfg.BaseURL + "/suivi/" + token,
				"Expires": m.ExpiresAt.In(vivier.Paris()).Format("02/01/2006")}
		})
	return err
}

func (w *Worker) handleAlreadyApplied(ctx context.Context, p vivier.ApplicationTask) error {
	a, err := w.summary(ctx, p)
	if a == nil {
		return err
	}
	_, err = w.sendWithToken(ctx, "already_applied", *a.Candidate.Email, &a.AdministrationID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, a.CandidateID, &a.ID, hash) },
		func(token string) any { return map[string]any{"A": a, "URL": w.cfg.BaseURL + "/suivi/" + token} })
	return err
}
