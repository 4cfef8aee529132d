package jobs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
	"vivier/jobs"
)

// addSIRHAgents gives the SIRH world an administrator and a recruiter (who
// run exports), a reader (who does not) and another administration's
// recruiter.
func (w *sirhWorld) addSIRHAgents(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	other := &vivier.Administration{Slug: "autre-sirh", Name: "Autre", Versant: vivier.VersantEtat}
	if err := w.store.UpsertAdministration(ctx, other); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		email string
		role  vivier.Role
		adm   int64
	}{
		{"admin@mairie-sirh.test", vivier.RoleAdmin, w.adm.ID},
		{"rh@mairie-sirh.test", vivier.RoleRecruteur, w.adm.ID},
		{"lecteur@mairie-sirh.test", vivier.RoleLecteur, w.adm.ID},
		{"rh@autre-sirh.test", vivier.RoleRecruteur, other.ID},
	} {
		ag := &vivier.Agent{Email: a.email, FirstName: "Alix"}
		if err := w.store.UpsertAgent(ctx, ag); err != nil {
			t.Fatal(err)
		}
		if err := w.store.AssignRole(ctx, ag.ID, a.role, vivier.AdministrationDomain(a.adm)); err != nil {
			t.Fatal(err)
		}
	}
}

// wantSIRHMails checks that each agent who runs exports got n emails whose
// subject starts with subject, and nobody else any.
func (w *sirhWorld) wantSIRHMails(t *testing.T, subject string, n int) {
	t.Helper()
	got := map[string]int{}
	for _, m := range w.smtp.Messages() {
		if strings.HasPrefix(m.Subject, subject) {
			for _, to := range m.To {
				got[to]++
			}
		}
	}
	want := map[string]int{}
	if n > 0 {
		want = map[string]int{"admin@mairie-sirh.test": n, "rh@mairie-sirh.test": n}
	}
	if len(got) != len(want) || got["admin@mairie-sirh.test"] != want["admin@mairie-sirh.test"] || got["rh@mairie-sirh.test"] != want["rh@mairie-sirh.test"] {
		t.Errorf("%q emails: got %v, want %v", subject, got, want)
	}
}

// A delivery that cannot succeed (no folder configured: a permanent error)
// mails "export en échec" once per agent, its task run again notwithstanding.
func TestSIRHFailedForGoodMailsOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newSIRHWorld(t, jobs.SIRHConfig{})
	if _, err := w.store.SaveSIRHSettings(ctx, w.adm.ID, vivier.SIRHSettings{Destination: vivier.SIRHFolder, Format: vivier.SIRHCSV,
		Cadence: vivier.SIRHImmediate}, false, w.box, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	w.fails = true
	w.hire(t)
	w.drain(t)
	b := w.batches(t)
	if len(b) != 1 || b[0].State != vivier.BatchFailed {
		t.Fatalf("batches = %+v", b)
	}
	p := mustJSON(t, vivier.SIRHDeliverTask{AdministrationID: w.adm.ID, BatchID: b[0].ID})
	if err := w.worker.Mux().ProcessTask(jobs.WithTaskID("again"), asynq.NewTask(vivier.TaskSIRHDeliver, p)); err == nil {
		t.Fatal("the delivery succeeded without a folder")
	}
	w.wantSIRHMails(t, "Export SIRH en échec", 1)
	w.wantSIRHMails(t, "Export SIRH terminé", 0)
	for _, m := range w.smtp.Messages() {
		if !strings.Contains(m.Text, "État : en échec") || !strings.Contains(m.Text, "SIRH_EXPORT_DIR") ||
			!strings.Contains(m.HTML, "<h1") || !strings.Contains(m.Text, "/admin/mairie-sirh/exports") {
			t.Errorf("failed email: %s\n%s", m.Subject, m.Text)
		}
	}
}

// A failure Asynq will retry mails nobody: the batch may still leave.
func TestSIRHRetriedFailureMailsNobody(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "indisponible", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	w := newSIRHWorldWith(t, jobs.SIRHConfig{HTTPClient: trusting(loopbackAllowed, srv), WebhookAttempts: 1, WebhookBackoff: time.Millisecond},
		loopbackAllowed)
	if _, err := w.store.SaveSIRHSettings(ctx, w.adm.ID, vivier.SIRHSettings{Destination: vivier.SIRHWebhook, Format: vivier.SIRHCSV,
		Cadence: vivier.SIRHImmediate, WebhookURL: srv.URL + "/vivier"}, false, w.box, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	w.fails = true
	w.hire(t)
	w.drain(t)
	if b := w.batches(t); len(b) != 1 || b[0].State != vivier.BatchFailed {
		t.Fatalf("batches = %+v", b)
	}
	if m := w.smtp.Messages(); len(m) != 0 {
		t.Errorf("a failure to retry sent %d email(s): %s", len(m), m[0].Subject)
	}
}
