package jobs_test

import (
	"context"
	"strings"
	"testing"

	"vivier"
	"vivier/jobs"
)

func TestApplicationStatusEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	steps, err := f.store.Steps(ctx, app.AdministrationID)
	if err != nil {
		t.Fatal(err)
	}
	step := map[string]int64{}
	for _, s := range steps {
		step[s.Name] = s.ID
	}
	reasons, err := f.store.RefusalReasons(ctx, app.AdministrationID)
	if err != nil {
		t.Fatal(err)
	}
	actor := vivier.Actor{Email: "rh@mairie.test"}
	// lastStatusTask runs the status task the last move queued, twice under
	// one id, as a retry after a crash would.
	lastStatusTask := func() string {
		t.Helper()
		var id int64
		var payload []byte
		if err := f.store.DB().QueryRowContext(ctx, `SELECT id, payload FROM outbox WHERE task_type = $1 ORDER BY id DESC LIMIT 1`,
			vivier.TaskApplicationStatus).Scan(&id, &payload); err != nil {
			t.Fatal(err)
		}
		before := len(f.smtp.Messages())
		for range 2 {
			if err := f.runTask(vivier.TaskApplicationStatus, jobs.OutboxTaskID(id), payload); err != nil {
				t.Fatal(err)
			}
		}
		msgs := f.smtp.Messages()
		if len(msgs) != before+1 {
			t.Fatalf("%d emails for one status task run twice, want 1", len(msgs)-before)
		}
		m := msgs[len(msgs)-1]
		if m.To[0] != "ines@exemple.fr" {
			t.Fatalf("status email to %v", m.To)
		}
		return m.Subject + "\n" + m.Text
	}
	// An internal step: the candidate reads "en cours d'examen", not its name.
	if _, err := f.store.MoveApplication(ctx, app.AdministrationID, app.ID, vivier.Move{StageID: step["Présélection"], Notify: true}, actor); err != nil {
		t.Fatal(err)
	}
	got := lastStatusTask()
	if !strings.Contains(got, "en cours d'examen") || strings.Contains(got, "Présélection") || strings.Contains(got, "/suivi/") ||
		!strings.Contains(got, "suivez votre candidature depuis le lien reçu") && !strings.Contains(got, "Suivez votre candidature depuis le lien reçu") {
		t.Errorf("internal step email = %q", got)
	}
	// A public step is named.
	if _, err := f.store.MoveApplication(ctx, app.AdministrationID, app.ID, vivier.Move{StageID: step["Entretien RH"], Notify: true}, actor); err != nil {
		t.Fatal(err)
	}
	if got := lastStatusTask(); !strings.Contains(got, "Entretien RH") {
		t.Errorf("public step email = %q", got)
	}
	// A refusal gives the reason in kind words.
	if _, err := f.store.MoveApplication(ctx, app.AdministrationID, app.ID,
		vivier.Move{StageID: step["Non retenue"], ReasonID: reasons[1].ID, Notify: true}, actor); err != nil {
		t.Fatal(err)
	}
	got = lastStatusTask()
	if !strings.Contains(got, "non retenue") || !strings.Contains(got, "Le poste a été pourvu entre-temps.") ||
		!strings.Contains(got, "Jardinier·ère") || !strings.Contains(got, "Bonjour Inès") {
		t.Errorf("refusal email = %q", got)
	}
	// A bad payload is not retried.
	if err := f.runTask(vivier.TaskApplicationStatus, "outbox-1", []byte(`{}`)); err == nil {
		t.Error("an empty payload was accepted")
	}
}
