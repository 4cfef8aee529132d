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
	if err := m.store.Ping(ctx); err != nil {
		checks["postgres"], ok = "indisponible : "+err.Error(), false
	} else {
		checks["postgres"] = "ok"
	}
	if err := m.redis.Ping(ctx).Err(); err != nil {
		checks["redis"], ok = "indisponible : "+err.Error(), false
	} else {
		checks["redis"] = "ok"
	}
	if n, err := migrations.Pending(ctx, m.db.DB); err != nil {
		checks["migrations"], ok = "inconnues : "+err.Error(), false
	} else if n > 0 {
		checks["migrations"], ok = fmt.Sprintf("%d migration(s) en attente : lancez `vivier migrate up`", n), false
	} else {
		checks["migrations"] = "ok"
	}
	status := fiber.StatusOK
	if !ok {
		status = fiber.StatusServiceUnavailable
	}
	return c.Status(status).JSON(fiber.Map{"ready": ok, "checks": checks})
}
