package jobs

import (
	"context"
	"strconv"

	"vivier"
)

// The public agents' mobility space's emails: the sign-in link, sent only
// to a public agent's address (the asker was told the same either way), its
// token made here just before sending; and a recruiter's invitation to
// apply, one email per invitation whatever the retries.

func (w *Worker) handleMobilityLink(ctx context.Context, p vivier.MobilityLinkPayload) error {
	ok, err := w.store.MobilityEmailAccepted(ctx, p.Email)
	if err != nil || !ok {
		return err // not a public agent's address: nothing is sent
	}
	_, err = w.sendWithToken(ctx, "mobility_link", p.Email, nil,
		func(hash []byte) error { return w.store.CreateMobilityLink(ctx, p.Email, p.Return, hash) },
		func(token string) any { return map[string]any{"URL": w.cfg.BaseURL + "/mobilite/connexion/" + token} })
	return err
}

func (w *Worker) handleMobilityInvitation(ctx context.Context, p vivier.MobilityInvitationTask) error {
	inv, err := w.store.MobilityInvitationByID(ctx, p.InvitationID)
	if err != nil {
		return err // ENOTFOUND: the agent erased their data meanwhile
	}
	_, err = w.sendTemplate(ctx, vivier.TaskMobilityInvitation+":"+strconv.FormatInt(inv.ID, 10), "mobility_invitation", inv.Email,
		&inv.AdministrationID, map[string]any{"MI": inv, "URL": w.cfg.BaseURL + "/mobilite#invitations",
			"OfferURL": w.cfg.BaseURL + "/offres/" + strconv.FormatInt(inv.OfferID, 10)})
	return err
}
