package jobs

import (
	"context"
	"time"
)

// The matching of profiles with offers reads, for each offer, the skills of
// the referential its text names. Finding them is the costly part, so the
// worker does it once per save, each minute for the offers saved since; an
// edit of the referential makes every offer's skills stale, and the runs
// work through them a batch at a time.

const (
	offerMatchBatch  = 500
	offerMatchBudget = 40 * time.Second // within the task's minute
)

// handleOfferMatch (vivier.TaskOfferMatch) finds the skills of the offers
// saved since their last reading, until none is left or the budget is
// spent; the next minute goes on.
func (w *Worker) handleOfferMatch(ctx context.Context) error {
	skills, err := w.store.SkillMatcher(ctx)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(offerMatchBudget)
	total := 0
	for time.Now().Before(deadline) {
		n, err := w.store.RefreshOfferMatches(ctx, skills, offerMatchBatch)
		if err != nil {
			return err
		}
		total += n
		if n < offerMatchBatch {
			break
		}
	}
	if total > 0 {
		w.log.InfoContext(ctx, "offer skills read for matching", "count", total)
	}
	return w.embedOffers(ctx, deadline)
}
