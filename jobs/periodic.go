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

// periodicTask is a task the scheduler enqueues: when, where, and what it
// runs.
type periodicTask struct {
	name   string
	cron   string
	queue  string
	unique time.Duration // a tick enqueued again within this is dropped
	more   []asynq.Option
	// once, when set, maps a time to the start of its period: the task runs
	// at most once per period, whatever the number of workers.
	once func(time.Time) time.Time
	run  func(ctx context.Context) error
}

// periodicTasks is the timetable. Every worker runs a scheduler: Unique
// collapses most copies of a tick, and the period's claim (once) stops the
// others; the tasks without one find nothing left to do on a second run.
func (w *Worker) periodicTasks() []periodicTask {
	const day = 23 * time.Hour
	return []periodicTask{
		{vivier.TaskOffersDue, "@every 1m", QueueDefault, 50 * time.Second, []asynq.Option{asynq.MaxRetry(0)}, minutely, w.handleOffersDue},
		{vivier.TaskCommuneCentres, "@every 1m", QueueLow, 50 * time.Second, []asynq.Option{asynq.MaxRetry(0)}, minutely, w.handleCommuneCentres},
		{vivier.TaskOfferMatch, "@every 1m", QueueLow, 50 * time.Second, []asynq.Option{asynq.MaxRetry(0)}, minutely, w.handleOfferMatch},
		{vivier.TaskMaintenance, "@every 1h", QueueLow, 50 * time.Minute, nil, hourly, w.handleMaintenance},
		// Any tick of the day before sends a reminder; sent_emails makes it once.
		{vivier.TaskInterviewReminders, "@every 1h", QueueDefault, 50 * time.Minute, []asynq.Option{asynq.MaxRetry(3)}, nil, w.handleInterviewReminders},
		{vivier.TaskSlotReminders, "@every 1h", QueueDefault, 50 * time.Minute, []asynq.Option{asynq.MaxRetry(3)}, nil, w.handleSlotReminders},
		{vivier.TaskDocumentReminders, "@every 1h", QueueDefault, 50 * time.Minute, []asynq.Option{asynq.MaxRetry(3)}, nil, w.handleDocumentReminders},
		// At night, when nobody works.
		{vivier.TaskRetention, "30 3 * * *", QueueLow, day, nil, daily, w.handleRetention},
		{vivier.TaskSIRHNightly, "CRON_TZ=Europe/Paris 55 23 * * *", QueueLow, day, nil, nil, w.handleSIRHNightly},
		{vivier.TaskAutoRefuse, "30 4 * * *", QueueDefault, day, nil, nil, w.handleAutoRefuse},
		// Early morning, after the night's publications.
		{vivier.TaskJobAlerts, "0 5 * * *", QueueLow, day, nil, daily, w.handleJobAlerts},
		// INGRES's list changes a few times a year: once a day, at night.
		{vivier.TaskRMFPSync, "15 4 * * *", QueueLow, day, []asynq.Option{asynq.MaxRetry(5)}, daily, w.handleRMFPSync},
		// 06:30 UTC: the digest waits in the mailbox when the day starts in
		// Paris, and covers the whole of the day before.
		{vivier.TaskNotificationDigest, "30 6 * * *", QueueLow, day, nil, nil, w.handleDigest},
		{vivier.TaskResponseReminders, "0 7 * * *", QueueDefault, day, nil, nil, w.handleResponseReminders},
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
		opts := append([]asynq.Option{asynq.Queue(p.queue), asynq.Unique(p.unique)}, p.more...)
		if _, err := w.scheduler.Register(p.cron, asynq.NewTask(p.name, nil), opts...); err != nil {
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
