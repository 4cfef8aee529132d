package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
)

// sweepFixture is a store with one test email relayed to a Redis database
// of the test's own.
type sweepFixture struct {
	store *vivier.Store
	redis asynq.RedisClientOpt
	in    *asynq.Inspector
	id    int64
	sweep *jobs.Redelivery
}

func newSweepFixture(t *testing.T) *sweepFixture {
	t.Helper()
	f := &sweepFixture{store: vivier.NewStore(dbtest.New(t)), redis: jobstest.Redis(t)}
	f.in = jobstest.Inspector(t, f.redis)
	client := jobstest.Client(t, f.redis)
	f.id = addMessages(t, f.store, 1)[0]
	if n, err := jobs.NewRelay(f.store, client, 100).RunOnce(context.Background()); err != nil || n != 1 {
		t.Fatalf("relay = %d, %v", n, err)
	}
	// A delay of 0: every row relayed and not done is looked at.
	sweep, err := jobs.NewRedelivery(f.store, f.redis, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobstest.Close(t, sweep) })
	f.sweep = sweep
	return f
}

func (f *sweepFixture) run(t *testing.T) vivier.SweepCounts {
	t.Helper()
	c, err := f.sweep.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *sweepFixture) row(t *testing.T) *vivier.OutboxMessage {
	t.Helper()
	m, err := f.store.OutboxMessageByID(context.Background(), f.id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// tasks counts the tasks of the critical queue in a state.
func (f *sweepFixture) tasks(t *testing.T, state asynq.TaskState) int {
	t.Helper()
	var list []*asynq.TaskInfo
	var err error
	switch state {
	case asynq.TaskStatePending:
		list, err = f.in.ListPendingTasks(jobs.QueueCritical)
	case asynq.TaskStateCompleted:
		list, err = f.in.ListCompletedTasks(jobs.QueueCritical)
	case asynq.TaskStateArchived:
		list, err = f.in.ListArchivedTasks(jobs.QueueCritical)
	}
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// serve runs the test email's task in a bare Asynq server (no Vivier
// middleware: nothing records the end of the task) until it reaches state.
func (f *sweepFixture) serve(t *testing.T, handler asynq.HandlerFunc, state asynq.TaskState) {
	t.Helper()
	srv := asynq.NewServer(f.redis, asynq.Config{Concurrency: 1, TaskCheckInterval: 20 * time.Millisecond,
		LogLevel: asynq.FatalLevel, Queues: map[string]int{jobs.QueueCritical: 1}})
	mux := asynq.NewServeMux()
	mux.HandleFunc(vivier.TaskTestEmail, handler)
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	jobstest.Eventually(t, fmt.Sprintf("the task in the state %v", state), func() (bool, error) {
		info, err := f.in.GetTaskInfo(jobs.QueueCritical, jobs.OutboxTaskID(f.id))
		return err == nil && info.State == state, err
	})
}

// A task that Redis still holds is not enqueued a second time.
func TestRedeliveryLeavesATaskStillInRedis(t *testing.T) {
	t.Parallel()
	f := newSweepFixture(t)
	if c := f.run(t); c != (vivier.SweepCounts{Waiting: 1}) {
		t.Fatalf("sweep = %+v, want one task waiting", c)
	}
	if n := f.tasks(t, asynq.TaskStatePending); n != 1 {
		t.Fatalf("%d pending tasks, want 1", n)
	}
	if m := f.row(t); m.DoneAt != nil || m.Attempts != 1 {
		t.Fatalf("row after the sweep: done %v, attempts %d", m.DoneAt, m.Attempts)
	}
	// Looked at once per delay: a sweep with a delay of an hour leaves it.
	later, err := jobs.NewRedelivery(f.store, f.redis, time.Hour, 100)
	if err != nil {
		t.Fatal(err)
	}
	defer jobstest.Close(t, later)
	if c, err := later.RunOnce(context.Background()); err != nil || c != (vivier.SweepCounts{}) {
		t.Fatalf("sweep an hour too early = %+v, %v; want nothing looked at", c, err)
	}
}

// Redis lost the task (it restarted empty): the sweep enqueues it again,
// under the same id, once.
func TestRedeliveryRequeuesALostTask(t *testing.T) {
	t.Parallel()
	f := newSweepFixture(t)
	rdb := redis.NewClient(&redis.Options{Addr: f.redis.Addr, DB: f.redis.DB})
	defer jobstest.Close(t, rdb)
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	if c := f.run(t); c != (vivier.SweepCounts{Requeued: 1}) {
		t.Fatalf("sweep = %+v, want the task enqueued again", c)
	}
	info, err := f.in.GetTaskInfo(jobs.QueueCritical, jobs.OutboxTaskID(f.id))
	if err != nil || info.State != asynq.TaskStatePending || info.Type != vivier.TaskTestEmail {
		t.Fatalf("task after the sweep: %+v, %v", info, err)
	}
	if m := f.row(t); m.DoneAt != nil || m.Attempts != 2 || !strings.Contains(m.LastError, "perdue") {
		t.Fatalf("row after the sweep: done %v, attempts %d, last error %q", m.DoneAt, m.Attempts, m.LastError)
	}
	// The next sweep finds it there.
	if c := f.run(t); c != (vivier.SweepCounts{Waiting: 1}) {
		t.Fatalf("second sweep = %+v, want the task waiting", c)
	}
	if n := f.tasks(t, asynq.TaskStatePending); n != 1 {
		t.Fatalf("%d pending tasks, want 1", n)
	}
}

// The task finished but its end was not recorded (the worker died between
// the two): the sweep finds it completed in Redis and records it, without
// running it again.
func TestRedeliveryMarksACompletedTaskDone(t *testing.T) {
	t.Parallel()
	f := newSweepFixture(t)
	var runs atomic.Int32
	f.serve(t, func(context.Context, *asynq.Task) error { runs.Add(1); return nil }, asynq.TaskStateCompleted)
	if f.row(t).DoneAt != nil {
		t.Fatal("the bare server recorded the end: the test proves nothing")
	}
	if c := f.run(t); c != (vivier.SweepCounts{Done: 1}) {
		t.Fatalf("sweep = %+v, want the task found done", c)
	}
	if m := f.row(t); m.DoneAt == nil {
		t.Fatal("the row is not done")
	}
	if n := f.tasks(t, asynq.TaskStatePending); n != 0 || runs.Load() != 1 {
		t.Fatalf("%d pending tasks, %d runs; want 0 and 1", n, runs.Load())
	}
	if c := f.run(t); c != (vivier.SweepCounts{}) {
		t.Fatalf("sweep of a done row = %+v, want nothing looked at", c)
	}
}

// A task that failed for good stays unfinished: visible with its error, kept
// by the purge, not enqueued again (an agent retries it from the failed
// tasks page).
func TestRedeliveryKeepsAFailedTaskUnfinished(t *testing.T) {
	t.Parallel()
	f := newSweepFixture(t)
	f.serve(t, func(context.Context, *asynq.Task) error {
		return fmt.Errorf("adresse refusée: %w", asynq.SkipRetry)
	}, asynq.TaskStateArchived)
	if c := f.run(t); c != (vivier.SweepCounts{Waiting: 1}) {
		t.Fatalf("sweep = %+v, want the task waiting", c)
	}
	if n := f.tasks(t, asynq.TaskStateArchived); n != 1 || f.tasks(t, asynq.TaskStatePending) != 0 {
		t.Fatalf("%d archived tasks, want 1 and none pending", n)
	}
	ctx := context.Background()
	u, err := f.store.UnfinishedOutbox(ctx, 10)
	if err != nil || u.Count != 1 || len(u.Messages) != 1 || u.Messages[0].ID != f.id ||
		!strings.Contains(u.Messages[0].LastError, "adresse refusée") {
		t.Fatalf("unfinished = %+v, %v", u, err)
	}
	if n, err := f.store.PurgeRelayedOutbox(ctx, time.Now().Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("purge = %d, %v; want the unfinished row kept", n, err)
	}
}

// The worker records the end of a task: in the email's own transaction for
// a task that ends with its email, after the handler for the others; a
// failed task stays unfinished.
func TestWorkerRecordsTheEndOfTasks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	ids := addMessages(t, f.store, 2)
	done := func(id int64) bool {
		m, err := f.store.OutboxMessageByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return m.DoneAt != nil
	}
	payload := []byte(`{"to":"candidat@example.org"}`)
	f.smtp.RejectNext(451)
	if err := f.runTask(vivier.TaskTestEmail, jobs.OutboxTaskID(ids[0]), payload); err == nil {
		t.Fatal("the refused email reported success")
	}
	if done(ids[0]) {
		t.Fatal("a failed task is marked done")
	}
	if err := f.runTask(vivier.TaskTestEmail, jobs.OutboxTaskID(ids[0]), payload); err != nil {
		t.Fatal(err)
	}
	if !done(ids[0]) || done(ids[1]) {
		t.Fatalf("after the email: row %d done %v, row %d done %v", ids[0], done(ids[0]), ids[1], done(ids[1]))
	}

	// The email's transaction alone marks the row: the record and the
	// end commit together.
	rec := &vivier.SentEmail{MessageKey: "k:" + jobs.OutboxTaskID(ids[1]), Template: "test", Recipient: "x@example.org"}
	end := vivier.WithTaskEnd(ctx, ids[1], vivier.EmailStep(rec.MessageKey))
	if _, err := f.store.SendOnce(end, rec, func() (string, error) { return "", errors.New("refused") }); err == nil || done(ids[1]) {
		t.Fatalf("a failed send: %v, row done %v; want an error and the row not done", err, done(ids[1]))
	}
	other := vivier.WithTaskEnd(ctx, ids[1], vivier.EmailStep("another email"))
	if _, err := f.store.SendOnce(other, rec, func() (string, error) { return "id", nil }); err != nil || done(ids[1]) {
		t.Fatalf("an email that does not end the task: %v, row done %v", err, done(ids[1]))
	}
	rec.MessageKey += ":2"
	end = vivier.WithTaskEnd(ctx, ids[1], vivier.EmailStep(rec.MessageKey))
	if _, err := f.store.SendOnce(end, rec, func() (string, error) { return "id", nil }); err != nil || !done(ids[1]) {
		t.Fatalf("the email that ends the task: %v, row done %v", err, done(ids[1]))
	}
}
