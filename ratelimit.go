package vivier

import (
	"context"
	"time"
)

// Limiter counts attempts per key (an IP address, an account) and says
// whether one more is allowed. Implementations share their counts between
// instances (Redis in production); without Redis they still count, within
// the process, rather than let everything through.
type Limiter interface {
	// Allow records an attempt for key and reports whether it is within
	// rate per period; when not, retryAfter says when to try again.
	Allow(ctx context.Context, key string, rate int, period time.Duration) (ok bool, retryAfter time.Duration, err error)
	// Reset forgets the attempts counted for key, as when the owner of a
	// locked account proves who they are by choosing a new password.
	Reset(ctx context.Context, key string) error
}

// Quota is the state of a rate limit once a request is counted.
type Quota struct {
	Allowed   bool
	Limit     int
	Remaining int
	Reset     time.Duration // until the window ends and the count starts again
}

// QuotaLimiter is a Limiter that also tells what remains, for an API that
// announces it to its callers (RateLimit-* headers).
type QuotaLimiter interface {
	Take(ctx context.Context, key string, rate int, period time.Duration) (Quota, error)
}
