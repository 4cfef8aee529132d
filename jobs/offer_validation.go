package jobs

import (
	"context"
	"strconv"

	"vivier"
)

// The email that tells an offer's author the validator's decision:
// approved (online, or scheduled), or returned with the comment. The author
// is the agent who submitted it last; an offer pushed through the API has
// none, and its decision is only in the offer's history. One email per
// decision, whatever the retries: the key is the decision's.

func (w *Worker) handleOfferValidation(ctx context.Context, p vivier.OfferValidationTask) error {
	e, err := w.store.OfferDecisionEmail(ctx, p.StepID)
	if err != nil {
		return err // ENOTFOUND: nobody to tell
	}
	data := map[string]any{"E": e, "URL": w.cfg.BaseURL + "/admin/" + e.AdminSlug + "/offres/" + strconv.FormatInt(e.OfferID, 10)}
	key := vivier.TaskOfferValidation + ":" + strconv.FormatInt(e.StepID, 10)
	_, err = w.sendTemplate(ctx, key, "offer_validation", e.To, &e.AdminID, data)
	return err
}
