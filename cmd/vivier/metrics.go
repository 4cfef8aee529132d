package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/hibiken/asynq"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"vivier/jobs"
	"vivier/templates"
)

// metrics owns the program's Prometheus registry (no global one).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(m *Main) *metrics {
	reg := prometheus.NewRegistry()
	x := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "vivier_http_requests_total", Help: "HTTP requests, by method, route and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "vivier_http_request_duration_seconds", Help: "HTTP request latency, by method, route and status.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route", "status"}),
	}
	reg.MustRegister(x.requests, x.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		jobs.NewQueueCollector(asynq.NewInspectorFromRedisClient(m.redis)),
		outboxGauge(m, "vivier_outbox_backlog", "Outbox rows waiting to be relayed to the worker queues.",
			func(n int, _ time.Duration) float64 { return float64(n) }),
		outboxGauge(m, "vivier_outbox_oldest_seconds", "Age of the oldest outbox row waiting to be relayed.",
			func(_ int, age time.Duration) float64 { return age.Seconds() }),
		jobs.NewOutboxCollector(m.store),
	)
	return x
}

// outboxGauge reads the outbox backlog at each scrape; -1 when PostgreSQL
// does not answer.
func outboxGauge(m *Main, name, help string, value func(int, time.Duration) float64) prometheus.GaugeFunc {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, age, err := m.store.OutboxBacklog(ctx)
		if err != nil {
			return -1
		}
		return value(n, age)
	})
}

// middleware counts and times each request by its route pattern (not its
// path, which would make one series per offer) and writes the access log.
func (x *metrics) middleware(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		status := c.Response().StatusCode()
		var fe *fiber.Error
		if err != nil {
			status = fiber.StatusInternalServerError
			if errors.As(err, &fe) {
				status = fe.Code
			}
		}
		// The error handler has not run yet: it will give errors that are
		// not fiber errors the status of their code.
		if err != nil && fe == nil {
			status = statusOf(err)
		}
		route := c.Route().Path
		if c.Route().Method == "USE" {
			// No route answered: a middleware did (CSRF refusal) or the
			// final not-found handler.
			route = "middleware"
			if status == fiber.StatusNotFound {
				route = "unmatched"
			}
		}
		d := time.Since(start)
		// A copy (Immutable): Fiber answers methods it does not route
		// (400) before any middleware, so the label has nine values at most.
		method := c.Method()
		labels := prometheus.Labels{"method": method, "route": route, "status": strconv.Itoa(status)}
		x.requests.With(labels).Inc()
		x.latency.With(labels).Observe(d.Seconds())
		if route != "/healthz" && route != "/readyz" && route != "/metrics" && route != "/static/:version/*" {
			log.InfoContext(c.UserContext(), "http", "method", method, "path", templates.LogPath(c), "route", route,
				"status", status, "duration", d, "ip", templates.ClientIP(c))
		}
		return err
	}
}

func (x *metrics) handler(token string) fiber.Handler {
	h := adaptor.HTTPHandler(promhttp.HandlerFor(x.reg, promhttp.HandlerOpts{}))
	return func(c *fiber.Ctx) error {
		if !tokenMatches(c.Get(fiber.HeaderAuthorization), token) {
			return fiber.ErrUnauthorized
		}
		return h(c)
	}
}

func tokenMatches(authorization, token string) bool {
	return token == "" || subtle.ConstantTimeCompare([]byte(authorization), []byte("Bearer "+token)) == 1
}

// metricsServer serves /metrics alone on METRICS_ADDR, an address the
// operator keeps off the Internet; the site then has no /metrics.
type metricsServer struct {
	srv *http.Server
	ln  net.Listener
}

// mountMetrics puts /metrics beside the site, or on its own listener when
// METRICS_ADDR is set; it refuses an https site whose metrics anyone could
// read.
func (m *Main) mountMetrics(app *fiber.App, x *metrics) error {
	cfg := m.Config
	if err := cfg.checkMetricsExposure(); err != nil {
		return err
	}
	if cfg.MetricsAddr == "" {
		app.Get("/metrics", x.handler(cfg.MetricsToken))
		return nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return fmt.Errorf("listen on METRICS_ADDR=%s: %w", cfg.MetricsAddr, err)
	}
	prom := promhttp.HandlerFor(x.reg, promhttp.HandlerOpts{})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		if !tokenMatches(r.Header.Get("Authorization"), cfg.MetricsToken) {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		prom.ServeHTTP(w, r)
	})
	s := &metricsServer{ln: ln, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Log.Error("metrics listener stopped", "err", err)
		}
	}()
	m.metricsSrv = s
	return nil
}

// MetricsAddr returns the address of the metrics' own listener, "" when
// /metrics is served beside the site.
func (m *Main) MetricsAddr() string {
	if m.metricsSrv == nil {
		return ""
	}
	return m.metricsSrv.ln.Addr().String()
}

func (s *metricsServer) close() error {
	if s == nil {
		return nil
	}
	return s.srv.Close()
}
