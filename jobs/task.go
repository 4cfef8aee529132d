package jobs

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hibiken/asynq"

	"vivier"
)

// How a task of the outbox is run. handle does for every task what each
// handler would otherwise begin and end with:
//   - the payload is decoded and checked (its Valid method): a bad one is
//     not retried, since no retry can mend it;
//   - vivier.ENOTFOUND from the handler ends the task as done: what it was
//     about is gone (erased, withdrawn, replaced meanwhile), and a retry
//     would find it gone again;
//   - any other error goes back to Asynq, which retries with its backoff;
//   - a success marks the outbox row done, once: by the transaction of the
//     task's last step when it has one (endsWithEmail, endWith), else after
//     the handler.

// payload is what a task carries; Valid says whether a decoded one holds
// what its handler needs.
type payload interface{ Valid() bool }

// taskMux registers the handlers of the worker's tasks.
type taskMux struct {
	*asynq.ServeMux
	w *Worker
}

// running is the task a handler runs, as handle puts it in its context.
type running struct {
	name  string
	id    string // the outbox row's for relayed work, stable across retries
	row   int64  // the outbox row, 0 for work not relayed from the outbox
	step  string // the step whose transaction marks the row done, if any
	ended bool   // that step's transaction committed
}

type runningKey struct{}

func runningOf(ctx context.Context) *running {
	r, _ := ctx.Value(runningKey{}).(*running)
	return r
}

// handle registers h for the task name.
func handle[P payload](m taskMux, name string, h func(ctx context.Context, p P) error) {
	m.HandleFunc(name, func(ctx context.Context, t *asynq.Task) error {
		var p P
		if err := json.Unmarshal(t.Payload(), &p); err != nil || !p.Valid() {
			return fmt.Errorf("%s: bad payload: %v: %w", name, err, asynq.SkipRetry)
		}
		r := &running{name: name, id: taskID(ctx)}
		r.row, _ = outboxRowID(r.id)
		err := h(context.WithValue(ctx, runningKey{}, r), p)
		if vivier.ErrorCode(err) == vivier.ENOTFOUND {
			m.w.log.DebugContext(ctx, "task done: what it was about is gone", "task", name, "task_id", r.id, "err", err)
			err = nil
		}
		if err != nil || r.row == 0 || r.ended {
			return err
		}
		// A failure to record the end is only logged: the work is done, and
		// the redelivery finds the task completed in Redis and records it.
		if err := m.w.store.MarkOutboxDone(context.WithoutCancel(ctx), r.row); err != nil {
			m.w.log.WarnContext(ctx, "end of task not recorded", "task", name, "outbox", r.row, "err", err)
		}
		return nil
	})
}

// runningID is the running task's id. A task run without one (by hand,
// outside Asynq) is skipped: its keys would not hold across retries.
func runningID(ctx context.Context) (string, error) {
	r := runningOf(ctx)
	if r == nil || r.id == "" {
		name := ""
		if r != nil {
			name = r.name
		}
		return "", fmt.Errorf("%s: no task id: %w", name, asynq.SkipRetry)
	}
	return r.id, nil
}

// taskKey is the running task's own key, its name and id: the message key
// of the one email a task sends, the same at each retry.
func taskKey(ctx context.Context) (string, error) {
	id, err := runningID(ctx)
	if err != nil {
		return "", err
	}
	return runningOf(ctx).name + ":" + id, nil
}

// endWith says that the running task ends with step: the transaction that
// takes it marks the outbox row done too, so that no crash can fall between
// the work and the record of its end. The code that takes the step calls
// stepTaken once its transaction committed.
func endWith(ctx context.Context, step string) context.Context {
	r := runningOf(ctx)
	if r == nil || r.row == 0 {
		return ctx
	}
	r.step = step
	return vivier.WithTaskEnd(ctx, r.row, step)
}

// stepTaken records that step committed; the row is done if the task ends
// with it.
func stepTaken(ctx context.Context, step string) {
	if r := runningOf(ctx); r != nil && r.step != "" && r.step == step {
		r.ended = true
	}
}

// endsWithEmail wraps a handler whose last step is the one email it sends
// under the task's own key (taskKey). Handlers that send several emails, or
// do more after theirs, are marked done after they return.
func endsWithEmail[P any](h func(context.Context, P) error) func(context.Context, P) error {
	return func(ctx context.Context, p P) error {
		if key, err := taskKey(ctx); err == nil {
			ctx = endWith(ctx, vivier.EmailStep(key))
		}
		return h(ctx, p)
	}
}

// sendOnce is Store.SendOnce for the worker: it tells the running task when
// the email that ends it is recorded (sent now or by an earlier attempt).
func (w *Worker) sendOnce(ctx context.Context, rec *vivier.SentEmail, send func() (string, error)) (bool, error) {
	sent, err := w.store.SendOnce(ctx, rec, send)
	if err == nil {
		stepTaken(ctx, vivier.EmailStep(rec.MessageKey))
	}
	return sent, err
}
