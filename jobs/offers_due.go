package jobs

import (
	"context"
)

// handleOffersDue (vivier.TaskOffersDue) publishes scheduled offers whose
// date has come and closes published ones whose end has passed, every
// minute, so that nobody has to be there on the day.
func (w *Worker) handleOffersDue(ctx context.Context) error {
	published, closed, err := w.store.PublishDueOffers(ctx)
	if err != nil {
		return err
	}
	if published+closed > 0 {
		w.log.InfoContext(ctx, "offers due", "published", published, "closed", closed)
	}
	return nil
}
