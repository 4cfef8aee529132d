package policies

import (
	"context"
	"log/slog"
	"time"

	"github.com/lib/pq"
)

// Channel is the PostgreSQL notification channel that migrations' triggers
// fire when role assignments or the administration tree change.
const Channel = "vivier_policies"

// Listen reloads the enforcer on each notification until ctx ends. After a
// lost connection it reloads too, since notifications may have been missed.
// It returns once listening has started.
func (e *Enforcer) Listen(ctx context.Context, dsn string, log *slog.Logger) error {
	l := pq.NewListener(dsn, 100*time.Millisecond, 10*time.Second, func(ev pq.ListenerEventType, err error) {
		if err != nil {
			log.Warn("policies listener", "event", ev, "err", err)
		}
	})
	if err := l.Listen(Channel); err != nil {
		_ = l.Close() // the error of Listen is the one worth returning
		return err
	}
	go func() {
		defer func() {
			if err := l.Close(); err != nil {
				log.Warn("policies listener close", "err", err)
			}
		}()
		var timer <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case <-l.Notify: // a nil notification means a reconnection: reload too
				if timer == nil {
					timer = time.After(reloadDelay)
				}
			case <-timer:
				timer = nil
				rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				if err := e.Reload(rctx); err != nil && ctx.Err() == nil {
					log.Error("policies reload: trying again in a second", "err", err)
					timer = time.After(time.Second)
				}
				cancel()
			case <-time.After(90 * time.Second):
				_ = l.Ping() // keeps the connection known to be alive
			}
		}
	}()
	return nil
}
