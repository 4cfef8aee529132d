package jobs

import (
	"context"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
)

// SetAfterEnqueue lets tests crash the relay between enqueue and mark.
func (r *Relay) SetAfterEnqueue(f func(vivier.OutboxMessage)) { r.afterEnqueue = f }

// WithTaskID gives a handler run outside an Asynq server its task id.
func WithTaskID(id string) context.Context {
	return context.WithValue(context.Background(), taskIDKey{}, id)
}

// SendLimiter is the SMTP rate limiter, for its test.
type SendLimiter = sendLimiter

// NewSendLimiterAt returns a limiter whose clock is now.
func NewSendLimiterAt(opt asynq.RedisConnOpt, perSecond int, now func() time.Time) (*SendLimiter, error) {
	l, err := newSendLimiter(opt, perSecond)
	if err != nil {
		return nil, err
	}
	l.now = now
	return l, nil
}

// RetryDelay is the retry back-off the server uses.
var RetryDelay = retryDelay

// SetConnIdleFor shortens how long an idle SMTP connection is kept.
func (m *Mailer) SetConnIdleFor(d time.Duration) {
	m.pool.mu.Lock()
	m.pool.idleFor = d
	if m.pool.reaper != nil {
		m.pool.reaper.Reset(d)
	}
	m.pool.mu.Unlock()
}
