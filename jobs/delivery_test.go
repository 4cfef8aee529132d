package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/jobstest"
)

// A permanent refusal is recorded as a bounce, shown to the administration
// that sent, and not retried; a temporary one is retried.
func TestBounceIsRecordedAndNotRetried(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	app := applyOnce(t, f)
	if err := f.store.SendRecruiterMessage(ctx, app.AdministrationID, app.ID, "Bonjour", vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	var msgID int64
	if err := f.store.DB().Get(&msgID, `SELECT max(id) FROM application_messages WHERE application_id = $1`, app.ID); err != nil {
		t.Fatal(err)
	}
	payload := []byte(`{"application_id":` + itoa(app.ID) + `,"message_id":` + itoa(msgID) + `}`)
	f.smtp.RejectNext(451)
	if err := f.runTask(vivier.TaskRecruiterMessage, "outbox-1", payload); err == nil || errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("a 451: err = %v, want a retryable error", err)
	}
	f.smtp.RejectNext(550)
	if err := f.runTask(vivier.TaskRecruiterMessage, "outbox-1", payload); !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("a 550: err = %v, want SkipRetry", err)
	}
	b, err := f.store.BouncesOf(ctx, app.AdministrationID, "ines@exemple.fr")
	if err != nil || len(b) != 1 || b[0].Code != 550 || b[0].Template != "recruiter_message" {
		t.Fatalf("bounces = %+v, %v", b, err)
	}
	if other, err := f.store.BouncesOf(ctx, app.AdministrationID+1000, "ines@exemple.fr"); err != nil || len(other) != 0 {
		t.Fatalf("another administration sees the bounce: %+v, %v", other, err)
	}
	if err := f.runTask(vivier.TaskRecruiterMessage, "outbox-2", []byte(`{"application_id":1}`)); !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("bad payload: %v", err)
	}
}

// Applications left without activity past the administration's second delay
// are refused through the pipeline, with the reasoned email, once; nothing
// happens while the setting is off.
func TestAutoRefuse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	clk := withClock(t, f)
	app := applyOnce(t, f)
	active := applyTo(t, f, app, "Karim", "karim@exemple.fr")
	f.store.DB().MustExec(`UPDATE applications SET last_activity_at = now() - interval '61 days', created_at = now() - interval '61 days' WHERE id = $1`, app.ID)
	clk.Set(time.Now())
	run := func() {
		t.Helper()
		if err := f.worker.Mux().ProcessTask(ctx, asynq.NewTask(vivier.TaskAutoRefuse, nil)); err != nil {
			t.Fatal(err)
		}
	}
	category := func(id int64) vivier.Category {
		t.Helper()
		a, err := f.store.ApplicationSummaryByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return a.Category
	}
	run() // off by default
	if c := category(app.ID); c != vivier.CategoryNew {
		t.Fatalf("refused while the setting is off: %s", c)
	}
	if err := f.store.SetAutoRefuse(ctx, app.AdministrationID, vivier.AutoRefuseSettings{Enabled: true, Days: 10}, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("a delay under the promise: %v", err)
	}
	if err := f.store.SetAutoRefuse(ctx, app.AdministrationID, vivier.AutoRefuseSettings{Enabled: true, Days: 60}, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	run()
	run()
	if c := category(app.ID); c != vivier.CategoryRefused {
		t.Fatalf("category = %s, want refusee", c)
	}
	if c := category(active.ID); c != vivier.CategoryNew {
		t.Fatalf("a recent application was refused: %s", c)
	}
	h, err := f.store.ApplicationHistory(ctx, app.AdministrationID, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := h[len(h)-1]
	if len(h) != 2 || last.Actor != vivier.AutoRefuseActor || last.Reason != vivier.AutoRefuseReason || !last.EmailSent {
		t.Fatalf("history = %+v", h)
	}
	// The candidate's email goes through the outbox like any refusal's.
	if err := f.worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer f.worker.Shutdown()
	var refusal *jobstest.Message
	for _, m := range f.smtp.Wait(t, 5, 15*time.Second) { // 2 confirmations, 2 notices, the refusal
		if strings.Contains(m.Subject, "non retenue") {
			refusal = &m
		}
	}
	if refusal == nil || refusal.To[0] != "ines@exemple.fr" || !strings.Contains(refusal.Text, "dans le délai annoncé") {
		t.Fatalf("refusal email: %+v", refusal)
	}
}

// The limiter lets the limit through in a second, shared by every process
// on the same Redis, and makes the next one wait for the next second.
func TestSendLimiterSharesTheLimit(t *testing.T) {
	t.Parallel()
	redis := jobstest.Redis(t)
	at := time.Unix(2_000_000_000, 0)
	now := func() time.Time { return at }
	a, err := jobs.NewSendLimiterAt(redis, 3, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobstest.Close(t, a) })
	b, err := jobs.NewSendLimiterAt(redis, 3, now) // another worker
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobstest.Close(t, b) })
	ctx := context.Background()
	for _, l := range []*jobs.SendLimiter{a, b, a} {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Full for this second: the fourth waits; a cancelled wait says so.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := b.Wait(cancelled); !errors.Is(err, context.Canceled) {
		t.Fatalf("fourth email in the same second: %v, want it to wait", err)
	}
	at = at.Add(time.Second)
	if err := b.Wait(ctx); err != nil {
		t.Fatalf("next second: %v", err)
	}
}

func TestRetryDelayGrowsExponentially(t *testing.T) {
	t.Parallel()
	prev := time.Duration(0)
	for n := 0; n < 20; n++ {
		d := jobs.RetryDelay(n, nil, nil)
		lo := (10 * time.Second << min(n, 12)) / 2
		if lo > 30*time.Minute {
			lo = 30 * time.Minute
		}
		if d < lo || d > time.Hour {
			t.Fatalf("retry %d waits %s, want from %s to an hour", n, d, lo)
		}
		if n > 0 && n < 8 && d < prev/2 {
			t.Fatalf("retry %d waits %s after %s", n, d, prev)
		}
		prev = d
	}
}
