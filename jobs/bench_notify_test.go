package jobs_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
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
// handler, sent_emails and SMTP, with the default concurrency and no rate
// limit. b.N emails are queued at once, as a bulk action does, and each
// one's latency runs from its outbox row to its arrival in the sink. Run it
// with -benchtime 1000x or more: a few emails say nothing of a flow.
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
	queued := map[string]time.Time{}
	b.ResetTimer()
	for i := range b.N {
		to := fmt.Sprintf("agent-%d@example.org", i)
		m, err := jobs.NewTestEmail(to)
		if err != nil {
			b.Fatal(err)
		}
		queued[to] = time.Now()
		if err := s.AddOutbox(ctx, &m); err != nil {
			b.Fatal(err)
		}
	}
	got := sink.Wait(b, b.N, time.Duration(b.N)*100*time.Millisecond+time.Minute)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "emails/s")
	latencies := make([]time.Duration, 0, len(got))
	for _, m := range got {
		latencies = append(latencies, m.Received.Sub(queued[m.To[0]]))
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*95/100].Milliseconds()), "p95-ms")
	b.ReportMetric(0, "ns/op") // the emails/s say it, for a whole flow
}
