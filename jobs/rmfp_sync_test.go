package jobs_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/lib/pq"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/ingrestest"
)

// The RMFP métiers kept current from INGRES through PISTE, against a fake
// of both: creation (and a new domaine fonctionnel), renaming, retirement
// and return, a métier deactivated by hand left so, one typed by hand left
// alone, an offer keeping its retired métier; the OAuth2 token reused while
// valid, renewed when it expires or when INGRES refuses it; server errors,
// an empty list and wrong credentials changing nothing.
func TestRMFPSyncFromINGRES(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fake := ingrestest.New(t)
	f := loopbackFixture(t)
	cfg := jobs.INGRESConfig{OAuthURL: fake.URL, URL: fake.INGRESURL, ClientID: fake.ClientID, ClientSecret: fake.Secret}
	w := f.newWorker(t, jobs.Config{INGRES: cfg})
	// One task id for every run: each is a retry of the day's run, which
	// the period's claim lets through.
	sync := func(w *jobs.Worker) error {
		return w.Mux().ProcessTask(jobs.WithTaskID("rmfp-test"), asynq.NewTask(vivier.TaskRMFPSync, nil))
	}
	type row struct {
		ID                                int64
		Label, LabelLong, Domaine, Family string
		FamilyLabel, Definition, Source   string
		Versants                          []string
		Active                            bool
	}
	metier := func(code string) row {
		t.Helper()
		var r row
		err := f.store.DB().QueryRowContext(ctx, `SELECT id, label, label_long, domaine_code, family_code, family_label,
			definition, source, versants, active FROM metiers WHERE code = $1`, code).Scan(&r.ID, &r.Label, &r.LabelLong,
			&r.Domaine, &r.Family, &r.FamilyLabel, &r.Definition, &r.Source, pq.Array(&r.Versants), &r.Active)
		if err != nil {
			t.Fatalf("métier %s: %v", code, err)
		}
		return r
	}
	dev := ingrestest.Metier{Code: "ERNUM001", Court: "Développeur / Développeuse", Long: "Développeur ou développeuse d'applications",
		Domaine: "NUM", LibelleDomaine: "Numérique", Famille: "NUM01", LibFamille: "Développement et intégration",
		Definition: "Conçoit et réalise des applications.", FonctionPublique: []string{"FPE", "FPT", "FPH"}}
	nurse := ingrestest.Metier{Code: "ERSAN010", Court: "Infirmier / Infirmière", Domaine: "SAN", LibelleDomaine: "Santé",
		Famille: "SAN02", LibFamille: "Soins", FonctionPublique: "FPH"}
	buyer := ingrestest.Metier{Code: "ERACH003", Court: "Acheteur / Acheteuse", Domaine: "ACH", LibelleDomaine: "Achat",
		Famille: "ACH01", LibFamille: "Achat public", FonctionPublique: "FPE"}
	// A domaine that the table does not know yet, and an item with no code.
	space := ingrestest.Metier{Code: "ERSPA001", Court: "Opérateur / Opératrice satellite", Domaine: "ESP", LibelleDomaine: "Espace",
		Famille: "ESP01", LibFamille: "Opérations"}
	broken := ingrestest.Metier{Court: "Sans code", Domaine: "NUM"}

	// A métier typed by hand before any synchronisation.
	manual := &vivier.Metier{DomaineCode: "NUM", Label: "Métier local"}
	if err := f.store.AddMetier(ctx, manual, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}

	// Without credentials, the task does nothing.
	if err := sync(f.newWorker(t, jobs.Config{})); err != nil || fake.Tokens() != 0 {
		t.Fatalf("without INGRES: %v, %d tokens asked for", err, fake.Tokens())
	}

	// Creation.
	fake.SetMetiers(dev, nurse, buyer, space, broken)
	if err := sync(w); err != nil {
		t.Fatal(err)
	}
	got := metier("ERNUM001")
	if got.Label != dev.Court || got.LabelLong != dev.Long || got.Domaine != "NUM" || got.Family != "NUM01" ||
		got.FamilyLabel != dev.LibFamille || got.Definition != dev.Definition || got.Source != vivier.MetierINGRES ||
		!got.Active || strings.Join(got.Versants, ",") != "FPE,FPT,FPH" {
		t.Errorf("created: %+v", got)
	}
	if v := metier("ERSAN010").Versants; len(v) != 1 || v[0] != "FPH" {
		t.Errorf("a versant given as one string: %v", v)
	}
	var espace string
	if err := f.store.DB().GetContext(ctx, &espace, `SELECT label FROM domaines_fonctionnels WHERE code = 'ESP'`); err != nil || espace != "Espace" {
		t.Errorf("the new domaine: %q, %v", espace, err)
	}
	var n int
	if err := f.store.DB().GetContext(ctx, &n, `SELECT count(*) FROM metiers WHERE source = 'ingres'`); err != nil || n != 4 {
		t.Errorf("%d métiers from INGRES, want 4 (the item without a code left out): %v", n, err)
	}

	// An offer names the buyer's métier.
	adm := &vivier.Administration{Slug: "a", Name: "A", Versant: vivier.VersantEtat}
	if err := f.store.UpsertAdministration(ctx, adm); err != nil {
		t.Fatal(err)
	}
	buyerID := metier("ERACH003").ID
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "R", Versant: vivier.VersantEtat, Title: "Acheteur public", MetierID: &buyerID}
	if err := f.store.CreateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}

	// Renaming, retirement, a manual deactivation: the developer renamed,
	// the buyer no longer in force, the nurse deactivated by hand.
	nurseID := metier("ERSAN010").ID
	if err := f.store.SetReferentialActive(ctx, "metiers", nurseID, false, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	renamed := dev
	renamed.Court = "Développeur / Développeuse d'applications"
	fake.SetMetiers(renamed, nurse, space)
	if err := sync(w); err != nil {
		t.Fatal(err)
	}
	if got := metier("ERNUM001"); got.Label != renamed.Court || !got.Active {
		t.Errorf("renamed: %+v", got)
	}
	if got := metier("ERACH003"); got.Active || got.ID != buyerID {
		t.Errorf("retired: %+v", got)
	}
	if got := metier("ERSAN010"); got.Active {
		t.Error("a métier deactivated by hand was offered again")
	}
	var offerMetier int64
	if err := f.store.DB().GetContext(ctx, &offerMetier, `SELECT metier_id FROM offers WHERE id = $1`, o.ID); err != nil || offerMetier != buyerID {
		t.Errorf("the offer's métier after retirement: %d, %v", offerMetier, err)
	}
	active, err := f.store.Metiers(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range active {
		if m.ID == buyerID {
			t.Error("a retired métier is still offered")
		}
	}
	var local struct {
		Label, Source string
		Active        bool
	}
	if err := f.store.DB().QueryRowContext(ctx, `SELECT label, source, active FROM metiers WHERE id = $1`, manual.ID).
		Scan(&local.Label, &local.Source, &local.Active); err != nil || local.Label != "Métier local" || local.Source != "manual" || !local.Active {
		t.Errorf("the métier typed by hand: %+v, %v", local, err)
	}

	// The buyer in force again: offered again, under the same id.
	fake.SetMetiers(renamed, nurse, buyer, space)
	if err := sync(w); err != nil {
		t.Fatal(err)
	}
	if got := metier("ERACH003"); !got.Active || got.ID != buyerID {
		t.Errorf("back in force: %+v", got)
	}

	// The token: asked for once so far, reused while valid.
	if fake.Tokens() != 1 || fake.Lists() != 3 {
		t.Errorf("%d tokens for %d lists, want 1 for 3", fake.Tokens(), fake.Lists())
	}
	// INGRES refuses it (the gateway rotated its keys): a new one, once.
	fake.Revoke()
	if err := sync(w); err != nil || fake.Tokens() != 2 {
		t.Errorf("after a revocation: %v, %d tokens", err, fake.Tokens())
	}
	// Tokens that live a second are renewed before each call.
	fake.TokenLife(time.Second)
	fake.Revoke()
	for i := 0; i < 2; i++ {
		if err := sync(w); err != nil {
			t.Fatal(err)
		}
	}
	if fake.Tokens() != 4 {
		t.Errorf("short-lived tokens: %d given, want 4", fake.Tokens())
	}

	// Errors change nothing and are returned, for a retry: INGRES down, an
	// empty list, wrong credentials.
	fake.SetMetiers(dev)
	for _, status := range []int{http.StatusInternalServerError, http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		fake.Fail(status, 1)
		if err := sync(w); err == nil {
			t.Errorf("INGRES answering %d: no error", status)
		}
	}
	fake.SetMetiers()
	if err := sync(w); err == nil {
		t.Error("an empty list: no error")
	}
	wrong := cfg
	wrong.ClientSecret = "wrong"
	fake.SetMetiers(dev)
	if err := sync(f.newWorker(t, jobs.Config{INGRES: wrong})); err == nil || !strings.Contains(err.Error(), "PISTE") {
		t.Errorf("wrong credentials: %v", err)
	}
	if got := metier("ERACH003"); !got.Active {
		t.Error("a failed synchronisation retired a métier")
	}
	if got := metier("ERNUM001"); got.Label != renamed.Court {
		t.Errorf("a failed synchronisation renamed a métier: %q", got.Label)
	}
}
