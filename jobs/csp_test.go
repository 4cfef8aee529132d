package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/csptest"
	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
	"vivier/templates"
)

const cspSpec = "../cmd/vivier/testdata/csplab-openapi.yaml"

type cspFixture struct {
	*fixture
	db     *sqlx.DB
	csp    *csptest.Server
	box    *vivier.SecretBox
	adm    *vivier.Administration
	source string
}

// newCSPFixture makes an administration that publishes to a fake CSP, with
// an administrator; quota is CSP's per period, for the worker's limiter.
func newCSPFixture(t *testing.T, quota int, period time.Duration) *cspFixture {
	t.Helper()
	r, err := templates.New()
	if err != nil {
		t.Fatal(err)
	}
	db := dbtest.New(t)
	f := &cspFixture{fixture: &fixture{store: vivier.NewStore(db, vivier.WithOutboundPolicy(loopbackAllowed)), smtp: jobstest.NewSMTP(t), redis: jobstest.Redis(t)}, db: db,
		csp: csptest.New(t, cspSpec, "cle-secrete-1"), source: uuid.NewString()}
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	if f.box, err = vivier.NewSecretBox(key); err != nil {
		t.Fatal(err)
	}
	mailer, err := jobs.NewMailer(f.smtp.URL, "Vivier <ne-pas-repondre@vivier.test>")
	if err != nil {
		t.Fatal(err)
	}
	f.worker = jobs.NewWorker(jobs.Config{Redis: f.redis, BaseURL: "http://vivier.test",
		CSP: jobs.CSPConfig{Box: f.box, Quota: quota, QuotaPeriod: period, Timeout: 5 * time.Second},
	}, f.store, r, mailer, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(f.worker.Shutdown)
	f.adm = f.newAdministration(t, "prefecture", "cle-secrete-1")
	return f
}

func (f *cspFixture) newAdministration(t *testing.T, slug, key string) *vivier.Administration {
	t.Helper()
	ctx := context.Background()
	adm := &vivier.Administration{Slug: slug, Name: "Préfecture " + slug, Versant: vivier.VersantEtat}
	if err := f.store.UpsertAdministration(ctx, adm); err != nil {
		t.Fatal(err)
	}
	ag := &vivier.Agent{Email: "admin@" + slug + ".test", FirstName: "Alix"}
	if err := f.store.UpsertAgent(ctx, ag); err != nil {
		t.Fatal(err)
	}
	if err := f.store.AssignRole(ctx, ag.ID, vivier.RoleAdmin, vivier.AdministrationDomain(adm.ID)); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SaveCSPSettings(ctx, adm.ID, vivier.CSPSettingsInput{Enabled: true, APIURL: f.csp.URL,
		SourceID: f.source, APIKey: key}, "", f.box, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	return adm
}

// cspOffer is an offer with every block CSP knows filled in.
func cspOffer(i int) *vivier.Offer {
	start := time.Now().Add(-time.Hour).Truncate(time.Second)
	end := start.AddDate(0, 2, 0)
	lat, lon := 48.85, 2.35
	mgmt := true
	dom := "NUM"
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: fmt.Sprintf("PREF-%03d", i), Versant: vivier.VersantEtat,
		Title: fmt.Sprintf("Développeur·se n°%d", i), LongTitle: "Développeuse ou développeur d'applications",
		OrganisationName: "Préfecture de Paris", OrganisationSIRET: "11000201100044", DomaineCode: &dom,
		Categories: []string{"A"}, ContractType: "TITULAIRE_CONTRACTUEL", ContractForms: []string{"CDD", "PERMANENT"},
		PostVacant: true, Mission: "Développer les téléservices.", Profile: "Go et PostgreSQL.", EmployerText: "La préfecture.",
		Locations:  []vivier.Location{{Country: "FRA", Region: "11", Departement: "75", Label: "Paris 4e", Latitude: &lat, Longitude: &lon}},
		Experience: "CONFIRME", Workplace: "TELETRAVAIL", Management: &mgmt,
		Criteria: vivier.JSONB[vivier.Criteria]{V: vivier.Criteria{DiplomaLevel: 6, Skills: []string{"Go"},
			Languages: []vivier.Language{{ISOCode: "en", Level: "B2"}}}},
		Conditions: vivier.JSONB[vivier.Conditions]{V: vivier.Conditions{SalaryTitulaire: "Selon grille", WorkingTime: "TEMPS_PLEIN",
			OpenToMilitary: "OUI", OpeningNoteURL: "https://exemple.gouv.fr/note.pdf"}},
		Contacts:  vivier.JSONB[[]vivier.Contact]{V: []vivier.Contact{{Email: "rh@prefecture.gouv.fr", Name: "Service RH"}}},
		PublishAt: &start, EndAt: &end}
	return o
}

func (f *cspFixture) publish(t *testing.T, o *vivier.Offer) *vivier.Offer {
	t.Helper()
	ctx := context.Background()
	if err := f.store.CreateOffer(ctx, f.adm.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.MoveOffer(ctx, f.adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	return o
}

// sync runs the publication task of the administration, as the relay would
// hand it over.
func (f *cspFixture) sync(id string, adm int64) error {
	b, err := json.Marshal(vivier.CSPTask{AdministrationID: adm})
	if err != nil {
		return err
	}
	return f.runTask(vivier.TaskCSPSync, id, b)
}

func (f *cspFixture) state(t *testing.T, offer int64) *vivier.CSPOfferState {
	t.Helper()
	st, err := f.store.CSPOfferStateOf(context.Background(), f.adm.ID, offer)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func (f *cspFixture) pendingOutbox(t *testing.T, taskType string) int {
	t.Helper()
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM outbox WHERE task_type = $1 AND relayed_at IS NULL`, taskType); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCSPPublishesChangesAndArchives(t *testing.T) {
	t.Parallel()
	f := newCSPFixture(t, 1000, time.Minute)
	ctx := context.Background()
	skills, err := f.store.Competences(ctx, true)
	if err != nil || len(skills) == 0 {
		t.Fatalf("no seeded skills: %v", err)
	}
	var offers []*vivier.Offer
	for i := range 250 {
		o := cspOffer(i)
		if i == 7 {
			o.CompetenceIDs = []int64{skills[0].ID}
		}
		offers = append(offers, f.publish(t, o))
	}
	// One waiting outbox row for the 250 publications: its task sends them all.
	if n := f.pendingOutbox(t, vivier.TaskCSPSync); n != 1 {
		t.Fatalf("%d outbox rows for CSP, want 1", n)
	}
	if err := f.sync("sync-1", f.adm.ID); err != nil {
		t.Fatal(err)
	}
	calls := f.csp.Calls()
	if len(calls) != 3 {
		t.Fatalf("%d calls, want 3 batches", len(calls))
	}
	for i, want := range []int{100, 100, 50} {
		if calls[i].Path != "/api/v1/offres/creer_modifier" || len(calls[i].Offers) != want || calls[i].SourceID != f.source || calls[i].Status != 201 {
			t.Fatalf("call %d: %s with %d offers (source %s) → %d", i, calls[i].Path, len(calls[i].Offers), calls[i].SourceID, calls[i].Status)
		}
	}
	for _, o := range offers {
		if st := f.state(t, o.ID); st.State != vivier.CSPSent || st.Pending != nil || st.SentAt == nil {
			t.Fatalf("offer %s: %+v", o.Reference, st)
		}
	}
	got := f.csp.Offer(f.source, "PREF-007")
	if got["titre"] != "Développeur·se n°7" || got["url_candidature"] != fmt.Sprintf("http://vivier.test/offres/%d/postuler", offers[7].ID) {
		t.Fatalf("offer as CSP has it: %v", got)
	}
	if crit, _ := got["criteres"].(map[string]any); fmt.Sprint(crit["competences_requises"]) != "[Go "+skills[0].Label+"]" {
		t.Fatalf("skills as CSP has them: %v", crit["competences_requises"])
	}
	// Nothing left: a second run calls nobody.
	if err := f.sync("sync-2", f.adm.ID); err != nil || len(f.csp.Calls()) != 3 {
		t.Fatalf("idle run: %v, %d calls", err, len(f.csp.Calls()))
	}

	changed := offers[42]
	changed.Title = "Développeuse ou développeur Go"
	if err := f.store.UpdateOffer(ctx, f.adm.ID, changed, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := f.sync("sync-3", f.adm.ID); err != nil {
		t.Fatal(err)
	}
	calls = f.csp.Calls()
	if len(calls) != 4 || len(calls[3].Offers) != 1 || f.csp.Offer(f.source, changed.Reference)["titre"] != changed.Title {
		t.Fatalf("after a change: %d calls, CSP has %v", len(calls), f.csp.Offer(f.source, changed.Reference)["titre"])
	}

	closed := offers[3]
	if err := f.store.MoveOffer(ctx, f.adm.ID, closed.ID, vivier.OfferClosed, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := f.sync("sync-4", f.adm.ID); err != nil {
		t.Fatal(err)
	}
	calls = f.csp.Calls()
	if len(calls) != 5 || calls[4].Path != "/api/v1/offres/archiver" || calls[4].Reference != closed.Reference || !f.csp.Archived(f.source, closed.Reference) {
		t.Fatalf("after closing: %+v", calls[len(calls)-1])
	}
	if st := f.state(t, closed.ID); st.State != vivier.CSPArchived || st.ArchivedAt == nil || st.Pending != nil {
		t.Fatalf("closed offer: %+v", st)
	}
}

func TestCSPRejectionIsShownNotRetried(t *testing.T) {
	t.Parallel()
	f := newCSPFixture(t, 1000, time.Minute)
	ctx := context.Background()
	f.csp.Reject("PREF-001", "profession.domaine", "Ce code de domaine fonctionnel n'existe pas dans le RMFP.")
	good, bad := f.publish(t, cspOffer(0)), f.publish(t, cspOffer(1))
	noEnd := cspOffer(2)
	noEnd.EndAt = nil
	noEnd = f.publish(t, noEnd)
	if err := f.sync("sync-1", f.adm.ID); err != nil {
		t.Fatal(err)
	}
	if calls := f.csp.Calls(); len(calls) != 1 || len(calls[0].Offers) != 2 {
		t.Fatalf("calls: %+v (the offer without an end date must not be sent)", calls)
	}
	if st := f.state(t, good.ID); st.State != vivier.CSPSent {
		t.Fatalf("the accepted one: %+v", st)
	}
	st := f.state(t, bad.ID)
	if st.State != vivier.CSPRejected || st.Pending != nil || len(st.Errors.V) != 1 || st.Errors.V[0].Field != "profession.domaine" ||
		st.Errors.V[0].Label != "Domaine fonctionnel" || st.Errors.V[0].Messages[0] != "Ce code de domaine fonctionnel n'existe pas dans le RMFP." {
		t.Fatalf("the rejected one: %+v", st)
	}
	st = f.state(t, noEnd.ID)
	if st.State != vivier.CSPRejected || len(st.Errors.V) != 1 || st.Errors.V[0].Field != "publication.fin_publication" {
		t.Fatalf("the one without an end date: %+v", st)
	}
	// Not retried blindly: a run calls nobody.
	if err := f.sync("sync-2", f.adm.ID); err != nil || len(f.csp.Calls()) != 1 {
		t.Fatalf("a run after the rejection: %v, %d calls", err, len(f.csp.Calls()))
	}
	// The recruiter asks again once CSP's reason is dealt with.
	f.csp.Accept("PREF-001")
	if err := f.store.ResendCSP(ctx, f.adm.ID, bad.ID, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := f.sync("sync-3", f.adm.ID); err != nil {
		t.Fatal(err)
	}
	if st := f.state(t, bad.ID); st.State != vivier.CSPSent || len(st.Errors.V) != 0 {
		t.Fatalf("sent again: %+v", st)
	}
}

func TestCSPRetriesWhenUnavailable(t *testing.T) {
	t.Parallel()
	f := newCSPFixture(t, 1000, time.Minute)
	o := f.publish(t, cspOffer(0))
	f.csp.Fail(503)
	err := f.sync("sync-1", f.adm.ID)
	if err == nil || strings.Contains(err.Error(), "skip retry") {
		t.Fatalf("a 503 must be retried by Asynq, got %v", err)
	}
	if st := f.state(t, o.ID); st.State != vivier.CSPNotSent || st.Pending == nil || !strings.Contains(st.LastError, "indisponible (503") {
		t.Fatalf("after the 503: %+v", st)
	}
	// Asynq's retry: the same task again.
	if err := f.sync("sync-1", f.adm.ID); err != nil {
		t.Fatal(err)
	}
	if st := f.state(t, o.ID); st.State != vivier.CSPSent || st.LastError != "" {
		t.Fatalf("after the retry: %+v", st)
	}
	if calls := f.csp.Calls(); len(calls) != 2 || calls[0].Status != 503 || calls[1].Status != 201 {
		t.Fatalf("calls: %+v", calls)
	}
}

func TestCSPRefusedKeyAlertsTheAdministrators(t *testing.T) {
	t.Parallel()
	f := newCSPFixture(t, 1000, time.Minute)
	ctx := context.Background()
	f.csp.SetKey("cle-secrete-2") // CSP revoked the first one
	o := f.publish(t, cspOffer(0))
	if err := f.sync("sync-1", f.adm.ID); err != nil {
		t.Fatal(err)
	}
	set, err := f.store.CSPSettingsOf(ctx, f.adm.ID)
	if err != nil || !strings.Contains(set.AuthError, "refuse la clé d'API (401") || set.AuthErrorAt == nil {
		t.Fatalf("settings: %+v, %v", set, err)
	}
	if st := f.state(t, o.ID); st.Pending == nil || st.State != vivier.CSPNotSent {
		t.Fatalf("the offer waits for a new key: %+v", st)
	}
	// The alert went through the outbox; its task mails each administrator once.
	var alert int64
	if err := f.db.Get(&alert, `SELECT id FROM outbox WHERE task_type = $1`, vivier.TaskCSPAuthAlert); err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(vivier.CSPTask{AdministrationID: f.adm.ID})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := f.runTask(vivier.TaskCSPAuthAlert, fmt.Sprint(alert), payload); err != nil {
			t.Fatal(err)
		}
	}
	msgs := f.smtp.Wait(t, 1, 10*time.Second)
	if len(msgs) != 1 || msgs[0].To[0] != "admin@prefecture.test" || !strings.Contains(msgs[0].Subject, "refuse la clé d'API") ||
		!strings.Contains(msgs[0].Text, "http://vivier.test/admin/prefecture/csp") {
		t.Fatalf("alert: %+v", msgs)
	}
	// Waiting: no call until a new key; a second failure does not alert again.
	if err := f.sync("sync-2", f.adm.ID); err != nil || len(f.csp.Calls()) != 1 {
		t.Fatalf("while the key is refused: %v, %d calls", err, len(f.csp.Calls()))
	}
	if err := f.store.SaveCSPSettings(ctx, f.adm.ID, vivier.CSPSettingsInput{Enabled: true, APIURL: f.csp.URL, SourceID: f.source,
		APIKey: "cle-secrete-2"}, "", f.box, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := f.sync("sync-3", f.adm.ID); err != nil {
		t.Fatal(err)
	}
	if st := f.state(t, o.ID); st.State != vivier.CSPSent {
		t.Fatalf("with the new key: %+v", st)
	}
}

// Three administrations sharing one CSP account archive 30 offers at once
// (one call each), from three tasks in parallel: the limiter never lets more
// calls go in a window than CSP's quota. What is checked is what the limiter
// granted, not when the calls reached CSP: a slow machine delays calls
// unevenly on their way, and could bunch up calls that were granted apart.
func TestCSPQuotaHoldsUnderABurst(t *testing.T) {
	t.Parallel()
	const quota, period = 6, time.Second
	f := newCSPFixture(t, quota, period)
	var mu sync.Mutex
	var grants []cspGrant
	f.worker.ObserveCSPGrants(func(_ string, asked, answered time.Time) {
		mu.Lock()
		defer mu.Unlock()
		grants = append(grants, cspGrant{asked, answered})
	})
	ctx := context.Background()
	adms := []*vivier.Administration{f.adm, f.newAdministration(t, "rectorat", "cle-secrete-1"), f.newAdministration(t, "ars", "cle-secrete-1")}
	var all [][]*vivier.Offer
	for a, adm := range adms {
		f.adm = adm
		var list []*vivier.Offer
		for i := range 10 {
			list = append(list, f.publish(t, cspOffer(a*100+i)))
		}
		all = append(all, list)
		if err := f.sync(fmt.Sprintf("publish-%d", a), adm.ID); err != nil {
			t.Fatal(err)
		}
	}
	before := len(f.csp.Calls())
	for a, adm := range adms {
		for _, o := range all[a] {
			if err := f.store.MoveOffer(ctx, adm.ID, o.ID, vivier.OfferClosed, vivier.Actor{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, len(adms))
	for a, adm := range adms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[a] = f.sync(fmt.Sprintf("archive-%d", a), adm.ID)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(f.csp.Calls()) - before; n != 30 {
		t.Fatalf("%d archive calls, want 30", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls := len(f.csp.Calls()); len(grants) != calls {
		t.Fatalf("%d grants for %d calls", len(grants), calls)
	}
	if most := mostGrantedWithin(grants, period); most > quota {
		t.Fatalf("the limiter granted %d calls within %s, the quota is %d", most, period, quota)
	}
}

// cspGrant is a call the limiter let go: the grant happened, on the
// limiter's clock, between asked and answered.
type cspGrant struct{ asked, answered time.Time }

// mostGrantedWithin returns the most grants that certainly fell within one
// window of length d: grants whose last answer came less than d after their
// first ask. Time spent waiting for Redis only widens a grant's bounds, so a
// slow machine can hide a burst but never make one up.
func mostGrantedWithin(grants []cspGrant, d time.Duration) int {
	most := 0
	for _, first := range grants {
		n := 0
		for _, g := range grants {
			if !g.asked.Before(first.asked) && g.answered.Sub(first.asked) < d {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}
