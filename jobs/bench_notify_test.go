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
// limit. The b.N emails come as bulk actions do: 500 outbox rows written in
// one transaction, the next bulk once the previous one is delivered. Each
// email's latency runs from its bulk's commit to its arrival in the sink.
// Run it with -benchtime 2000x: a few emails say nothing of a flow.
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
	const bulk = 500
	committed := make([]time.Time, 0, b.N)
	b.ResetTimer()
	for sent := 0; sent < b.N; sent += bulk {
		n := min(bulk, b.N-sent)
		// The rows a bulk action writes, in its one transaction.
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO outbox (task_type, queue, payload)
			SELECT $1, $2, json_build_object('to', 'agent-' || i || '@example.org') FROM generate_series($3::int, $4::int) i`,
			vivier.TaskTestEmail, jobs.QueueCritical, sent, sent+n-1); err != nil {
			b.Fatal(err)
		}
		at := time.Now()
		for range n {
			committed = append(committed, at)
		}
		sink.Wait(b, sent+n, time.Minute)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "emails/s")
	var latencies []time.Duration
	for _, m := range sink.Messages() {
		var i int
		if _, err := fmt.Sscanf(m.To[0], "agent-%d@example.org", &i); err != nil || i >= len(committed) {
			b.Fatalf("unexpected recipient %v", m.To)
		}
		latencies = append(latencies, m.Received.Sub(committed[i]))
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(latencies[len(latencies)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(latencies[len(latencies)*95/100].Milliseconds()), "p95-ms")
	b.ReportMetric(0, "ns/op") // the emails/s say it, for a whole flow
}
