package main

import (
	"testing"
	"time"
)

func TestLocalLimiter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	l := newLocalLimiter(3)
	l.now = func() time.Time { return now }
	for i := 0; i < 10; i++ {
		if q := l.take("a", 10, 15*time.Minute); !q.Allowed {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	q := l.take("a", 10, 15*time.Minute)
	if q.Allowed || q.Reset <= 0 || q.Reset > 90*time.Second {
		t.Fatalf("11th attempt: %+v, want refused until the next token (90 s)", q)
	}
	// Refused attempts do not push the next allowed one further.
	for i := 0; i < 5; i++ {
		l.take("a", 10, 15*time.Minute)
	}
	now = now.Add(90 * time.Second)
	if q := l.take("a", 10, 15*time.Minute); !q.Allowed {
		t.Fatalf("after 90 s: %+v", q)
	}
	if q := l.take("b", 10, 15*time.Minute); !q.Allowed {
		t.Fatal("another key is counted apart")
	}
	l.reset("a")
	if q := l.take("a", 10, 15*time.Minute); !q.Allowed || q.Remaining != 9 {
		t.Fatalf("after a reset: %+v", q)
	}
	// Full: a new key is refused rather than an old one forgotten, until
	// the buckets refill and are swept.
	l.take("c", 10, 15*time.Minute)
	if q := l.take("d", 10, 15*time.Minute); q.Allowed {
		t.Fatal("a new key past the bound was allowed")
	}
	now = now.Add(16 * time.Minute)
	if q := l.take("d", 10, 15*time.Minute); !q.Allowed || len(l.buckets) != 1 {
		t.Fatalf("after the sweep: %+v, %d buckets", q, len(l.buckets))
	}
}
