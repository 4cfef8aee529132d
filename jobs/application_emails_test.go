package jobs_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"vivier"
	"vivier/jobs"
)

// applyOnce makes an administration with a recruiter and a published offer,
// and one application to it.
func applyOnce(t *testing.T, f *fixture) *vivier.Application {
	t.Helper()
	ctx := context.Background()
	adm := &vivier.Administration{Slug: "mairie", Name: "Mairie de Lille", Versant: vivier.VersantTerritoriale}
	if err := f.store.UpsertAdministration(ctx, adm); err != nil {
		t.Fatal(err)
	}
	rec := &vivier.Agent{Email: "rh@mairie.test", FirstName: "Rémi"}
	if err := f.store.UpsertAgent(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := f.store.AssignRole(ctx, rec.ID, vivier.RoleRecruteur, vivier.AdministrationDomain(adm.ID)); err != nil {
		t.Fatal(err)
	}
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "L-1", Versant: vivier.VersantTerritoriale,
		Title: "Jardinier·ère", CVPolicy: "optional"}
	if err := f.store.CreateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	o, err := f.store.OfferByID(ctx, adm.ID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	sub := &vivier.Submission{FirstName: "Inès", LastName: "Moreau", Email: "ines@exemple.fr", Consent: true, IdempotencyKey: uuid.NewString()}
	if err := sub.Validate(o); err != nil {
		t.Fatal(err)
	}
	files := localFiles(t)
	app, _, err := f.store.Apply(ctx, sub, o, files)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

var trackingURL = regexp.MustCompile(`http://vivier\.test/suivi/([A-Za-z0-9_-]{43})`)

func TestApplicationEmails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	if err := f.worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer f.worker.Shutdown()
	msgs := f.smtp.Wait(t, 2, 15*time.Second)
	byTo := map[string]string{}
	for _, m := range msgs {
		byTo[m.To[0]] = m.Subject + "\n" + m.Text
	}
	conf := byTo["ines@exemple.fr"]
	if !strings.Contains(conf, "Votre candidature à Mairie de Lille est bien reçue") || !strings.Contains(conf, "Bonjour Inès") {
		t.Fatalf("confirmation = %q", conf)
	}
	m := trackingURL.FindStringSubmatch(conf)
	if m == nil {
		t.Fatalf("no tracking link in %q", conf)
	}
	c, err := f.store.CandidateByToken(ctx, m[1])
	if err != nil || *c.Email != "ines@exemple.fr" {
		t.Fatalf("the link opens %+v, %v", c, err)
	}
	if n := byTo["rh@mairie.test"]; !strings.Contains(n, "Nouvelle candidature\u00a0: Jardinier·ère") || !strings.Contains(n, "Inès Moreau a postulé") {
		t.Fatalf("recruiter notice = %q", n)
	}
	// The same task again (a retry after a crash): nothing sent twice.
	payload := []byte(`{"application_id":` + itoa(app.ID) + `}`)
	for _, task := range []string{vivier.TaskApplicationReceived, vivier.TaskNewApplication} {
		if err := f.runTask(task, jobs.OutboxTaskID(999), payload); err != nil {
			t.Fatal(err)
		}
		if err := f.runTask(task, jobs.OutboxTaskID(999), payload); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(f.smtp.Messages()); got != 4 {
		t.Fatalf("%d emails after two runs of each task under one id, want 2 more", got)
	}
	// A link asked for: only a known address gets one.
	for _, email := range []string{"inconnu@exemple.fr", "ines@exemple.fr"} {
		if err := f.store.RequestTrackingLink(ctx, email); err != nil {
			t.Fatal(err)
		}
	}
	msgs = f.smtp.Wait(t, 5, 15*time.Second)
	last := msgs[4]
	if last.To[0] != "ines@exemple.fr" || !trackingURL.MatchString(last.Text) {
		t.Fatalf("link email to %v: %q", last.To, last.Text)
	}
	f.drained(t)
	if got := len(f.smtp.Messages()); got != 5 {
		t.Fatalf("%d emails: the unknown address got one", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
