package jobs

import (
	"context"
	"strconv"

	"vivier"
)

// The invitation to apply that a recruiter sends to a candidate of the
// talent pool. The message key is the invitation's, not the task's: one
// invitation is one email, whatever retries or relays happen. Nothing is
// sent when the consent lapsed or the offer closed meanwhile, nor to an
// erased candidate.

func (w *Worker) handlePoolInvitation(ctx context.Context, p vivier.PoolInvitationTask) error {
	inv, err := w.store.PoolInvitationByID(ctx, p.InvitationID)
	if err != nil {
		return err
	}
	if inv.Email == nil || !inv.Consented || inv.OfferStatus != string(vivier.OfferPublished) {
		return nil
	}
	url := w.cfg.BaseURL + "/offres/" + strconv.FormatInt(inv.OfferID, 10)
	_, err = w.sendTemplate(ctx, vivier.TaskPoolInvitation+":"+strconv.FormatInt(inv.ID, 10), "pool_invitation", *inv.Email, &inv.AdministrationID,
		map[string]any{"I": inv, "URL": url, "ApplyURL": url + "/postuler"})
	return err
}
