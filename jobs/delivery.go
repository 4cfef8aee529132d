package jobs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"vivier"
)

// deliver hands an email to the SMTP server within the provider's rate
// limit, and records a permanent refusal as a bounce of rec's recipient
// (the address the records show: an erasure's confirmation keeps none).
func (w *Worker) deliver(ctx context.Context, o Outgoing, rec *vivier.SentEmail) (string, error) {
	if w.limiter != nil {
		if err := w.limiter.Wait(ctx); err != nil {
			return "", err
		}
	}
	id, err := w.mailer.Send(ctx, o)
	var bounce *BounceError
	if errors.As(err, &bounce) {
		b := &vivier.EmailBounce{Recipient: rec.Recipient, Code: bounce.Code, Message: bounce.Message,
			Template: rec.Template, AdministrationID: rec.AdministrationID}
		if rerr := w.store.RecordBounce(context.WithoutCancel(ctx), b); rerr != nil {
			w.log.WarnContext(ctx, "bounce not recorded", "err", rerr)
		}
		w.log.WarnContext(ctx, "email refused", "template", rec.Template, "code", bounce.Code)
	}
	return id, err
}

// sendLimiter spaces the emails of every worker process so that together
// they stay within the SMTP provider's limit. The limit is the provider
// account's, not a process's: the count lives in Redis, which every worker
// shares, so adding workers does not multiply the rate.
//
// It counts per calendar second (INCR on a key that expires): simple and
// one round trip per email. Its flaw, a burst of up to twice the limit
// across the boundary of two seconds, is within what providers tolerate,
// whose own limits are averaged over a second or more.
type sendLimiter struct {
	rdb   redis.UniversalClient
	limit int64
	now   func() time.Time
}

func newSendLimiter(opt asynq.RedisConnOpt, perSecond int) (*sendLimiter, error) {
	rdb, ok := opt.MakeRedisClient().(redis.UniversalClient)
	if !ok {
		return nil, fmt.Errorf("jobs: rate limit: not a Redis client")
	}
	return &sendLimiter{rdb: rdb, limit: int64(perSecond), now: time.Now}, nil
}

// Wait returns once this process may send one email.
func (l *sendLimiter) Wait(ctx context.Context) error {
	for {
		now := l.now()
		key := "vivier:smtp:rate:" + strconv.FormatInt(now.Unix(), 10)
		pipe := l.rdb.TxPipeline()
		incr := pipe.Incr(ctx, key)
		pipe.Expire(ctx, key, 2*time.Second)
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("jobs: rate limit: %w", err)
		}
		if incr.Val() <= l.limit {
			return nil
		}
		// Full: wait for the next second, spread a little so that the
		// waiting workers do not all ask at the same instant.
		next := now.Truncate(time.Second).Add(time.Second + time.Duration(rand.Int64N(int64(20*time.Millisecond))))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Until(next)):
		}
	}
}

func (l *sendLimiter) Close() error { return l.rdb.Close() }

// retryDelay is the wait before the n-th retry of a failed task:
// exponential, from 10 seconds to at most an hour, with jitter so that the
// tasks a provider outage failed together do not come back together. With
// the relay's MaxRetry(12), a task keeps trying for about seven hours.
func retryDelay(n int, _ error, _ *asynq.Task) time.Duration {
	if n > 12 {
		n = 12
	}
	d := 10 * time.Second << n
	if d > time.Hour {
		d = time.Hour
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)))
}
