package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
)

// Relay moves outbox rows to Asynq. Each row becomes a task whose id is
// "outbox-<row id>": Redis refuses a second task with the same id, so a crash
// between the enqueue and the mark (the row stays pending) leads to one task,
// not two. A relayed row is not finished with: it stays until its task is
// done, and Redelivery hands the task over again if Redis lost it.
type Relay struct {
	store  *vivier.Store
	client *asynq.Client
	batch  int
	// afterEnqueue, when set, runs after each successful enqueue: tests use
	// it to crash the relay between the enqueue and the mark.
	afterEnqueue func(vivier.OutboxMessage)
}

// NewRelay returns a relay that moves up to batch rows per pass.
func NewRelay(store *vivier.Store, client *asynq.Client, batch int) *Relay {
	return &Relay{store: store, client: client, batch: batch}
}

// taskRetention keeps a finished task's id in Redis, so that an outbox row
// relayed twice within this window still yields one task, and so that
// Redelivery can tell a finished task from a lost one (hence the limit of 12
// hours on OUTBOX_REDELIVERY_DELAY).
const taskRetention = 24 * time.Hour

// OutboxTaskID is the Asynq task id of an outbox row.
func OutboxTaskID(id int64) string { return outboxTaskPrefix + strconv.FormatInt(id, 10) }

const outboxTaskPrefix = "outbox-"

// outboxRowID is the outbox row a task came from, if it came from one.
func outboxRowID(taskID string) (int64, bool) {
	s, ok := strings.CutPrefix(taskID, outboxTaskPrefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// outboxTaskOptions are the options of an outbox row's task, the same at
// each hand-over so that Redis knows it by its id.
func outboxTaskOptions(m vivier.OutboxMessage) []asynq.Option {
	return []asynq.Option{asynq.TaskID(OutboxTaskID(m.ID)), asynq.Queue(m.Queue), asynq.Retention(taskRetention), asynq.MaxRetry(12)}
}

// RunOnce relays one batch and returns how many rows it relayed.
func (r *Relay) RunOnce(ctx context.Context) (int, error) {
	return r.store.RelayOutbox(ctx, r.batch, func(m vivier.OutboxMessage) error {
		_, err := r.client.EnqueueContext(ctx, asynq.NewTask(m.TaskType, m.Payload), outboxTaskOptions(m)...)
		if errors.Is(err, asynq.ErrTaskIDConflict) {
			return nil // relayed before a crash: the task is already there
		}
		if err != nil {
			return fmt.Errorf("enqueue %s: %w", m.TaskType, err)
		}
		if r.afterEnqueue != nil {
			r.afterEnqueue(m)
		}
		return nil
	})
}

// Run relays until stop is closed: a pass every interval, at once again while
// batches come back full.
func (r *Relay) Run(stop <-chan struct{}, interval time.Duration, log *slog.Logger) {
	passes(stop, interval, func(ctx context.Context) bool {
		n, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("outbox relay", "err", err)
		}
		return n == r.batch
	})
}

// passes runs pass until stop is closed: once every interval, and at once
// again while it says more is waiting. Its context ends with stop.
func passes(stop <-chan struct{}, interval time.Duration, pass func(context.Context) (more bool)) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-stop; cancel() }()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if pass(ctx) {
			continue
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}
