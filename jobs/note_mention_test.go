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
)

// A note mentioning a colleague mails them once, through the outbox and the
// worker, with a link to the note and nothing of its text.
func TestNoteMentionEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	colleague := &vivier.Agent{Email: "camille.martin@mairie.test", FirstName: "Camille", LastName: "Martin"}
	if err := f.store.UpsertAgent(ctx, colleague); err != nil {
		t.Fatal(err)
	}
	if err := f.store.AssignRole(ctx, colleague.ID, vivier.RoleLecteur, vivier.AdministrationDomain(app.AdministrationID)); err != nil {
		t.Fatal(err)
	}
	author, err := f.store.AgentByEmail(ctx, "rh@mairie.test")
	if err != nil {
		t.Fatal(err)
	}
	note, told, err := f.store.AddNote(ctx, app.AdministrationID, app.ID, "Avis confidentiel : @camille.martin, à voir.",
		vivier.Scope{}, vivier.Actor{AgentID: author.ID, Email: author.Email})
	if err != nil || len(told) != 1 {
		t.Fatalf("note: %v, told %+v", err, told)
	}
	if err := f.worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer f.worker.Shutdown()
	msgs := f.smtp.Wait(t, 3, 15*time.Second) // the candidate's confirmation, the recruiter's notice, the mention
	var mention []string
	for _, m := range msgs {
		if m.To[0] == "camille.martin@mairie.test" {
			mention = append(mention, m.Subject+"\n"+m.Text+"\n"+m.HTML)
		}
	}
	if len(mention) != 1 {
		t.Fatalf("%d emails to the mentioned agent", len(mention))
	}
	got := mention[0]
	if !strings.Contains(got, "Rémi vous mentionne dans une note") || !strings.Contains(got, "Jardinier·ère") ||
		!strings.Contains(got, "http://vivier.test/admin/mairie/candidatures/"+itoa(app.ID)+"#notes") {
		t.Errorf("mention email = %q", got)
	}
	if strings.Contains(got, "confidentiel") {
		t.Errorf("the note's text is in the email: %q", got)
	}
	// The task again (a retry): nobody mailed twice. A bad payload is not retried.
	payload := []byte(`{"note_id":` + itoa(note.ID) + `}`)
	if err := f.runTask(vivier.TaskNoteMention, jobs.OutboxTaskID(998), payload); err != nil {
		t.Fatal(err)
	}
	f.drained(t)
	if n := len(f.smtp.Messages()); n != 3 {
		t.Errorf("%d emails after the task ran again, want 3", n)
	}
	if err := f.runTask(vivier.TaskNoteMention, jobs.OutboxTaskID(997), []byte(`{}`)); !errors.Is(err, asynq.SkipRetry) {
		t.Errorf("bad payload: %v", err)
	}
}
