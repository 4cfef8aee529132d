package jobs_test

import (
	"context"
	"testing"

	"github.com/hibiken/asynq"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
)

func addMessages(t *testing.T, s *vivier.Store, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		m, err := jobs.NewTestEmail("candidat@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddOutbox(context.Background(), &m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	return ids
}

func TestRelayEnqueuesEachRowAsOneTask(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := vivier.NewStore(dbtest.New(t))
	redis := jobstest.Redis(t)
	client := jobstest.Client(t, redis)
	ids := addMessages(t, s, 5)

	n, err := jobs.NewRelay(s, client, 100).RunOnce(ctx)
	if err != nil || n != 5 {
		t.Fatalf("RunOnce = %d, %v; want 5", n, err)
	}
	in := jobstest.Inspector(t, redis)
	tasks, err := in.ListPendingTasks(jobs.QueueCritical)
	if err != nil || len(tasks) != 5 {
		t.Fatalf("pending tasks = %d, %v; want 5", len(tasks), err)
	}
	if _, err := in.GetTaskInfo(jobs.QueueCritical, jobs.OutboxTaskID(ids[0])); err != nil {
		t.Fatalf("task of outbox row %d: %v", ids[0], err)
	}
	if n, err := jobs.NewRelay(s, client, 100).RunOnce(ctx); err != nil || n != 0 {
		t.Fatalf("second pass relayed %d rows, %v; want 0", n, err)
	}
}

// A relay that dies after Redis took the task but before PostgreSQL marked
// the row: the row is relayed again, and Redis still holds exactly one task.
func TestRelayCrashBetweenEnqueueAndMark(t *testing.T) {
	t.Parallel()
	s := vivier.NewStore(dbtest.New(t))
	redis := jobstest.Redis(t)
	client := jobstest.Client(t, redis)
	ids := addMessages(t, s, 1)

	crashing := jobs.NewRelay(s, client, 100)
	ctx, crash := context.WithCancel(context.Background())
	crashing.SetAfterEnqueue(func(vivier.OutboxMessage) { crash() })
	if _, err := crashing.RunOnce(ctx); err == nil {
		t.Fatal("the crashed pass reported success")
	}
	m, err := s.OutboxMessageByID(context.Background(), ids[0])
	if err != nil || m.RelayedAt != nil {
		t.Fatalf("after the crash the row is %+v, %v; want still pending", m, err)
	}

	n, err := jobs.NewRelay(s, client, 100).RunOnce(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("pass after the crash = %d, %v; want 1", n, err)
	}
	in := jobstest.Inspector(t, redis)
	tasks, err := in.ListPendingTasks(jobs.QueueCritical)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("pending tasks = %d, %v; want exactly 1", len(tasks), err)
	}
	if m, err := s.OutboxMessageByID(context.Background(), ids[0]); err != nil || m.RelayedAt == nil {
		t.Fatalf("the row is still pending after the second pass: %+v, %v", m, err)
	}
}

// With Redis unreachable the rows wait, with the error recorded; nothing is
// lost.
func TestRelayWithRedisDown(t *testing.T) {
	t.Parallel()
	s := vivier.NewStore(dbtest.New(t))
	client := jobstest.Client(t, asynq.RedisClientOpt{Addr: "127.0.0.1:1"})
	ids := addMessages(t, s, 2)
	n, err := jobs.NewRelay(s, client, 100).RunOnce(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("RunOnce with Redis down = %d, %v; want 0, nil", n, err)
	}
	m, err := s.OutboxMessageByID(context.Background(), ids[0])
	if err != nil || m.RelayedAt != nil || m.Attempts != 1 || m.LastError == "" {
		t.Fatalf("row after a failed pass = %+v, %v", m, err)
	}
	if backlog, _, err := s.OutboxBacklog(context.Background()); err != nil || backlog != 2 {
		t.Fatalf("backlog = %d, %v; want 2", backlog, err)
	}
}
