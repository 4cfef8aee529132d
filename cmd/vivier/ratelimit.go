package main

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"

	"vivier"
	"vivier/templates"
)

// redisLimiter is vivier.Limiter on Redis (GCRA, one atomic script per
// attempt), so that every instance sees the same counts. When Redis is slow
// or down it fails open after a short wait: a sign-in must not hang on the
// limiter, and the outage shows on /readyz and in the logs.
type redisLimiter struct {
	rate *redis_rate.Limiter
	log  *slog.Logger
}

func newRedisLimiter(rdb *redis.Client, log *slog.Logger) *redisLimiter {
	return &redisLimiter{rate: redis_rate.NewLimiter(rdb), log: log}
}

func (l *redisLimiter) Allow(ctx context.Context, key string, rate int, period time.Duration) (bool, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	res, err := l.rate.Allow(ctx, "vivier:rl:"+key, redis_rate.Limit{Rate: rate, Burst: rate, Period: period})
	if err != nil {
		l.log.WarnContext(ctx, "rate limiter unavailable: not limiting", "err", err)
		return true, 0, nil
	}
	return res.Allowed > 0, res.RetryAfter, nil
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
