package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vivier"
)

// A request for documents mails the candidate a link to their space; its
// reminder goes two days before the deadline, once, whatever the number of
// runs, and not at all once the documents are sent.
func TestDocumentRequestReminderIsSentOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := applyOnce(t, f)
	ctx := context.Background()
	paris := vivier.Paris()
	now := time.Now().In(paris)
	deadline := time.Date(now.Year(), now.Month(), now.Day()+10, 0, 0, 0, 0, paris)
	form := vivier.DocumentRequestForm{Labels: []string{"Justificatif de domicile", "Attestation de l'employeur [PDF]"},
		Deadline: deadline.Format("2006-01-02"), Message: "Merci de les envoyer avant l'entretien."}
	if err := f.store.RequestDocuments(ctx, app.AdministrationID, app.ID, form, vivier.Actor{Email: "rh@mairie.test"}); err != nil {
		t.Fatal(err)
	}
	if err := f.worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer f.worker.Shutdown()
	f.drained(t)
	var asked []string
	for _, m := range f.smtp.Messages() {
		if strings.Contains(m.Subject, "vous demande des pièces") {
			asked = append(asked, m.Text)
		}
	}
	if len(asked) != 1 || !strings.Contains(asked[0], "- Justificatif de domicile (PDF ou image") || !strings.Contains(asked[0], "- Attestation de l'employeur (PDF)") ||
		!strings.Contains(asked[0], "http://vivier.test/suivi/") || !strings.Contains(asked[0], "avant le "+vivier.FrenchDate(deadline)) {
		t.Fatalf("request emails: %q", asked)
	}
	reminders := func() int {
		n := 0
		for _, m := range f.smtp.Messages() {
			if strings.HasPrefix(m.Subject, "Rappel : pièces attendues") {
				n++
			}
		}
		return n
	}
	// Three days before: nothing; two days before, at three ticks: one
	// email naming both documents; the day before: none more.
	if n, err := f.worker.SendDocumentReminders(ctx, deadline.AddDate(0, 0, -3).Add(12*time.Hour)); err != nil || n != 0 {
		t.Fatalf("three days before: %d, %v", n, err)
	}
	for _, at := range []time.Time{deadline.AddDate(0, 0, -2).Add(time.Hour), deadline.AddDate(0, 0, -2).Add(9 * time.Hour), deadline.AddDate(0, 0, -2).Add(23 * time.Hour)} {
		if _, err := f.worker.SendDocumentReminders(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	if n := reminders(); n != 1 {
		t.Fatalf("%d reminders two days before", n)
	}
	if n, err := f.worker.SendDocumentReminders(ctx, deadline.AddDate(0, 0, -1)); err != nil || n != 0 || reminders() != 1 {
		t.Fatalf("the day before: %d, %v", n, err)
	}
}
