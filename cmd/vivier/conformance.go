package main

import (
	"context"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// conformance gives every page the site's RGAA state, as the platform
// declared it, for the footer's "Accessibilité : …" (RGAA asks that the
// footer say what the declaration says). It is read at most once a minute,
// so that a page costs no query for it; an edit shows within that minute on
// every instance.
type conformance struct {
	store *vivier.Store
	ttl   time.Duration

	mu     sync.Mutex
	label  string
	readAt time.Time
}

func newConformance(store *vivier.Store) *conformance {
	return &conformance{store: store, ttl: time.Minute, label: vivier.ConformanceNone.Label()}
}

func (x *conformance) current(ctx context.Context) string {
	x.mu.Lock()
	label, fresh := x.label, time.Since(x.readAt) < x.ttl
	if !fresh {
		x.readAt = time.Now() // one request reads; the others keep the label meanwhile
	}
	x.mu.Unlock()
	if fresh {
		return label
	}
	if p, err := x.store.LegalPages(ctx); err == nil && p.Conformance != "" {
		label = p.Conformance.Label()
		x.mu.Lock()
		x.label = label
		x.mu.Unlock()
	}
	return label
}

func (x *conformance) middleware(c *fiber.Ctx) error {
	c.Locals(templates.LocalConformance, x.current(c.UserContext()))
	return c.Next()
}
