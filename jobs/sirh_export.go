package jobs

import (
	"context"
	"errors"
	"net/http"
	"time"

	"vivier"
)

// The SIRH export's tasks. A hire's task puts it in a batch of its own when
// its administration exports at once; the nightly task (23:55 in Paris)
// batches the others.
// Making a batch writes, in the same transaction, the task that delivers it,
// so that a batch is never made and forgotten. The delivery task delivers a
// batch not yet delivered, or again when an agent asked for it.

// SIRHConfig is where and how batches go.
type SIRHConfig struct {
	Dir             string        // root of the folder destination: one sub-folder per administration (its slug)
	HTTPClient      *http.Client  // for webhooks; a client with a 30 s timeout if nil
	WebhookAttempts int           // tries per delivery task before it fails (then Asynq retries the task)
	WebhookBackoff  time.Duration // wait after the first failed try, doubled after each
}

func (w *Worker) handleSIRHHire(ctx context.Context, p vivier.SIRHHireTask) error {
	st, err := w.store.SIRHSettingsOf(ctx, p.AdministrationID)
	if err != nil {
		return err
	}
	if st.Cadence == vivier.SIRHNightly {
		return nil // the night's batch takes it
	}
	// The batch ends the task: its transaction records the end.
	ctx = endWith(ctx, vivier.StepSIRHBatch)
	if _, err := w.store.BatchHire(ctx, p.AdministrationID, p.HireID); err != nil {
		return err // ENOTFOUND: the application was deleted meanwhile
	}
	stepTaken(ctx, vivier.StepSIRHBatch)
	return nil
}

func (w *Worker) handleSIRHNightly(ctx context.Context) error {
	_, err := w.RunSIRHNight(ctx, w.now())
	return err
}

// RunSIRHNight makes the night's batches as of now and returns them; their
// deliveries follow through the outbox.
func (w *Worker) RunSIRHNight(ctx context.Context, now time.Time) ([]*vivier.SIRHBatch, error) {
	ids, err := w.store.AdministrationsToBatch(ctx, now)
	if err != nil {
		return nil, err
	}
	var out []*vivier.SIRHBatch
	var errs []error
	for _, id := range ids {
		b, err := w.store.BatchNight(ctx, id, now)
		if vivier.ErrorCode(err) == vivier.ENOTFOUND {
			continue // another worker took them
		}
		if err != nil {
			errs = append(errs, err) // one administration does not hold back the others
			continue
		}
		out = append(out, b)
	}
	if len(out) > 0 {
		w.log.InfoContext(ctx, "sirh nightly batches", "batches", len(out))
	}
	return out, errors.Join(errs...)
}

func (w *Worker) handleSIRHDeliver(ctx context.Context, p vivier.SIRHDeliverTask) error {
	request := "auto"
	if p.Redelivery {
		id, err := runningID(ctx)
		if err != nil {
			return err
		}
		request = "relivraison:" + id
	}
	b, err := w.store.SIRHBatchByID(ctx, p.AdministrationID, p.BatchID)
	if err != nil {
		return err
	}
	// Idempotent: a delivered batch leaves again only on an agent's
	// request, and once per request.
	// A retry after the delivery but before its emails sends what is left
	// of them (each at most once).
	if !p.Redelivery && b.State == vivier.BatchDelivered {
		return w.notifySIRHDelivered(ctx, b, request)
	}
	if p.Redelivery {
		done, err := w.store.SIRHDeliveredFor(ctx, b, request)
		if err != nil {
			return err
		}
		if done {
			return w.notifySIRHDelivered(ctx, b, request)
		}
	}
	return w.deliverSIRH(ctx, b, request, p.By)
}
