package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
)

// vivier.TaskOffersDue publishes scheduled offers whose date has come and closes
// published ones whose end has passed, every minute, so that nobody has to be
// there on the day.

func (w *Worker) registerOffersDue() error {
	// Every worker runs a scheduler; Unique collapses most copies of a tick,
	// and the period's claim (periodic.go) stops the others.
	_, err := w.scheduler.Register("@every 1m", asynq.NewTask(vivier.TaskOffersDue, nil),
		asynq.Queue(QueueDefault), asynq.Unique(50*time.Second), asynq.MaxRetry(0))
	if err != nil {
		return fmt.Errorf("jobs: register %s: %w", vivier.TaskOffersDue, err)
	}
	return nil
}

func (w *Worker) handleOffersDue(ctx context.Context, _ *asynq.Task) error {
	published, closed, err := w.store.PublishDueOffers(ctx)
	if err != nil {
		return err
	}
	if published+closed > 0 {
		w.log.InfoContext(ctx, "offers due", "published", published, "closed", closed)
	}
	return nil
}
