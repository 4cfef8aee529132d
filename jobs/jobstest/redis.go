// Package jobstest gives tests the real services of the worker: a Redis
// database of their own on the server `make test` starts (TEST_REDIS_URL), an
// Asynq inspector on it, and an in-process SMTP server that captures what is
// sent through a real SMTP conversation. A missing Redis fails the test.
package jobstest

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Redis databases 1 to 15 are lent to tests, one at a time each; database 0
// is left to `make run`. A lease is a key in database 0 that expires, so a
// crashed test binary frees its database within a few minutes.
const leaseTTL = 10 * time.Minute

// Redis returns the connection options of an empty Redis database that is
// this test's alone until it ends.
func Redis(t testing.TB) asynq.RedisClientOpt {
	t.Helper()
	raw := os.Getenv("TEST_REDIS_URL")
	if raw == "" {
		t.Fatal("TEST_REDIS_URL is not set: run the tests with `make test`, which starts Redis")
	}
	opt, err := redis.ParseURL(raw)
	if err != nil {
		t.Fatalf("TEST_REDIS_URL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := redis.NewClient(&redis.Options{Addr: opt.Addr, Username: opt.Username, Password: opt.Password, DB: 0})
	defer Close(t, base)
	if err := base.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer: %v", opt.Addr, err)
	}
	token := strconv.FormatInt(time.Now().UnixNano(), 36) + strconv.Itoa(os.Getpid())
	for {
		for db := 1; db <= 15; db++ {
			key := fmt.Sprintf("vivier:test:lease:%d", db)
			ok, err := base.SetNX(ctx, key, token, leaseTTL).Result()
			if err != nil {
				t.Fatalf("Redis lease: %v", err)
			}
			if !ok {
				continue
			}
			c := redis.NewClient(&redis.Options{Addr: opt.Addr, Username: opt.Username, Password: opt.Password, DB: db})
			err = c.FlushDB(ctx).Err()
			Close(t, c)
			if err != nil {
				t.Fatalf("Redis flush: %v", err)
			}
			t.Cleanup(func() { release(t, opt, db, key, token) })
			renew(t, opt, key, token)
			return asynq.RedisClientOpt{Addr: opt.Addr, Username: opt.Username, Password: opt.Password, DB: db}
		}
		select {
		case <-ctx.Done():
			t.Fatal("no free Redis test database for two minutes")
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// renew keeps the lease while the test runs: a test or benchmark longer
// than leaseTTL would otherwise share its database with the next test that
// takes it, each worker running the other's tasks.
func renew(t testing.TB, opt *redis.Options, key, token string) {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		c := redis.NewClient(&redis.Options{Addr: opt.Addr, Username: opt.Username, Password: opt.Password, DB: 0})
		defer func() { _ = c.Close() }() // the lease outlives a failure to close
		tick := time.NewTicker(leaseTTL / 4)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			ctx := context.Background()
			if holder, err := c.Get(ctx, key).Result(); err == nil && holder == token {
				c.Expire(ctx, key, leaseTTL) // a failure leaves the lease to its TTL
			}
		}
	}()
	t.Cleanup(func() { close(stop); <-done })
}

// release empties the database and ends the lease, unless it expired and
// another test holds it now.
func release(t testing.TB, opt *redis.Options, db int, key, token string) {
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: opt.Addr, Username: opt.Username, Password: opt.Password, DB: db})
	defer Close(t, c)
	base := redis.NewClient(&redis.Options{Addr: opt.Addr, Username: opt.Username, Password: opt.Password, DB: 0})
	defer Close(t, base)
	holder, err := base.Get(ctx, key).Result()
	if err == redis.Nil || (err == nil && holder != token) {
		return
	}
	if err == nil {
		err = c.FlushDB(ctx).Err()
	}
	if err == nil {
		err = base.Del(ctx, key).Err()
	}
	if err != nil {
		t.Errorf("Redis lease %s: %v", key, err)
	}
}

// URL returns opt as a redis:// URL, for code configured by URL.
func URL(opt asynq.RedisClientOpt) string {
	return fmt.Sprintf("redis://%s/%d", opt.Addr, opt.DB)
}

// Inspector returns an Asynq inspector on opt, closed when the test ends.
func Inspector(t testing.TB, opt asynq.RedisClientOpt) *asynq.Inspector {
	in := asynq.NewInspector(opt)
	t.Cleanup(func() { Close(t, in) })
	return in
}

// Client returns an Asynq client on opt, closed when the test ends.
func Client(t testing.TB, opt asynq.RedisClientOpt) *asynq.Client {
	c := asynq.NewClient(opt)
	t.Cleanup(func() { Close(t, c) })
	return c
}

// Close closes c and fails the test if that fails: for the clients and
// servers a test opens, in t.Cleanup or defer.
func Close(t testing.TB, c io.Closer) {
	t.Helper()
	if err := c.Close(); err != nil {
		t.Errorf("close %T: %v", c, err)
	}
}
