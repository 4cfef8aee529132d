package main

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"vivier"
)

// localLimiter counts attempts within this process, with a token bucket per
// key (golang.org/x/time/rate): rate attempts at once, then one more every
// period/rate. It stands in for Redis while Redis does not answer, so that a
// sign-in or a heavy route is never left unlimited. Its counts are not shared
// between instances: with n instances behind a load balancer, an attacker
// gets at most n times the limit during the outage.
type localLimiter struct {
	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	maxKeys   int
	lastSweep time.Time
	now       func() time.Time
}

// localMaxKeys bounds the memory of the fallback (a bucket is about 100
// bytes): past it, new keys are refused until buckets refill and are swept,
// since forgetting a key would let its attempts start again.
const localMaxKeys = 200_000

func newLocalLimiter(maxKeys int) *localLimiter {
	return &localLimiter{buckets: map[string]*rate.Limiter{}, maxKeys: maxKeys, now: time.Now}
}

// take counts an attempt for key and returns the bucket's state once counted.
func (l *localLimiter) take(key string, n int, period time.Duration) vivier.Quota {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute || len(l.buckets) >= l.maxKeys {
		l.sweep(now)
	}
	b := l.buckets[key]
	if b == nil {
		if len(l.buckets) >= l.maxKeys {
			return vivier.Quota{Limit: n, Reset: period}
		}
		b = rate.NewLimiter(rate.Every(period/time.Duration(n)), n)
		l.buckets[key] = b
	}
	r := b.ReserveN(now, 1)
	if wait := r.DelayFrom(now); wait > 0 {
		r.CancelAt(now) // a refused attempt does not delay the next allowed one further
		return vivier.Quota{Limit: n, Reset: wait}
	}
	tokens := b.TokensAt(now)
	return vivier.Quota{Allowed: true, Limit: n, Remaining: int(tokens),
		Reset: time.Duration((float64(n) - tokens) * float64(period) / float64(n))}
}

// sweep drops the buckets that are full again: they say no more than a new
// one would. At most once a minute, unless the map is full.
func (l *localLimiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Second {
		return
	}
	l.lastSweep = now
	for k, b := range l.buckets {
		if b.TokensAt(now) >= float64(b.Burst()) {
			delete(l.buckets, k)
		}
	}
}

func (l *localLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, key)
}
