package main

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"vivier"
	"vivier/templates"
)

// redisLimiter is vivier.Limiter on Redis, so that every instance sees the
// same counts: a fixed window per key (one atomic script per attempt), so
// that past the limit everything is refused until the window ends, which is
// what a lock-out means. When Redis is slow or down it fails open after a
// short wait: a sign-in must not hang on the limiter, and the outage shows on
// /readyz and in the logs.
type redisLimiter struct {
	rdb *redis.Client
	log *slog.Logger
}

func newRedisLimiter(rdb *redis.Client, log *slog.Logger) *redisLimiter {
	return &redisLimiter{rdb: rdb, log: log}
}

// countScript counts an attempt and returns the count and the time left in
// the window, in milliseconds.
var countScript = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`)

func (l *redisLimiter) Allow(ctx context.Context, key string, rate int, period time.Duration) (bool, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	res, err := countScript.Run(ctx, l.rdb, []string{"vivier:rl:" + key}, period.Milliseconds()).Int64Slice()
	if err != nil || len(res) != 2 {
		l.log.WarnContext(ctx, "rate limiter unavailable: not limiting", "err", err)
		return true, 0, nil
	}
	return res[0] <= int64(rate), time.Duration(res[1]) * time.Millisecond, nil
}

// Take counts a request like Allow and tells what remains of the quota.
func (l *redisLimiter) Take(ctx context.Context, key string, rate int, period time.Duration) (vivier.Quota, error) {
	ctx, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	res, err := countScript.Run(ctx, l.rdb, []string{"vivier:rl:" + key}, period.Milliseconds()).Int64Slice()
	if err != nil || len(res) != 2 {
		l.log.WarnContext(ctx, "rate limiter unavailable: not limiting", "err", err)
		return vivier.Quota{Allowed: true, Limit: rate, Remaining: rate, Reset: period}, nil
	}
	return vivier.Quota{Allowed: res[0] <= int64(rate), Limit: rate, Remaining: max(0, rate-int(res[0])),
		Reset: time.Duration(res[1]) * time.Millisecond}, nil
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
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(retry.Seconds())+1))
			return vivier.Errorf(vivier.ETOOMANY, "Trop de tentatives en peu de temps. Patientez une minute avant de réessayer.")
		}
		return c.Next()
	}
}
