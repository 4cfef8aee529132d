package jobs

import (
	"context"
	"time"

	"vivier"
)

// The automatic refusal (vivier.TaskAutoRefuse), once a day, of the
// applications of administrations that chose it and left them without any
// activity past their second delay. Each refusal is a move of the pipeline
// (history, log, and the candidate's reasoned email through the outbox); an
// application refused is no longer due, so a second run does nothing.

func (w *Worker) handleAutoRefuse(ctx context.Context) error {
	_, err := w.RunAutoRefuse(ctx, w.now())
	return err
}

// RunAutoRefuse refuses what is due as of now and returns how many.
func (w *Worker) RunAutoRefuse(ctx context.Context, now time.Time) (int, error) {
	due, err := w.store.AutoRefuseDue(ctx, now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		ok, err := w.store.AutoRefuse(ctx, d.AdministrationID, d.ApplicationID, now)
		if vivier.ErrorCode(err) == vivier.ECONFLICT || vivier.ErrorCode(err) == vivier.EINVALID {
			// This administration's pipeline cannot refuse it (no refusal
			// step, the reason turned off): the others still can.
			w.log.WarnContext(ctx, "auto refuse skipped", "application", d.ApplicationID, "err", err)
			continue
		}
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	if n > 0 {
		w.log.InfoContext(ctx, "auto refuse", "refused", n)
	}
	return n, nil
}
