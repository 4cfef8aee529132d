package jobs

import (
	"context"
	"fmt"
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

// periodicTask is a task the scheduler enqueues: when, with which options,
// and what it runs.
type periodicTask struct {
	name string
	cron string
	opts []asynq.Option
	// once, when set, maps a time to the start of its period: the task runs
	// at most once per period, whatever the number of workers.
	once func(time.Time) time.Time
	run  func(ctx context.Context) error
}

// periodicTasks is the timetable. Every worker runs a scheduler: Unique
// collapses most copies of a tick, and the period's claim (once) stops the
// others; the tasks without one find nothing left to do on a second run.
func (w *Worker) periodicTasks() []periodicTask {
	return []periodicTask{
		{name: vivier.TaskOffersDue, cron: "@every 1m", once: minutely, run: w.handleOffersDue,
			opts: []asynq.Option{asynq.Queue(QueueDefault), asynq.Unique(50 * time.Second), asynq.MaxRetry(0)}},
		{name: vivier.TaskMaintenance, cron: "@every 1h", once: hourly, run: w.handleMaintenance,
			opts: []asynq.Option{asynq.Queue(QueueLow), asynq.Unique(50 * time.Minute)}},
		// Any tick of the day before sends a reminder, and sent_emails makes
		// it once.
		{name: vivier.TaskInterviewReminders, cron: "@every 1h", run: w.handleInterviewReminders,
			opts: []asynq.Option{asynq.Queue(QueueDefault), asynq.Unique(50 * time.Minute), asynq.MaxRetry(3)}},
		// At night, when nobody works.
		{name: vivier.TaskRetention, cron: "30 3 * * *", once: daily, run: w.handleRetention,
			opts: []asynq.Option{asynq.Queue(QueueLow), asynq.Unique(23 * time.Hour)}},
		{name: vivier.TaskSIRHNightly, cron: "CRON_TZ=Europe/Paris 55 23 * * *", run: w.handleSIRHNightly,
			opts: []asynq.Option{asynq.Queue(QueueLow), asynq.Unique(23 * time.Hour)}},
		{name: vivier.TaskAutoRefuse, cron: "30 4 * * *", run: w.handleAutoRefuse,
			opts: []asynq.Option{asynq.Queue(QueueDefault), asynq.Unique(23 * time.Hour)}},
		// Early morning, after the night's publications.
		{name: vivier.TaskJobAlerts, cron: "0 5 * * *", once: daily, run: w.handleJobAlerts,
			opts: []asynq.Option{asynq.Queue(QueueLow), asynq.Unique(23 * time.Hour)}},
		// 06:30 UTC: the digest waits in the mailbox when the day starts in
		// Paris, and covers the whole of the day before.
		{name: vivier.TaskNotificationDigest, cron: "30 6 * * *", run: w.handleDigest,
			opts: []asynq.Option{asynq.Queue(QueueLow), asynq.Unique(23 * time.Hour)}},
		{name: vivier.TaskResponseReminders, cron: "0 7 * * *", run: w.handleResponseReminders,
			opts: []asynq.Option{asynq.Queue(QueueDefault), asynq.Unique(23 * time.Hour)}},
	}
}

// handlePeriodic registers the periodic tasks' handlers.
func (w *Worker) handlePeriodic(mux *asynq.ServeMux) {
	for _, p := range w.periodicTasks() {
		run := p.run
		if p.once != nil {
			run = w.oncePer(p.name, p.once, run)
		}
		mux.HandleFunc(p.name, func(ctx context.Context, _ *asynq.Task) error { return run(ctx) })
	}
}

// schedule registers the periodic tasks with the scheduler.
func (w *Worker) schedule() error {
	for _, p := range w.periodicTasks() {
		if _, err := w.scheduler.Register(p.cron, asynq.NewTask(p.name, nil), p.opts...); err != nil {
			return fmt.Errorf("jobs: register %s: %w", p.name, err)
		}
	}
	return nil
}

// oncePer runs run at most once per period (period maps a time to the start
// of its period), whatever the number of workers.
func (w *Worker) oncePer(name string, period func(time.Time) time.Time, run func(context.Context) error) func(context.Context) error {
	return func(ctx context.Context) error {
		start := period(w.now())
		ok, err := w.store.ClaimPeriodicRun(ctx, name, start, taskID(ctx))
		if err != nil {
			return err
		}
		if !ok {
			w.log.DebugContext(ctx, "periodic task already run in this period", "task", name, "period", start)
			return nil
		}
		w.log.InfoContext(ctx, "periodic run", "task", name, "period", start)
		return run(ctx)
	}
}
