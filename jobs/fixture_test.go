package jobs_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
	"vivier/templates"
)

// fixture is a worker on real services: its own database, Redis database
// and SMTP capture.
type fixture struct {
	store  *vivier.Store
	smtp   *jobstest.SMTP
	redis  asynq.RedisClientOpt
	worker *jobs.Worker
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{store: vivier.NewStore(dbtest.New(t)), smtp: jobstest.NewSMTP(t), redis: jobstest.Redis(t)}
	f.worker = f.newWorker(t, jobs.Config{RelayInterval: 20 * time.Millisecond, TaskCheckInterval: 20 * time.Millisecond})
	return f
}

// loopbackFixture is a fixture whose outgoing requests may reach this
// machine, where the tests' fakes of outside services listen; its worker
// is made by the test, with their addresses.
func loopbackFixture(t *testing.T) *fixture {
	t.Helper()
	return &fixture{store: vivier.NewStore(dbtest.New(t), vivier.WithOutboundPolicy(loopbackAllowed)), smtp: jobstest.NewSMTP(t), redis: jobstest.Redis(t)}
}

// newWorker returns a worker configured by cfg on the fixture's services,
// sending through its SMTP capture; cfg's Redis and BaseURL are filled in
// when left empty.
func (f *fixture) newWorker(t testing.TB, cfg jobs.Config) *jobs.Worker {
	t.Helper()
	r, err := templates.New()
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := jobs.NewMailer(f.smtp.URL, "Vivier <ne-pas-repondre@vivier.test>")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Redis == nil {
		cfg.Redis = f.redis
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://vivier.test"
	}
	return jobs.NewWorker(cfg, f.store, r, mailer, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// localFiles returns a file store in a folder of the test's own.
func localFiles(t *testing.T) *vivier.LocalFiles {
	t.Helper()
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// mustJSON encodes a task's payload.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// drained waits until the worker has relayed the outbox and run every task.
func (f *fixture) drained(t *testing.T) {
	t.Helper()
	jobstest.Drained(t, f.store.DB(), f.redis)
}

// runTask runs the handler of a task as the Asynq server would, with a task id.
func (f *fixture) runTask(taskType, id string, payload []byte) error {
	return f.worker.Mux().ProcessTask(jobs.WithTaskID(id), asynq.NewTask(taskType, payload))
}
