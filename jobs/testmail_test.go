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

func TestTestEmailEndToEnd(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if err := f.worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer f.worker.Shutdown()

	m, err := jobs.NewTestEmail("Claire Dupont <claire.dupont@example.org>")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.AddOutbox(context.Background(), &m); err != nil {
		t.Fatal(err)
	}
	msgs := f.smtp.Wait(t, 1, 15*time.Second)
	got := msgs[0]
	if len(got.To) != 1 || got.To[0] != "claire.dupont@example.org" || got.From != "ne-pas-repondre@vivier.test" {
		t.Fatalf("envelope from %q to %v", got.From, got.To)
	}
	if got.Subject != "Courriel de test de Vivier" {
		t.Fatalf("subject %q", got.Subject)
	}
	ref := jobs.OutboxTaskID(m.ID)
	if !strings.Contains(got.Text, "Bonjour,") || !strings.Contains(got.Text, ref) || !strings.Contains(got.HTML, "<h1") {
		t.Fatalf("body: text %q / html %q", got.Text, got.HTML)
	}
	if got.Header.Get("Message-Id") == "" || got.Header.Get("Content-Language") != "fr" {
		t.Fatalf("headers: %v", got.Header)
	}
	// Recorded once when the handler commits (just after the SMTP server
	// said yes), the SMTP message id written right after the commit.
	var sent []vivier.SentEmail
	jobstest.Eventually(t, "the sent email recorded with its SMTP message id", func() (bool, error) {
		sent, err = f.store.SentEmailsTo(context.Background(), "claire.dupont@example.org")
		return len(sent) > 0 && sent[0].SMTPMessageID != "", err
	})
	if len(sent) != 1 {
		t.Fatalf("sent_emails = %+v", sent)
	}
}

func TestTestEmailNotSentTwiceOnRetry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	payload := []byte(`{"to":"candidat@example.org"}`)

	// The SMTP server refuses for a while: the task fails and nothing is
	// recorded, so the retry may send.
	f.smtp.RejectNext(451)
	err := f.runTask(vivier.TaskTestEmail, "outbox-7", payload)
	if err == nil || errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("a temporary refusal: err = %v, want a retryable error", err)
	}
	if err := f.runTask(vivier.TaskTestEmail, "outbox-7", payload); err != nil {
		t.Fatal(err)
	}
	// Asynq runs the task again (a lost acknowledgement): no second email.
	if err := f.runTask(vivier.TaskTestEmail, "outbox-7", payload); err != nil {
		t.Fatal(err)
	}
	// runTask returns once the SMTP server has answered: the capture
	// holds all that was sent.
	if n := len(f.smtp.Messages()); n != 1 {
		t.Fatalf("%d emails sent, want 1", n)
	}
	// Another task (another outbox row) is another email.
	if err := f.runTask(vivier.TaskTestEmail, "outbox-8", payload); err != nil {
		t.Fatal(err)
	}
	f.smtp.Wait(t, 2, 5*time.Second)
}

func TestTestEmailPermanentFailureIsNotRetried(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.smtp.RejectNext(550)
	err := f.runTask(vivier.TaskTestEmail, "outbox-1", []byte(`{"to":"inconnu@example.org"}`))
	if !errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("a 550: err = %v, want SkipRetry", err)
	}
	for _, bad := range []string{`{`, `{"to":""}`} {
		if err := f.runTask(vivier.TaskTestEmail, "outbox-2", []byte(bad)); !errors.Is(err, asynq.SkipRetry) {
			t.Fatalf("payload %s: err = %v, want SkipRetry", bad, err)
		}
	}
	if _, err := jobs.NewTestEmail("pas une adresse"); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("NewTestEmail accepted a bad address: %v", err)
	}
}
