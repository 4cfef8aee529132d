package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/migrations"
	"vivier/templates"
)

// statusOf is the HTTP status the error handler will give err.
func statusOf(err error) int { return templates.StatusFor(vivier.ErrorCode(err)) }

// readyz answers 200 when PostgreSQL and Redis answer and the schema is
// current, 503 with the reason of each failing check otherwise. A load
// balancer takes an instance out of rotation on 503.
func (m *Main) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	checks := fiber.Map{}
	ok := true
	// The answer names what fails; the driver's own message (hosts,
	// addresses) goes to the log only.
	fail := func(name, reason string, err error) {
		checks[name], ok = reason, false
		m.Log.WarnContext(ctx, "not ready", "check", name, "err", err)
	}
	if err := m.store.Ping(ctx); err != nil {
		fail("postgres", "indisponible", err)
	} else {
		checks["postgres"] = "ok"
	}
	if err := m.redis.Ping(ctx).Err(); err != nil {
		fail("redis", "indisponible", err)
	} else {
		checks["redis"] = "ok"
	}
	if n, err := migrations.Pending(ctx, m.db.DB); err != nil {
		fail("migrations", "état inconnu", err)
	} else if n > 0 {
		checks["migrations"], ok = fmt.Sprintf("%d migration(s) en attente\u00a0: lancez `vivier migrate up`", n), false
	} else {
		checks["migrations"] = "ok"
	}
	status := fiber.StatusOK
	if !ok {
		status = fiber.StatusServiceUnavailable
	}
	return c.Status(status).JSON(fiber.Map{"ready": ok, "checks": checks})
}
