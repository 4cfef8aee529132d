package vivier

import (
	"context"
	"time"
)

type taskEndKey struct{}

type taskEnd struct {
	id   int64
	step string
}

// StepSIRHBatch is the step that ends a hire's SIRH task: its batch made.
const StepSIRHBatch = "sirh:batch"

// EmailStep is the step of sending the email recorded under key.
func EmailStep(key string) string { return "email:" + key }

// WithTaskEnd says that the task of outbox message id ends with step: the
// transaction that takes the step marks the message done, so that the work
// and the record of its end commit together, with no window for a crash
// between them.
func WithTaskEnd(ctx context.Context, id int64, step string) context.Context {
	return context.WithValue(ctx, taskEndKey{}, taskEnd{id: id, step: step})
}

// OutboxCheck is what became of a relayed message's task, as Redis tells.
type OutboxCheck int

const (
	OutboxWaiting  OutboxCheck = iota // still in Redis: pending, running, retrying or failed for good
	OutboxDone                        // finished, but the end was not recorded (a crash in between)
	OutboxRequeued                    // lost by Redis, and handed to it again
)

// SweepCounts says what a sweep found.
type SweepCounts struct{ Waiting, Done, Requeued int }

// OutboxUnfinished is the work handed to Redis and not done yet.
type OutboxUnfinished struct {
	Count    int
	Oldest   time.Duration   // since the oldest of them was relayed
	Messages []OutboxMessage // the oldest ones, as many as asked
}
