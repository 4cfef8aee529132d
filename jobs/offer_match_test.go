package jobs_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/embedtest"
)

// The minute's sweep finds each published offer's skills and, with an
// embeddings service, its vector; an edit makes both stale and the next
// run reads them again; a failing service leaves the vectors to the next
// run; a ranking with a profile's vector gives the meaning as a reason.
func TestOffersAreEmbedded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fake := embedtest.New(t)
	f := loopbackFixture(t)
	w := f.newWorker(t, jobs.Config{Embeddings: jobs.EmbeddingsConfig{URL: fake.URL, Key: fake.Key, Model: fake.Model}})
	sweep := func() {
		t.Helper()
		if err := w.Mux().ProcessTask(jobs.WithTaskID("match-test"), asynq.NewTask(vivier.TaskOfferMatch, nil)); err != nil {
			t.Fatal(err)
		}
	}
	adm := &vivier.Administration{Slug: "a", Name: "A", Versant: vivier.VersantHospitaliere}
	if err := f.store.UpsertAdministration(ctx, adm); err != nil {
		t.Fatal(err)
	}
	offers := map[string]*vivier.Offer{}
	for ref, text := range map[string][2]string{
		"NURSE": {"Infirmier de bloc opératoire", "Soins infirmiers au bloc opératoire, asepsie, instrumentation chirurgicale."},
		"BUYER": {"Acheteur public", "Passation des marchés publics, sourcing des fournisseurs."},
		"DRAFT": {"Infirmier de nuit", "Soins infirmiers de nuit."},
	} {
		o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: ref, Versant: adm.Versant, Title: text[0], Mission: text[1]}
		if err := f.store.CreateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
			t.Fatal(err)
		}
		if ref != "DRAFT" {
			if err := f.store.MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
				t.Fatal(err)
			}
		}
		offers[ref] = o
	}
	embedded := func() map[int64]int {
		t.Helper()
		var rows []struct {
			ID   int64 `db:"offer_id"`
			Dims int   `db:"dims"`
		}
		if err := f.store.DB().SelectContext(ctx, &rows, `SELECT offer_id, coalesce(array_length(embedding, 1), 0) AS dims FROM offer_match
			WHERE embedding_model = $1`, fake.Model); err != nil {
			t.Fatal(err)
		}
		got := map[int64]int{}
		for _, r := range rows {
			got[r.ID] = r.Dims
		}
		return got
	}
	// The service down: the skills are found, the vectors wait.
	fake.Fail(1)
	sweep()
	if got := embedded(); len(got) != 0 {
		t.Fatalf("vectors while the service fails: %v", got)
	}
	sweep()
	got := embedded()
	if len(got) != 2 || got[offers["NURSE"].ID] != embedtest.Dims || got[offers["BUYER"].ID] != embedtest.Dims {
		t.Fatalf("vectors = %v, want the two published offers'", got)
	}
	before := fake.Inputs()
	sweep()
	if fake.Inputs() != before {
		t.Fatal("an offer unchanged was embedded again")
	}
	// An edit: embedded again.
	buyer := offers["BUYER"]
	buyer.Mission = "Achats hospitaliers : marchés de dispositifs médicaux."
	if err := f.store.UpdateOffer(ctx, adm.ID, buyer, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	sweep()
	if fake.Inputs() != before+1 {
		t.Fatalf("%d texts embedded after the edit, want 1", fake.Inputs()-before)
	}

	// A text the service refuses (too long for its model) does not hold
	// back the others; it is not asked for again until its offer changes.
	fake.Refuse("TROPLONG")
	long := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "LONG", Versant: adm.Versant, Title: "Archiviste", Mission: "TROPLONG"}
	other := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "OTHER", Versant: adm.Versant, Title: "Bibliothécaire", Mission: "Lecture publique."}
	for _, o := range []*vivier.Offer{long, other} {
		if err := f.store.CreateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
			t.Fatal(err)
		}
		if err := f.store.MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	sweep()
	if got := embedded(); got[other.ID] != embedtest.Dims || got[long.ID] != 0 {
		t.Fatalf("with a refused text: %v", got)
	}
	before = fake.Inputs()
	sweep()
	if fake.Inputs() != before {
		t.Fatal("a refused text is asked for again")
	}
	fake.Refuse("")

	// A ranking with the profile's vector: the nurse's post is near by
	// its meaning, and says so.
	skills, err := f.store.SkillMatcher(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := vivier.MatchProfile{Vector: embedtest.Vector("Infirmière de bloc opératoire : instrumentation, asepsie"), Model: fake.Model}
	ranked, err := f.store.MatchOffers(ctx, p, vivier.MatchFilter{}, skills, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ranked) == 0 || ranked[0].ID != offers["NURSE"].ID || !strings.Contains(strings.Join(ranked[0].Reasons, " "), "Proche de votre profil par le sens") {
		t.Fatalf("ranked = %+v", ranked)
	}
	for _, r := range ranked {
		if r.ID == offers["DRAFT"].ID {
			t.Fatal("a draft is ranked")
		}
	}
}
