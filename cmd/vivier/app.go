package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
	"github.com/jmoiron/sqlx"
	"github.com/redis/go-redis/v9"

	"vivier"
	"vivier/admin"
	"vivier/jobs"
	"vivier/migrations"
	"vivier/policies"
	"vivier/templates"
)

// Main is the whole program, for main and for tests that start it on port 0
// against the test services: NewMain, Run, then Close.
type Main struct {
	Config Config
	Log    *slog.Logger
	Out    io.Writer // where commands print for people (URLs, statuses)

	db       *sqlx.DB
	store    *vivier.Store
	files    vivier.FileStore
	redis    *redis.Client
	redisOpt asynq.RedisConnOpt
	renderer *templates.Renderer
	policies *policies.Enforcer
	stopBg   context.CancelFunc // stops background loops (policy reloads)
	app      *fiber.App
	admin    *admin.Handler // kept for tests that walk its route table
	ln       net.Listener
	worker   *jobs.Worker
	tasks    *asynq.Inspector      // failed tasks, for the back-office
	monitor  *asynqmon.HTTPHandler // Asynqmon, under /admin/taches
	serveErr chan error

	metricsSrv *metricsServer // nil unless METRICS_ADDR is set
}

// NewMain returns a program that has opened nothing yet.
func NewMain(cfg Config, log *slog.Logger, out io.Writer) *Main {
	return &Main{Config: cfg, Log: log, Out: out, serveErr: make(chan error, 1)}
}

// open connects to PostgreSQL (which must answer) and prepares Redis (which
// may come later: the web app serves without it) and the templates.
func (m *Main) open(ctx context.Context) error {
	if m.store != nil {
		return nil
	}
	db, err := vivier.OpenDB(ctx, m.Config.DatabaseURL, m.Config.DatabaseMaxConns)
	if err != nil {
		return fmt.Errorf("PostgreSQL (DATABASE_URL=%s): %w", redactURL(m.Config.DatabaseURL), err)
	}
	m.db, m.store = db, vivier.NewStore(db, vivier.WithOutboundPolicy(m.Config.outbound()))
	ropt, err := redis.ParseURL(m.Config.RedisURL)
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	// Deadlines of contexts bound every Redis call: a Redis that hangs
	// must not hang requests.
	ropt.ContextTimeoutEnabled = true
	ropt.MaxRetries = 1
	m.redis = redis.NewClient(ropt)
	m.redisOpt = asynq.RedisClientOpt{Addr: ropt.Addr, Username: ropt.Username, Password: ropt.Password, DB: ropt.DB, TLSConfig: ropt.TLSConfig}
	if m.files, err = openFileStore(ctx, m.Config.FilesURL); err != nil {
		return fmt.Errorf("FILES_URL=%s: %w", redactURL(m.Config.FilesURL), err)
	}
	if m.renderer, err = templates.New(); err != nil {
		return err
	}
	return nil
}

// openPolicies loads the role policies and keeps them current: each change
// of roles or of the administration tree, on any instance, reaches this one.
func (m *Main) openPolicies(ctx context.Context) error {
	e, err := policies.New(ctx, m.db)
	if err != nil {
		return err
	}
	bg, cancel := context.WithCancel(context.Background())
	if err := e.Listen(bg, m.Config.DatabaseURL, m.Log.With("component", "policies")); err != nil {
		cancel()
		return fmt.Errorf("policies: listen: %w", err)
	}
	// Changes made between the first load and LISTEN were not notified.
	if err := e.Reload(ctx); err != nil {
		cancel()
		return err
	}
	m.policies, m.stopBg = e, cancel
	return nil
}

// Run starts the program in mode serve, worker or dev and returns once it
// listens and works; Close stops it.
func (m *Main) Run(ctx context.Context, mode string) error {
	if err := m.open(ctx); err != nil {
		return err
	}
	if mode == "dev" {
		if err := m.migrate(ctx, "up"); err != nil {
			return err
		}
	}
	if mode == "worker" {
		m.store.DisableSearchIndex() // job alerts search once a day: PostgreSQL serves them
	}
	if mode == "worker" || mode == "dev" {
		mailer, err := jobs.NewMailer(m.Config.SMTPURL, m.Config.MailFrom)
		if err != nil {
			return fmt.Errorf("SMTP_URL: %w", err)
		}
		if err := mailer.SetReplyTo(m.Config.MailReplyTo); err != nil {
			return fmt.Errorf("MAIL_REPLY_TO: %w", err)
		}
		m.worker = jobs.NewWorker(jobs.Config{
			Redis:             m.redisOpt,
			Concurrency:       m.Config.WorkerConcurrency,
			RelayInterval:     m.Config.OutboxInterval,
			RedeliveryDelay:   m.Config.OutboxRedelivery,
			TaskCheckInterval: m.Config.TaskCheckInterval,
			ShutdownTimeout:   m.Config.ShutdownTimeout,
			BaseURL:           m.Config.BaseURL,
			Files:             m.files,
			AgentInactivity:   m.Config.AgentInactivity,
			CSP:               m.Config.cspJobs(),
			SIRH:              jobs.SIRHConfig{Dir: m.Config.SIRHExportDir},
			SMTPRatePerSecond: m.Config.SMTPRatePerSecond,
			Geocoder:          jobs.GeocoderConfig{URL: m.Config.GeocoderURL},
			INGRES: jobs.INGRESConfig{OAuthURL: m.Config.PISTEOAuthURL, URL: m.Config.INGRESURL,
				ClientID: m.Config.INGRESClientID, ClientSecret: m.Config.INGRESSecret},
			Embeddings: m.Config.embeddings(),
		}, m.store, m.renderer, mailer, m.Log.With("process", "worker"))
		if err := m.worker.Start(); err != nil {
			m.worker = nil
			return fmt.Errorf("worker (REDIS_URL=%s): %w", redactURL(m.Config.RedisURL), err)
		}
		m.Log.Info("worker started", "concurrency", m.Config.WorkerConcurrency)
		// The lexicon of "Vouliez-vous dire…" is rebuilt every hour; a new
		// database gets it now.
		if words, err := m.store.EnsureSearchWords(ctx); err != nil {
			return err
		} else if words > 0 {
			m.Log.Info("search words built", "words", words)
		}
	}
	if mode == "serve" || mode == "dev" {
		if err := m.openPolicies(ctx); err != nil {
			return err
		}
		if err := m.serve(); err != nil {
			return err
		}
	}
	if mode == "dev" {
		m.printURLs()
	}
	return nil
}

// serve listens on ADDR (port 0 picks a free port: see Addr) and serves.
func (m *Main) serve() error {
	app, err := m.newApp()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen on ADDR=%s: %w", m.Config.Addr, err)
	}
	m.app, m.ln = app, ln
	go func() {
		if err := app.Listener(ln); err != nil {
			m.serveErr <- err
		}
	}()
	m.Log.Info("web app listening", "addr", ln.Addr().String(), "base_url", m.Config.BaseURL)
	return nil
}

// Addr returns the address the web app listens on.
func (m *Main) Addr() string {
	if m.ln == nil {
		return ""
	}
	return m.ln.Addr().String()
}

// Store returns the program's store (tests use it to arrange data).
func (m *Main) Store() *vivier.Store { return m.store }

// Close stops taking requests and tasks, waits for those in flight (up to
// SHUTDOWN_TIMEOUT), then releases the connections.
func (m *Main) Close() error {
	var errs []error
	var mu sync.Mutex
	var wg sync.WaitGroup
	// The web app and the worker drain at the same time: a stop takes at
	// most one SHUTDOWN_TIMEOUT.
	if app, ln := m.app, m.ln; app != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := app.ShutdownWithTimeout(m.Config.ShutdownTimeout)
			// Closing the listener too stops a server whose Listener call
			// has not registered it yet.
			_ = ln.Close() // most often closed already by the shutdown
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}()
		m.app = nil
	}
	if w := m.worker; w != nil {
		wg.Add(1)
		go func() { defer wg.Done(); w.Shutdown() }()
		m.worker = nil
	}
	wg.Wait()
	errs = append(errs, m.metricsSrv.close())
	m.metricsSrv = nil
	if m.stopBg != nil {
		m.stopBg()
		m.stopBg = nil
	}
	if m.tasks != nil {
		errs = append(errs, m.tasks.Close(), m.monitor.Close())
		m.tasks, m.monitor = nil, nil
	}
	if m.redis != nil {
		errs = append(errs, m.redis.Close())
		m.redis = nil
	}
	if m.db != nil {
		errs = append(errs, m.db.Close())
		m.db, m.store = nil, nil
	}
	return errors.Join(errs...)
}

func (m *Main) migrate(ctx context.Context, action string) error {
	if err := m.open(ctx); err != nil {
		return err
	}
	if action == "status" {
		return migrations.Status(ctx, m.db.DB, m.Out)
	}
	n, err := migrations.Up(ctx, m.db.DB)
	if err != nil {
		return err
	}
	m.Log.Info("migrations applied", "count", n)
	return m.sealLegacySecrets(ctx)
}

func (m *Main) mailTest(ctx context.Context, to string) error {
	if err := m.open(ctx); err != nil {
		return err
	}
	msg, err := jobs.NewTestEmail(to)
	if err != nil {
		return errors.New(vivier.ErrorMessage(err))
	}
	if err := m.store.AddOutbox(ctx, &msg); err != nil {
		return err
	}
	fmt.Fprintf(m.Out, "Courriel de test pour %s mis en file (outbox n° %d) : le worker l'enverra.\n", to, msg.ID)
	return nil
}

func (m *Main) printURLs() {
	base := m.Config.BaseURL
	if strings.HasSuffix(m.Config.Addr, ":0") {
		base = "http://" + m.Addr()
	}
	fmt.Fprintf(m.Out, "\n  Vivier est prêt.\n\n  Site public       %s/\n  Espace recruteur  %s/admin/connexion\n", base, base)
	if m.Config.MailpitURL != "" {
		fmt.Fprintf(m.Out, "  Courriels (Mailpit) %s/\n", m.Config.MailpitURL)
	}
	fmt.Fprintf(m.Out, "  Santé             %s/readyz  ·  métriques %s/metrics\n\n  Comptes de démonstration : voir README.md (mot de passe demo-vivier-2026).\n  Ctrl-C pour arrêter.\n\n", base, base)
}

// redactURL hides the password of a connection URL in messages, whether in
// its user part or in a password query parameter.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(URL illisible)"
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

// embeddings is the embeddings service of matching, if any.
func (c Config) embeddings() jobs.EmbeddingsConfig {
	return jobs.EmbeddingsConfig{URL: c.EmbeddingsURL, Key: c.EmbeddingsKey, Model: c.EmbeddingsModel}
}
