package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"vivier"
)

// Redelivery hands Redis again the tasks it lost. Redis is where tasks wait
// and retry, but it may lose its memory (a restart without persistence, a
// failover to a replica that lagged: Redis replicates asynchronously), and
// with it every task not yet done. The outbox row stays until its task is
// done (vivier.MarkOutboxDone), so a row relayed long ago and still not done
// is asked about: Redis has its task (waiting, running, retrying, failed for
// good: nothing to do), or finished it without the end being recorded (a
// crash in between: recorded now), or has lost it (enqueued again).
//
// The task is enqueued again under the same id, which Redis refuses while it
// holds the task in any state, finished ones included for taskRetention: a
// task still there is never doubled. The handlers are idempotent, so a task
// run twice (Redis lost it while it ran) does its work once.
type Redelivery struct {
	store     *vivier.Store
	rdb       redis.UniversalClient
	inspector *asynq.Inspector
	after     time.Duration
	batch     int
}

// NewRedelivery returns a sweep of the rows relayed at least after ago and
// not done, up to batch rows per pass.
func NewRedelivery(store *vivier.Store, opt asynq.RedisConnOpt, after time.Duration, batch int) (*Redelivery, error) {
	rdb, ok := opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, errors.New("jobs: redelivery: not a Redis client")
	}
	return &Redelivery{store: store, rdb: rdb, inspector: asynq.NewInspectorFromRedisClient(rdb), after: after, batch: batch}, nil
}

// Close releases the connection to Redis (the inspector and the clients
// share it).
func (r *Redelivery) Close() error { return r.rdb.Close() }

// RunOnce looks at one batch of rows relayed but not done.
func (r *Redelivery) RunOnce(ctx context.Context) (vivier.SweepCounts, error) {
	// A client of this pass only: an Asynq client registers a queue in
	// Redis's list of queues the first time it uses it, then never again,
	// so a long-lived one would not register them again after Redis lost
	// them, and the queues would be missing from the inspector (metrics,
	// failed tasks, monitor).
	client := asynq.NewClientFromRedisClient(r.rdb)
	return r.store.SweepOutbox(ctx, r.batch, r.after, func(m vivier.OutboxMessage) (vivier.OutboxCheck, string, error) {
		id := OutboxTaskID(m.ID)
		_, err := client.EnqueueContext(ctx, asynq.NewTask(m.TaskType, m.Payload), outboxTaskOptions(m)...)
		if err == nil {
			return vivier.OutboxRequeued, "tâche perdue par Redis : remise en file", nil
		}
		if !errors.Is(err, asynq.ErrTaskIDConflict) {
			return 0, "", fmt.Errorf("enqueue %s: %w", m.TaskType, err)
		}
		info, err := r.inspector.GetTaskInfo(m.Queue, id)
		if errors.Is(err, asynq.ErrTaskNotFound) {
			// Gone between the two calls (its retention ended): the
			// next pass enqueues it.
			return vivier.OutboxWaiting, "", nil
		}
		if err != nil {
			return 0, "", err
		}
		switch info.State {
		case asynq.TaskStateCompleted:
			return vivier.OutboxDone, "", nil
		case asynq.TaskStateArchived, asynq.TaskStateRetry:
			return vivier.OutboxWaiting, info.LastErr, nil
		}
		return vivier.OutboxWaiting, "", nil
	})
}

// Run sweeps until stop is closed: a pass every interval, at once again
// while passes come back full.
func (r *Redelivery) Run(stop <-chan struct{}, interval time.Duration, log *slog.Logger) {
	passes(stop, interval, func(ctx context.Context) bool {
		c, err := r.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			log.Warn("outbox redelivery", "err", err)
		}
		if c.Requeued > 0 {
			log.Warn("outbox tasks lost by Redis, enqueued again", "count", c.Requeued)
		}
		if c.Done > 0 {
			log.Info("outbox tasks found finished in Redis", "count", c.Done)
		}
		return err == nil && c.Waiting+c.Done+c.Requeued == r.batch
	})
}
