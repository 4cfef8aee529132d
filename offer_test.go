package vivier_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vivier"
)

func newOfferWorld(t *testing.T) (*vivier.Store, *vivier.Administration, *vivier.Administration) {
	t.Helper()
	ctx := context.Background()
	s := newStore(t)
	a := &vivier.Administration{Slug: "a", Name: "A", Versant: vivier.VersantEtat}
	b := &vivier.Administration{Slug: "b", Name: "B", Versant: vivier.VersantTerritoriale}
	for _, adm := range []*vivier.Administration{a, b} {
		if err := s.UpsertAdministration(ctx, adm); err != nil {
			t.Fatal(err)
		}
	}
	return s, a, b
}

func sampleOffer(ref string) *vivier.Offer {
	dom := "NUM"
	lat, lng := 48.85, 2.35
	return &vivier.Offer{
		Kind: vivier.KindEmploi, Reference: ref, Versant: vivier.VersantEtat,
		Title: "Développeur·se back-end", Mission: "Concevoir et maintenir des services publics numériques.",
		Profile: "Expérience de Go et de PostgreSQL appréciée.", OrganisationName: "Direction du numérique",
		DomaineCode: &dom, Categories: []string{"A"}, ContractType: "TITULAIRE_CONTRACTUEL", ContractForms: []string{"CDD"},
		Workplace: "TELETRAVAIL", Experience: "CONFIRME",
		Locations:  []vivier.Location{{Country: "FRA", Region: "11", Departement: "75", Label: "Paris", Latitude: &lat, Longitude: &lng}},
		Conditions: vivier.JSONB[vivier.Conditions]{V: vivier.Conditions{SalaryTitulaire: "Selon grille"}},
	}
}

func TestOfferCreateAndScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	o := sampleOffer("REF-1")
	if err := s.CreateOffer(ctx, a.ID, o, vivier.Actor{Email: "r@a.fr"}); err != nil {
		t.Fatal(err)
	}
	if o.ID == 0 || o.Status != vivier.OfferDraft || o.AdministrationID != a.ID || o.Locations[0].Departement != "75" {
		t.Fatalf("created = %+v", o)
	}
	// Another administration sees nothing of it and cannot change it.
	if _, err := s.OfferByID(ctx, b.ID, o.ID); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("OfferByID through b = %v", err)
	}
	o.Title = "Changé par B"
	if err := s.UpdateOffer(ctx, b.ID, o, vivier.Actor{}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("UpdateOffer through b = %v", err)
	}
	if err := s.MoveOffer(ctx, b.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("MoveOffer through b = %v", err)
	}
	got, err := s.OfferByID(ctx, a.ID, o.ID)
	if err != nil || got.Title != "Développeur·se back-end" {
		t.Fatalf("OfferByID = %+v, %v", got, err)
	}
	// The reference is unique per administration and source.
	if err := s.CreateOffer(ctx, a.ID, sampleOffer("REF-1"), vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("duplicate reference: %v", err)
	}
	if err := s.CreateOffer(ctx, b.ID, sampleOffer("REF-1"), vivier.Actor{}); err != nil {
		t.Fatalf("the same reference in another administration: %v", err)
	}
	if list, err := s.OffersOf(ctx, a.ID, "", 0); err != nil || len(list) != 1 {
		t.Fatalf("OffersOf(a) = %d offers (%v)", len(list), err)
	}
}

func TestOfferValidation(t *testing.T) {
	t.Parallel()
	for field, mutate := range map[string]func(o *vivier.Offer){
		"kind":           func(o *vivier.Offer) { o.Kind = "cdi" },
		"title":          func(o *vivier.Offer) { o.Title = "  " },
		"categories":     func(o *vivier.Offer) { o.Categories = []string{"D"} },
		"contract_forms": func(o *vivier.Offer) { o.ContractForms = []string{"INTERIM"} },
		"contract_type":  func(o *vivier.Offer) { o.ContractType = "PRIVE" },
		"workplace":      func(o *vivier.Offer) { o.Workplace = "LUNE" },
		"end_at": func(o *vivier.Offer) {
			now := time.Now()
			before := now.Add(-time.Hour)
			o.PublishAt, o.EndAt = &now, &before
		},
		"organisation_siret": func(o *vivier.Offer) { o.OrganisationSIRET = "123" },
	} {
		o := sampleOffer("R")
		mutate(o)
		err := o.Validate()
		if vivier.ErrorCode(err) != vivier.EINVALID || fieldOf(err) != field {
			t.Errorf("%s: Validate = %v", field, err)
		}
	}
}

func TestOfferLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	o := sampleOffer("REF-2")
	if err := s.CreateOffer(ctx, a.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	// Scheduling needs a date to come.
	if err := s.MoveOffer(ctx, a.ID, o.ID, vivier.OfferScheduled, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("schedule without a date: %v", err)
	}
	soon := time.Now().Add(time.Hour)
	end := time.Now().Add(2 * time.Hour)
	o.PublishAt, o.EndAt = &soon, &end
	if err := s.UpdateOffer(ctx, a.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOffer(ctx, a.ID, o.ID, vivier.OfferScheduled, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	// A draft cannot be closed; a published offer cannot go back to draft.
	if err := s.MoveOffer(ctx, a.ID, o.ID, vivier.OfferClosed, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("close a scheduled offer: %v", err)
	}
	if p, c, err := s.PublishDueOffers(ctx); err != nil || p != 0 || c != 0 {
		t.Fatalf("before the date: %d published, %d closed, %v", p, c, err)
	}
	// The dates come: moved rather than waited for, so that a loaded
	// machine cannot make the test depend on timing.
	s.DB().MustExec(`UPDATE offers SET publish_at = now() - interval '1 second' WHERE id = $1`, o.ID)
	if p, _, err := s.PublishDueOffers(ctx); err != nil || p != 1 {
		t.Fatalf("at the date: %d published, %v", p, err)
	}
	got, err := s.OfferByID(ctx, a.ID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != vivier.OfferPublished || got.PublishedAt == nil {
		t.Fatalf("after the date: %+v", got.Status)
	}
	s.DB().MustExec(`UPDATE offers SET end_at = now() - interval '1 second' WHERE id = $1`, o.ID)
	if _, c, err := s.PublishDueOffers(ctx); err != nil || c != 1 {
		t.Fatalf("after the end: %d closed, %v", c, err)
	}
	got, err = s.OfferByID(ctx, a.ID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != vivier.OfferClosed || got.ClosedAt == nil {
		t.Fatalf("after the end: %+v", got.Status)
	}
	if err := s.MoveOffer(ctx, a.ID, o.ID, vivier.OfferArchived, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOffer(ctx, a.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("publish an archived offer: %v", err)
	}
	log, err := s.AuditLog(ctx, a.ID, vivier.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	want := []string{"offer.archived", "offer.closed", "offer.published", "offer.scheduled", "offer.updated", "offer.created"}
	if len(actions) != len(want) {
		t.Fatalf("audit = %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("audit = %v, want %v", actions, want)
		}
	}
}

// French search ignores accents and stems: "developpeurs" finds
// "Développeur·se".
func TestOfferSearchVector(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	if err := s.CreateOffer(ctx, a.ID, sampleOffer("REF-3"), vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"developpeur", "Développeurs", "services numeriques"} {
		var n int
		if err := s.DB().Get(&n, `SELECT count(*) FROM offers WHERE search @@ websearch_to_tsquery('french_unaccent', $1)`, q); err != nil || n != 1 {
			t.Errorf("search %q: %d, %v", q, n, err)
		}
	}
}

func fieldOf(err error) string {
	var e *vivier.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
