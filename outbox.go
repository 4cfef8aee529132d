package vivier

import (
	"encoding/json"
	"fmt"
	"time"
)

// OutboxMessage is work that a change must trigger (an email, an export). It
// is written in the same transaction as the change, so the work cannot be lost
// nor happen for a change that was rolled back; the worker relays it to Asynq.
type OutboxMessage struct {
	ID               int64           `db:"id"`
	TaskType         string          `db:"task_type"`
	Queue            string          `db:"queue"`
	Payload          json.RawMessage `db:"payload"`
	AdministrationID *int64          `db:"administration_id"`
	CreatedAt        time.Time       `db:"created_at"`
	RelayedAt        *time.Time      `db:"relayed_at"`
	Attempts         int             `db:"attempts"`
	LastError        string          `db:"last_error"`
	DoneAt           *time.Time      `db:"done_at"` // when its task finished; until then the row may be relayed again
}

const outboxColumns = `id, task_type, queue, payload, administration_id, created_at, relayed_at, attempts, last_error, done_at`

// NewOutboxMessage builds a message whose payload is v encoded as JSON.
func NewOutboxMessage(taskType, queue string, v any) (OutboxMessage, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return OutboxMessage{}, fmt.Errorf("NewOutboxMessage(%s): %w", taskType, err)
	}
	if queue == "" {
		queue = "default"
	}
	return OutboxMessage{TaskType: taskType, Queue: queue, Payload: b}, nil
}
