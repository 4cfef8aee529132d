package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
	"vivier/templates"
)

// BenchmarkNotificationThroughput measures emails per second from outbox
// rows to the SMTP sink through the whole worker: relay, Asynq, the
// handler, sent_emails and a real SMTP conversation per email, with the
// default concurrency and no rate limit.
func BenchmarkNotificationThroughput(b *testing.B) {
	ctx := context.Background()
	s := vivier.NewStore(dbtest.New(b))
	sink := jobstest.NewSMTP(b)
	r, err := templates.New()
	if err != nil {
		b.Fatal(err)
	}
	mailer, err := jobs.NewMailer(sink.URL, "Vivier <ne-pas-repondre@vivier.test>")
	if err != nil {
		b.Fatal(err)
	}
	w := jobs.NewWorker(jobs.Config{Redis: jobstest.Redis(b), RelayInterval: 10 * time.Millisecond,
		TaskCheckInterval: 10 * time.Millisecond, BaseURL: "http://vivier.test"},
		s, r, mailer, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Shutdown()
	const batch = 100
	sent := 0
	for b.Loop() {
		for i := 0; i < batch; i++ {
			m, err := jobs.NewTestEmail(fmt.Sprintf("agent-%d@example.org", sent+i))
			if err != nil {
				b.Fatal(err)
			}
			if err := s.AddOutbox(ctx, &m); err != nil {
				b.Fatal(err)
			}
		}
		sent += batch
		sink.Wait(b, sent, time.Minute)
	}
	b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "emails/s")
}
