package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
	"vivier/jobs"
)

func TestRetentionRunAsksRenewalOnceAndReports(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	app := applyOnce(t, f)
	now := time.Now().Truncate(time.Second)
	f.store.DB().MustExec(`UPDATE applications SET category = 'acceptee', talent_pool_at = $2 WHERE id = $1`, app.ID, now.AddDate(-2, 0, 10))
	w := f.newWorker(t, jobs.Config{Files: localFiles(t), Now: func() time.Time { return now }})

	for range 2 { // the second run, a retry or another worker's, sends nothing more
		if err := w.Mux().ProcessTask(ctx, asynq.NewTask(vivier.TaskRetention, nil)); err != nil {
			t.Fatal(err)
		}
	}
	msgs := f.smtp.Messages()
	var renewals []string
	for _, m := range msgs {
		if strings.Contains(m.Subject, "vivier") {
			renewals = append(renewals, m.Text)
		}
	}
	if len(renewals) != 1 {
		t.Fatalf("%d renewal emails, want 1", len(renewals))
	}
	text := renewals[0]
	// The email writes the date in Paris time, as its readers do: between
	// 22:00 and midnight UTC that is already the next day.
	paris := vivier.Paris()
	if !strings.Contains(text, "Mairie de Lille") || !strings.Contains(text, now.AddDate(0, 0, 10).In(paris).Format("02/01/2006")) {
		t.Errorf("renewal email = %q", text)
	}
	link := trackingURL.FindStringSubmatch(text)
	if link == nil {
		t.Fatalf("no link in %q", text)
	}
	c, err := f.store.CandidateByToken(ctx, link[1])
	if err != nil || *c.Email != "ines@exemple.fr" {
		t.Fatalf("the link opens %+v, %v", c, err)
	}
	runs, err := f.store.RetentionRuns(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	renewed := 0
	for _, run := range runs {
		renewed += run.RenewalsSent
		if !run.RanAt.Equal(now) {
			t.Errorf("run at %v, want the task's clock %v", run.RanAt, now)
		}
	}
	if renewed != 1 || len(runs) < 2 {
		t.Errorf("reports %+v: want two runs and one renewal", runs)
	}
	// Ten days later, without renewal, the consent lapses.
	later, err := w.RunRetention(ctx, now.AddDate(0, 0, 11))
	if err != nil {
		t.Fatal(err)
	}
	lapsed := 0
	for _, run := range later {
		lapsed += run.ConsentsExpired
	}
	if lapsed != 1 {
		t.Errorf("lapsed consents = %d, want 1", lapsed)
	}
}
