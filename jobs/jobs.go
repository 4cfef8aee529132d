// Package jobs is Vivier's worker: the outbox relay that hands work written by
// the web processes to Asynq (Redis), the handlers of every task, the periodic
// scheduler and the mailer. Web processes never enqueue directly: they write
// outbox rows in their own transactions, so that no work is lost when Redis is
// down and none is done for a change that was rolled back.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
	"vivier/templates"
)

// Queues and their weights: candidate-facing emails first, digests and
// exports last.
const (
	QueueCritical = "critical"
	QueueDefault  = "default"
	QueueLow      = "low"
)

// Config is what the worker needs from the environment.
type Config struct {
	Redis             asynq.RedisConnOpt
	Concurrency       int
	RelayInterval     time.Duration // how often the relay looks for outbox rows
	RelayBatch        int
	RedeliveryDelay   time.Duration    // a task relayed this long ago and not done is looked for in Redis, and enqueued again if lost
	TaskCheckInterval time.Duration    // how often an idle worker polls Redis
	ShutdownTimeout   time.Duration    // in-flight tasks get this long to finish
	BaseURL           string           // public URL of the site, for links in emails
	Files             vivier.FileStore // candidates' files, for the purge of erased ones
	AgentInactivity   time.Duration    // agents who do not sign in for this long are disabled
	Now               func() time.Time // the clock of periodic tasks; time.Now if nil
	CSP               CSPConfig        // publication to Choisir le Service Public
	SIRH              SIRHConfig       // where and how hires are delivered to HR systems
	SMTPRatePerSecond int              // emails per second across every worker (the provider's limit); 0: no limit
	Geocoder          GeocoderConfig   // the BAN, for the offers' places
	INGRES            INGRESConfig     // the RMFP métiers, from INGRES through PISTE
	Embeddings        EmbeddingsConfig // the offers' vectors for matching, when set
}

// Worker runs the Asynq server, the scheduler and the outbox relay.
type Worker struct {
	cfg       Config
	store     *vivier.Store
	renderer  *templates.Renderer
	mailer    *Mailer
	log       *slog.Logger
	client    *asynq.Client
	server    *asynq.Server
	scheduler *asynq.Scheduler
	relay     *Relay
	redeliver *Redelivery
	csp       *cspSender
	geo       *geocoder
	ingres    *ingres
	embed     *Embeddings // nil without an embeddings service
	limiter   *sendLimiter

	stop chan struct{}
	wg   sync.WaitGroup
}

// NewWorker wires a worker; Start runs it.
func NewWorker(cfg Config, store *vivier.Store, renderer *templates.Renderer, mailer *Mailer, log *slog.Logger) *Worker {
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 10
	}
	if cfg.RelayInterval <= 0 {
		cfg.RelayInterval = 500 * time.Millisecond
	}
	if cfg.RelayBatch <= 0 {
		cfg.RelayBatch = 100
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 25 * time.Second
	}
	if cfg.SIRH.HTTPClient == nil {
		// One client for every delivery, so that its connections are reused.
		cfg.SIRH.HTTPClient = NewOutboundClient(store.OutboundPolicy(), OutboundOptions{Timeout: 30 * time.Second})
	}
	if cfg.RedeliveryDelay <= 0 {
		cfg.RedeliveryDelay = 10 * time.Minute
	}
	w := &Worker{cfg: cfg, store: store, renderer: renderer, mailer: mailer, log: log, stop: make(chan struct{})}
	w.client = asynq.NewClient(cfg.Redis)
	if mailer != nil {
		mailer.KeepConnections(cfg.Concurrency)
	}
	if cfg.SMTPRatePerSecond > 0 {
		if l, err := newSendLimiter(cfg.Redis, cfg.SMTPRatePerSecond); err == nil {
			w.limiter = l
		} else {
			log.Error("SMTP rate limit disabled", "err", err)
		}
	}
	w.relay = NewRelay(store, w.client, cfg.RelayBatch)
	if r, err := NewRedelivery(store, cfg.Redis, cfg.RedeliveryDelay, cfg.RelayBatch); err == nil {
		w.redeliver = r
	} else {
		log.Error("outbox redelivery disabled", "err", err)
	}
	w.csp = newCSPSender(cfg)
	w.geo = &geocoder{cfg: cfg.Geocoder}
	w.ingres = &ingres{cfg: cfg.INGRES}
	w.embed = NewEmbeddings(cfg.Embeddings, store.OutboundPolicy())
	w.server = asynq.NewServer(cfg.Redis, asynq.Config{
		Concurrency:       cfg.Concurrency,
		Queues:            map[string]int{QueueCritical: 6, QueueDefault: 3, QueueLow: 1},
		TaskCheckInterval: cfg.TaskCheckInterval,
		ShutdownTimeout:   cfg.ShutdownTimeout,
		RetryDelayFunc:    retryDelay,
		Logger:            asynqLogger{log.With("component", "asynq")},
		LogLevel:          asynq.WarnLevel,
		ErrorHandler: asynq.ErrorHandlerFunc(func(ctx context.Context, t *asynq.Task, err error) {
			id, _ := asynq.GetTaskID(ctx)
			log.WarnContext(ctx, "task failed", "task", t.Type(), "task_id", id, "err", err)
		}),
	})
	w.scheduler = asynq.NewScheduler(cfg.Redis, &asynq.SchedulerOpts{
		Logger:   asynqLogger{log.With("component", "scheduler")},
		LogLevel: asynq.WarnLevel,
	})
	return w
}

// Mux returns the task handlers, for the server and for tests that run a
// handler directly.
func (w *Worker) Mux() *asynq.ServeMux {
	mux := asynq.NewServeMux()
	mux.Use(w.logTask)
	m := taskMux{mux, w}
	// The candidate's emails. endsWithEmail: the handler's last step is the
	// one email it sends under the task's own key.
	handle(m, vivier.TaskApplicationReceived, endsWithEmail(w.handleApplicationReceived))
	handle(m, vivier.TaskAlreadyApplied, endsWithEmail(w.handleAlreadyApplied))
	handle(m, vivier.TaskTrackingLink, endsWithEmail(w.handleTrackingLink))
	handle(m, vivier.TaskApplicationStatus, endsWithEmail(w.handleApplicationStatus))
	handle(m, vivier.TaskRecruiterMessage, endsWithEmail(w.handleRecruiterMessage))
	handle(m, vivier.TaskInterviewInvitation, endsWithEmail(w.handleInterviewInvitation))
	handle(m, vivier.TaskTransferProposed, endsWithEmail(w.handleTransferProposed))
	handle(m, vivier.TaskApplicationTransferred, w.handleApplicationTransferred)
	handle(m, vivier.TaskMergeConfirm, endsWithEmail(w.handleMergeConfirm))
	handle(m, vivier.TaskPoolInvitation, w.handlePoolInvitation)
	handle(m, vivier.TaskDataExport, endsWithEmail(w.handleDataExport))
	handle(m, vivier.TaskErasureDone, w.handleErasureDone)
	handle(m, vivier.TaskJobAlertConfirm, endsWithEmail(w.handleJobAlertConfirm))
	handle(m, vivier.TaskDocumentRequest, endsWithEmail(w.handleDocumentRequest))
	handle(m, vivier.TaskMobilityLink, endsWithEmail(w.handleMobilityLink))
	handle(m, vivier.TaskMobilityInvitation, w.handleMobilityInvitation)
	// The agents' emails.
	handle(m, vivier.TaskAgentInvitationEmail, endsWithEmail(w.handleAgentInvitation))
	handle(m, vivier.TaskPasswordResetEmail, endsWithEmail(w.handlePasswordReset))
	handle(m, vivier.TaskNewApplication, w.notifyRecruiters("new_application"))
	handle(m, vivier.TaskApplicationWithdrawn, w.notifyRecruiters("application_withdrawn"))
	handle(m, vivier.TaskCandidateMessage, w.notifyRecruiters("candidate_message"))
	handle(m, vivier.TaskIdentityChanged, w.notifyRecruiters("identity_changed"))
	handle(m, vivier.TaskNoteMention, w.handleNoteMention)
	handle(m, vivier.TaskInterviewAnswered, w.handleInterviewAnswered)
	handle(m, vivier.TaskSessionInterviewers, w.handleSessionInterviewers)
	handle(m, vivier.TaskCSPAuthAlert, w.handleCSPAuthAlert)
	handle(m, vivier.TaskOfferValidation, w.handleOfferValidation)
	// Other systems.
	handle(m, vivier.TaskCSPSync, w.handleCSPSync)
	handle(m, vivier.TaskSIRHHire, w.handleSIRHHire)
	handle(m, vivier.TaskSIRHDeliver, w.handleSIRHDeliver)
	handle(m, vivier.TaskGeocodeOffer, w.handleGeocodeOffer)
	// The operators' proof that the chain works (vivier mail test).
	handle(m, vivier.TaskTestEmail, endsWithEmail(w.handleTestEmail))
	w.handlePeriodic(mux)
	return mux
}

// Start runs the server, the scheduler and the relay in the background.
func (w *Worker) Start() error {
	if err := w.server.Start(w.Mux()); err != nil {
		return fmt.Errorf("jobs: start server: %w", err)
	}
	if err := w.schedule(); err != nil {
		w.server.Shutdown()
		return err
	}
	if err := w.scheduler.Start(); err != nil {
		w.server.Shutdown()
		return fmt.Errorf("jobs: start scheduler: %w", err)
	}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		w.relay.Run(w.stop, w.cfg.RelayInterval, w.log)
	}()
	if w.redeliver != nil {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			// A row waits between RedeliveryDelay and twice that.
			w.redeliver.Run(w.stop, min(w.cfg.RedeliveryDelay, time.Minute), w.log)
		}()
	}
	return nil
}

// Shutdown stops taking work, lets in-flight tasks finish (up to
// ShutdownTimeout) and releases Redis.
func (w *Worker) Shutdown() {
	close(w.stop)
	w.wg.Wait()
	w.scheduler.Shutdown()
	w.server.Shutdown()
	if w.mailer != nil {
		w.mailer.CloseConnections()
	}
	errs := []error{w.client.Close()}
	if w.redeliver != nil {
		errs = append(errs, w.redeliver.Close())
	}
	errs = append(errs, w.csp.close())
	if w.limiter != nil {
		errs = append(errs, w.limiter.Close())
	}
	// Nothing is left to do with Redis: a failure to close is only told.
	if err := errors.Join(errs...); err != nil {
		w.log.Warn("worker shutdown: Redis connections not closed cleanly", "err", err)
	}
}

func (w *Worker) now() time.Time {
	if w.cfg.Now != nil {
		return w.cfg.Now()
	}
	return time.Now()
}

func (w *Worker) logTask(next asynq.Handler) asynq.Handler {
	return asynq.HandlerFunc(func(ctx context.Context, t *asynq.Task) error {
		start := time.Now()
		id, _ := asynq.GetTaskID(ctx)
		err := next.ProcessTask(ctx, t)
		w.log.InfoContext(ctx, "task", "task", t.Type(), "task_id", id, "duration", time.Since(start), "ok", err == nil)
		return err
	})
}

// asynqLogger sends Asynq's own logs to slog.
type asynqLogger struct{ l *slog.Logger }

func (a asynqLogger) Debug(args ...any) { a.l.Debug(fmt.Sprint(args...)) }
func (a asynqLogger) Info(args ...any)  { a.l.Info(fmt.Sprint(args...)) }
func (a asynqLogger) Warn(args ...any)  { a.l.Warn(fmt.Sprint(args...)) }
func (a asynqLogger) Error(args ...any) { a.l.Error(fmt.Sprint(args...)) }
func (a asynqLogger) Fatal(args ...any) { a.l.Error(fmt.Sprint(args...)) }

type taskIDKey struct{}

// taskID returns the id of the running task: the outbox row's for relayed
// work, stable across retries, so handlers derive idempotency keys from it.
func taskID(ctx context.Context) string {
	if id, ok := ctx.Value(taskIDKey{}).(string); ok {
		return id // set by tests that run a handler without a server
	}
	id, _ := asynq.GetTaskID(ctx)
	return id
}
