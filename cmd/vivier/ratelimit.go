package main

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"vivier"
	"vivier/templates"
)

// redisLimiter is vivier.Limiter on Redis, so that every instance sees the
// same counts: a fixed window per key (one atomic script per attempt), so
// that past the limit everything is refused until the window ends, which is
// what a lock-out means. When Redis is slow or down, the process counts on
// its own (localLimiter) rather than let attempts through: a sign-in must
// neither hang on the limiter nor lose its protection, and the outage shows
// on /readyz and in the logs.
type redisLimiter struct {
	rdb   *redis.Client
	log   *slog.Logger
	local *localLimiter
	// Until then, Redis is not asked: after a failure the fallback answers
	// alone for a while, so that a dead Redis does not add its timeout to
	// every request.
	downUntil atomic.Int64
}

// redisRetryAfter is how long the fallback answers alone after Redis failed.
const redisRetryAfter = 5 * time.Second

func newRedisLimiter(rdb *redis.Client, log *slog.Logger) *redisLimiter {
	return &redisLimiter{rdb: rdb, log: log, local: newLocalLimiter(localMaxKeys)}
}

// countScript counts an attempt and returns the count and the time left in
// the window, in milliseconds.
var countScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`)

func (l *redisLimiter) Allow(ctx context.Context, key string, rate int, period time.Duration) (bool, time.Duration, error) {
	q, err := l.Take(ctx, key, rate, period)
	if q.Allowed {
		return true, 0, err
	}
	return false, q.Reset, err
}

// Take counts a request like Allow and tells what remains of the quota.
func (l *redisLimiter) Take(ctx context.Context, key string, rate int, period time.Duration) (vivier.Quota, error) {
	if time.Now().UnixNano() < l.downUntil.Load() {
		return l.local.take(key, rate, period), nil
	}
	ctx, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	res, err := countScript.Run(ctx, l.rdb, []string{"vivier:rl:" + key}, period.Milliseconds()).Int64Slice()
	if err != nil || len(res) != 2 {
		l.down(ctx, err)
		return l.local.take(key, rate, period), nil
	}
	return vivier.Quota{Allowed: res[0] <= int64(rate), Limit: rate, Remaining: max(0, rate-int(res[0])),
		Reset: time.Duration(res[1]) * time.Millisecond}, nil
}

// Reset forgets the key's attempts in Redis and in the process.
func (l *redisLimiter) Reset(ctx context.Context, key string) error {
	l.local.reset(key)
	ctx, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	if err := l.rdb.Del(ctx, "vivier:rl:"+key).Err(); err != nil {
		return fmt.Errorf("rate limiter: reset: %w", err)
	}
	return nil
}

// down switches to the per-process counts for a while, with one log line.
func (l *redisLimiter) down(ctx context.Context, err error) {
	until := time.Now().Add(redisRetryAfter).UnixNano()
	if prev := l.downUntil.Load(); l.downUntil.CompareAndSwap(prev, until) && prev < time.Now().UnixNano() {
		l.log.WarnContext(ctx, "rate limiter: Redis unavailable, counting within this process", "err", err)
	}
}

// limitByIP allows rate requests per minute and client address on the routes
// it guards.
func limitByIP(l vivier.Limiter, name string, rate int) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ok, retry, err := l.Allow(c.UserContext(), name+":ip:"+templates.ClientIP(c), rate, time.Minute)
		if err != nil {
			return err
		}
		if !ok {
			return templates.TooMany(c, retry, "Trop de tentatives en peu de temps. Patientez une minute avant de réessayer.")
		}
		return c.Next()
	}
}
