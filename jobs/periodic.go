package jobs

import (
	"context"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
)

// Every worker runs a scheduler, so each tick of a periodic task is enqueued
// by each worker. Asynq's Unique option does not make that one run: its lock
// is released as soon as the task succeeds, and the schedulers' "@every"
// ticks fall at different moments (each counts from its own start). So a
// periodic task first claims its period in PostgreSQL (periodic_runs); the
// copies that find it claimed do nothing.

func minutely(t time.Time) time.Time { return t.UTC().Truncate(time.Minute) }
func hourly(t time.Time) time.Time   { return t.UTC().Truncate(time.Hour) }

// daily is the day in Paris, the days of the product's users.
func daily(t time.Time) time.Time {
	y, m, d := t.In(vivier.Paris()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, vivier.Paris())
}

// oncePer runs h at most once per period (period maps a time to the start of
// its period), whatever the number of workers.
func (w *Worker) oncePer(period func(time.Time) time.Time, h asynq.HandlerFunc) asynq.HandlerFunc {
	return func(ctx context.Context, t *asynq.Task) error {
		start := period(w.now())
		ok, err := w.store.ClaimPeriodicRun(ctx, t.Type(), start, taskID(ctx))
		if err != nil {
			return err
		}
		if !ok {
			w.log.DebugContext(ctx, "periodic task already run in this period", "task", t.Type(), "period", start)
			return nil
		}
		w.log.InfoContext(ctx, "periodic run", "task", t.Type(), "period", start)
		return h(ctx, t)
	}
}
