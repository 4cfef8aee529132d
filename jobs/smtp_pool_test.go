package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vivier/jobs"
	"vivier/jobs/jobstest"
	"vivier/templates"
)

// newCapturedMailer returns a mailer that sends to an SMTP capture of the
// test's own, its connections closed when the test ends.
func newCapturedMailer(t *testing.T) (*jobstest.SMTP, *jobs.Mailer) {
	t.Helper()
	sink := jobstest.NewSMTP(t)
	mailer, err := jobs.NewMailer(sink.URL, "Vivier <ne-pas-repondre@vivier.test>")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mailer.CloseConnections)
	return sink, mailer
}

func sendEssai(m *jobs.Mailer, to string) error {
	_, err := m.Send(context.Background(), jobs.Outgoing{To: to, Email: templates.Email{Subject: "Essai", Text: "Bonjour", HTML: "<p>Bonjour</p>"}})
	return err
}

// Emails share one SMTP connection; one the server dropped is replaced by a
// new connection and the email goes once; one that failed is not reused.
func TestMailerReusesItsConnection(t *testing.T) {
	t.Parallel()
	sink, mailer := newCapturedMailer(t)
	send := func(to string) error { return sendEssai(mailer, to) }
	for i := range 3 {
		if err := send(fmt.Sprintf("c%d@exemple.fr", i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range sink.Messages() {
		if m.Conn != 1 {
			t.Fatalf("%v came over connection %d, want all over the first", m.To, m.Conn)
		}
	}

	sink.DropConnections()
	if err := send("after-drop@exemple.fr"); err != nil {
		t.Fatalf("the email after the server dropped the connection: %v", err)
	}
	got := sink.Messages()
	if len(got) != 4 || got[3].To[0] != "after-drop@exemple.fr" || got[3].Conn != 2 || sink.Conns() != 2 {
		t.Fatalf("after the drop: %d messages, the last over connection %d; %d connections, want 4 messages, the last over a second connection",
			len(got), got[len(got)-1].Conn, sink.Conns())
	}

	sink.RejectNext(451)
	if err := send("refused@exemple.fr"); err == nil {
		t.Fatal("a 451: no error")
	}
	if err := send("next@exemple.fr"); err != nil {
		t.Fatal(err)
	}
	if got := sink.Messages(); len(got) != 5 || got[4].Conn != 3 {
		t.Fatalf("after a refusal: %d messages, the last over connection %d, want 5, over a new third connection", len(got), got[len(got)-1].Conn)
	}
}

// A worker sends over at most one connection per task it runs at once, and
// says goodbye on them when it stops.
func TestWorkerPoolsSMTPConnections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	w := f.newWorker(t, jobs.Config{Concurrency: 2, RelayInterval: 20 * time.Millisecond, TaskCheckInterval: 20 * time.Millisecond})
	const n = 20
	for i := range n {
		m, err := jobs.NewTestEmail(fmt.Sprintf("pool-%d@exemple.fr", i))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.store.AddOutbox(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	got := f.smtp.Wait(t, n, time.Minute)
	f.drained(t)
	w.Shutdown()
	seen := map[string]int{}
	for _, m := range f.smtp.Messages() {
		seen[m.To[0]]++
	}
	if len(got) != n || len(seen) != n {
		t.Fatalf("%d messages to %d recipients, want %d each once", len(got), len(seen), n)
	}
	if c := f.smtp.Conns(); c < 1 || c > 2 {
		t.Fatalf("%d connections for %d emails with 2 tasks at once, want at most 2", c, n)
	}
	jobstest.EventuallyWithin(t, 10*time.Second, "the worker's connections closed at shutdown", func() (bool, error) {
		return f.smtp.Open() == 0, nil
	})
}

// A connection is retired after 100 emails, and when idle for a while: the
// next email goes over a new one.
func TestMailerRetiresItsConnections(t *testing.T) {
	t.Parallel()
	sink, mailer := newCapturedMailer(t)
	send := func(i int) {
		t.Helper()
		if err := sendEssai(mailer, fmt.Sprintf("c%d@exemple.fr", i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 101 {
		send(i)
	}
	got := sink.Messages()
	if got[99].Conn != 1 || got[100].Conn != 2 {
		t.Fatalf("the 100th email over connection %d, the 101st over %d, want 1 then 2", got[99].Conn, got[100].Conn)
	}
	mailer.SetConnIdleFor(50 * time.Millisecond)
	send(101) // kept for 50 ms only once back
	jobstest.EventuallyWithin(t, 10*time.Second, "the idle connection retired", func() (bool, error) { return sink.Open() == 0, nil })
	send(102)
	if got := sink.Messages(); got[102].Conn != 3 {
		t.Fatalf("after the idle retirement: connection %d, want a third", got[102].Conn)
	}
}
