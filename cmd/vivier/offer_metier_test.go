package main

import (
	"context"
	"strings"
	"testing"

	"vivier"
)

// An offer shows its RMFP métier as the referential describes it (long
// label, code, domaine, family, definition), and still does once the
// métier is retired from the referential.
func TestOfferPageShowsItsMetier(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", nil)
	if _, err := p.seedDemoOffers(ctx, []string{"ministere-demo"}); err != nil {
		t.Fatal(err)
	}
	dev := vivier.RMFPMetier{Code: "ERNUM001", Label: "Développeur / Développeuse", LabelLong: "Développeur ou développeuse d'applications",
		DomaineCode: "NUM", FamilyLabel: "Développement et intégration", Definition: "Conçoit et réalise des applications."}
	other := vivier.RMFPMetier{Code: "ERSAN010", Label: "Infirmier / Infirmière", DomaineCode: "SAN"}
	if _, err := p.Store().SyncMetiers(ctx, vivier.MetierINGRES, []vivier.RMFPMetier{dev, other}, true, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := p.Store().DB().GetContext(ctx, &id, `UPDATE offers SET metier_id = (SELECT id FROM metiers WHERE code = 'ERNUM001')
		WHERE id = (SELECT min(id) FROM offers WHERE status = 'published') RETURNING id`); err != nil {
		t.Fatal(err)
	}
	anon := newClient(t)
	check := func(when string) {
		t.Helper()
		resp, page := get(t, anon, p.URL+"/offres/"+itoa(id))
		if resp.StatusCode != 200 {
			t.Fatalf("%s: the offer = %d", when, resp.StatusCode)
		}
		for _, want := range []string{"<h2>Le métier</h2>", "Développeur ou développeuse d&#39;applications", "code RMFP ERNUM001",
			"Numérique", "Développement et intégration", "Conçoit et réalise des applications."} {
			if !strings.Contains(page, want) {
				t.Errorf("%s: the offer page lacks %q", when, want)
			}
		}
	}
	check("in force")
	if _, err := p.Store().SyncMetiers(ctx, vivier.MetierINGRES, []vivier.RMFPMetier{other}, true, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	check("retired")
}
