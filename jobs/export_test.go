package jobs

import (
	"context"

	"vivier"
)

// SetAfterEnqueue lets tests crash the relay between enqueue and mark.
func (r *Relay) SetAfterEnqueue(f func(vivier.OutboxMessage)) { r.afterEnqueue = f }

// WithTaskID gives a handler run outside an Asynq server its task id.
func WithTaskID(id string) context.Context {
	return context.WithValue(context.Background(), taskIDKey{}, id)
}
