package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vivier"
	"vivier/jobs"
)

// lastOutbox returns the id and payload of the latest outbox row of a task.
func lastOutbox(t *testing.T, f *fixture, task string) (int64, []byte) {
	t.Helper()
	var id int64
	var payload []byte
	if err := f.store.DB().QueryRowContext(context.Background(), `SELECT id, payload FROM outbox WHERE task_type = $1 ORDER BY id DESC LIMIT 1`,
		task).Scan(&id, &payload); err != nil {
		t.Fatal(err)
	}
	return id, payload
}

func TestPoolInvitationEmailSentOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	if _, err := f.store.DB().ExecContext(ctx, `UPDATE applications SET talent_pool_at = now() WHERE id = $1`, app.ID); err != nil {
		t.Fatal(err)
	}
	o := &vivier.Offer{Kind: vivier.KindConcours, Reference: "C-1", Versant: vivier.VersantTerritoriale, Title: "Concours d'adjoint technique", CVPolicy: "optional"}
	if err := f.store.CreateOffer(ctx, app.AdministrationID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.MoveOffer(ctx, app.AdministrationID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.InviteFromPool(ctx, app.AdministrationID, app.CandidateID, o.ID, vivier.Actor{Email: "rh@mairie.test"}); err != nil {
		t.Fatal(err)
	}
	id, payload := lastOutbox(t, f, vivier.TaskPoolInvitation)
	before := len(f.smtp.Messages())
	// Twice under one id, and once more under another (a relay replayed):
	// one email per invitation.
	for _, tid := range []string{jobs.OutboxTaskID(id), jobs.OutboxTaskID(id), "outbox-999999"} {
		if err := f.runTask(vivier.TaskPoolInvitation, tid, payload); err != nil {
			t.Fatal(err)
		}
	}
	msgs := f.smtp.Messages()
	if len(msgs) != before+1 {
		t.Fatalf("%d invitation emails, want 1", len(msgs)-before)
	}
	m := msgs[len(msgs)-1]
	if m.To[0] != "ines@exemple.fr" || !strings.Contains(m.Subject, "Concours d'adjoint technique") ||
		!strings.Contains(m.Text, "Bonjour Inès") || !strings.Contains(m.Text, "http://vivier.test/offres/"+itoa(o.ID)) ||
		!strings.Contains(m.HTML, "Mairie de Lille") {
		t.Errorf("invitation email: %q\n%s", m.Subject, m.Text)
	}
	if err := f.runTask(vivier.TaskPoolInvitation, "outbox-1", []byte(`{}`)); err == nil {
		t.Error("an empty payload was accepted")
	}
}

func TestTransferEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	other := &vivier.Administration{Slug: "metropole", Name: "Métropole de Lille", Versant: vivier.VersantTerritoriale}
	if err := f.store.UpsertAdministration(ctx, other); err != nil {
		t.Fatal(err)
	}
	files := localFiles(t)
	trID, err := f.store.ProposeTransfer(ctx, app.AdministrationID, app.ID, "metropole", vivier.Actor{Email: "rh@mairie.test"})
	if err != nil {
		t.Fatal(err)
	}
	// The candidate is asked first, with a link to their space.
	pid, proposal := lastOutbox(t, f, vivier.TaskTransferProposed)
	before := len(f.smtp.Messages())
	if err := f.runTask(vivier.TaskTransferProposed, jobs.OutboxTaskID(pid), proposal); err != nil {
		t.Fatal(err)
	}
	msgs := f.smtp.Messages()
	if len(msgs) != before+1 || !strings.Contains(msgs[len(msgs)-1].Subject, "vous propose de transmettre votre candidature à Métropole de Lille") ||
		!strings.Contains(msgs[len(msgs)-1].Text, "Rien ne lui est transmis sans votre accord") {
		t.Fatalf("proposal emails: %d", len(msgs)-before)
	}
	newID, err := f.store.AcceptTransfer(ctx, app.CandidateID, trID, files, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id, payload := lastOutbox(t, f, vivier.TaskApplicationTransferred)
	before = len(f.smtp.Messages())
	for range 2 {
		if err := f.runTask(vivier.TaskApplicationTransferred, jobs.OutboxTaskID(id), payload); err != nil {
			t.Fatal(err)
		}
	}
	msgs = f.smtp.Messages()
	if len(msgs) != before+1 {
		t.Fatalf("%d transfer emails, want 1", len(msgs)-before)
	}
	m := msgs[len(msgs)-1]
	if m.To[0] != "ines@exemple.fr" || !strings.Contains(m.Subject, "Métropole de Lille") ||
		!strings.Contains(m.Text, "Mairie de Lille vous a proposé de transmettre votre candidature au poste « Jardinier·ère » à Métropole de Lille ; vous l'avez accepté.") {
		t.Errorf("transfer email for %d: %q\n%s", newID, m.Subject, m.Text)
	}
}
