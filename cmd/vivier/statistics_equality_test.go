package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"vivier"
)

// equalityApplications gives ministere-demo an offer with 18 applications:
// 7 from women, 6 from men, 5 without a civility; 5 women, 5 men and 2
// without a civility shortlisted, one woman hired. Published, the
// shortlisted row hides the 2 and, by the secondary rule, one of the 5s.
func equalityApplications(t *testing.T, p *program) *vivier.Offer {
	t.Helper()
	ctx := context.Background()
	adm, err := p.Store().AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	actor := vivier.Actor{Email: "t@t"}
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "EGALITE-1", Versant: adm.Versant, Title: "Chargé·e d'études égalité",
		Mission: "Mesurer l'égalité.", CVPolicy: "required"}
	if err := p.Store().CreateOffer(ctx, adm.ID, o, actor); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, actor); err != nil {
		t.Fatal(err)
	}
	if o, err = p.Store().OfferByID(ctx, adm.ID, o.ID); err != nil {
		t.Fatal(err)
	}
	shortlist, hired := stepID(t, p, adm.ID, "Présélection"), stepID(t, p, adm.ID, "Recrutée")
	n := 0
	apply := func(k, moved int, civility string) {
		for i := range k {
			n++
			sub := &vivier.Submission{Civility: civility, FirstName: "Camille", LastName: fmt.Sprint("Égal", n), Email: fmt.Sprintf("egal%d@exemple.fr", n),
				Source: "linkedin", Consent: true, CV: mineCV(t), IdempotencyKey: fmt.Sprintf("00000000-0000-4000-9000-%012d", n)}
			if err := sub.Validate(o); err != nil {
				t.Fatal(err)
			}
			app, _, err := p.Store().Apply(ctx, sub, o, p.files)
			if err != nil {
				t.Fatal(err)
			}
			if i >= moved {
				continue
			}
			if _, err := p.Store().MoveApplication(ctx, adm.ID, app.ID, vivier.Move{StageID: shortlist}, actor); err != nil {
				t.Fatal(err)
			}
			if civility == "madame" && i == 0 {
				if _, err := p.Store().MoveApplication(ctx, adm.ID, app.ID, vivier.Move{StageID: hired}, actor); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	apply(7, 5, "madame")
	apply(6, 5, "monsieur")
	apply(5, 2, "")
	return o
}

func TestStatisticsEqualityFigures(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	o := equalityApplications(t, p)
	c, _ := signInAs(t, p, "lecteur@ministere-demo.vivier.test")
	resp, body := get(t, c, p.URL+"/admin/ministere-demo/statistiques?offre="+fmt.Sprint(o.ID))
	if resp.StatusCode != 200 {
		t.Fatalf("statistics = %d", resp.StatusCode)
	}
	for _, want := range []string{`<h2 id="h-egalite">Égalité femmes-hommes</h2>`, `<caption>Femmes et hommes à chaque étape`,
		`<th scope="col">Part des femmes (%)</th>`,
		`<tr><th scope="row">Candidatures</th><td>7</td><td>53,8</td><td>6</td><td>46,2</td><td>5</td><td>18</td></tr>`,
		`<tr><th scope="row">Présélectionnées</th><td>&lt; 5</td><td>—</td><td>5</td><td>—</td><td>&lt; 5</td><td>12</td></tr>`,
		`<tr><th scope="row">Recrutées</th><td>&lt; 5</td><td>—</td><td>&lt; 5</td><td>—</td><td>&lt; 5</td><td>&lt; 5</td></tr>`,
		"candidatures, 53,8\u00a0% de femmes et 46,2\u00a0% d&#39;hommes ; présélectionnées, parts non publiées",
		"un effectif inférieur à 5 s&#39;affiche « &lt; 5 »"} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}

	// The CSV of the figure: the same cells, the same hidden counts.
	resp, body = get(t, c, p.URL+"/admin/ministere-demo/statistiques/export?tableau=egalite&offre="+fmt.Sprint(o.ID))
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || resp.StatusCode != 200 || len(rows) != 5 {
		t.Fatalf("equality export = %d %q %v", resp.StatusCode, rows, err)
	}
	for i, want := range []string{
		"Étape;Femmes;Part des femmes (%);Hommes;Part des hommes (%);Non précisée;Total",
		"Candidatures;7;53,8;6;46,2;5;18",
		"Présélectionnées;< 5;—;5;—;< 5;12",
		"Reçues en entretien;< 5;—;< 5;—;< 5;< 5",
		"Recrutées;< 5;—;< 5;—;< 5;< 5",
	} {
		if got := strings.Join(rows[i], ";"); got != want {
			t.Errorf("row %d = %q, want %q", i, got, want)
		}
	}
	// The export of every table holds it too.
	if _, body := get(t, c, p.URL+"/admin/ministere-demo/statistiques/export"); !strings.Contains(body, "\nÉgalité femmes-hommes\n") ||
		!strings.Contains(body, "Présélectionnées;< 5;—;5;—;< 5;12") {
		t.Error("the export of all tables lacks the equality figures")
	}

	// ville-demo reads none of them: not on ministere-demo's pages, and its
	// own section counts nothing of ministere-demo's.
	other, _ := signInAs(t, p, "admin@ville-demo.vivier.test")
	for _, u := range []string{"/admin/ministere-demo/statistiques?offre=" + fmt.Sprint(o.ID),
		"/admin/ministere-demo/statistiques/export?tableau=egalite"} {
		if resp, body := get(t, other, p.URL+u); !denied(resp.StatusCode, body) || strings.Contains(body, "53,8") {
			t.Errorf("ville-demo's admin on %s = %d", u, resp.StatusCode)
		}
	}
	resp, body = get(t, other, p.URL+"/admin/ville-demo/statistiques")
	if resp.StatusCode != 200 || !strings.Contains(body, `<h2 id="h-egalite">`) || strings.Contains(body, "53,8") || strings.Contains(body, "<td>18</td>") ||
		!strings.Contains(body, `<tr><th scope="row">Candidatures</th><td>&lt; 5</td><td>—</td><td>&lt; 5</td><td>—</td><td>&lt; 5</td><td>&lt; 5</td></tr>`) {
		t.Errorf("ville-demo's own equality figures = %d", resp.StatusCode)
	}
	resp, body = get(t, other, p.URL+"/admin/ville-demo/statistiques?offre="+fmt.Sprint(o.ID))
	if resp.StatusCode != 404 || strings.Contains(body, "53,8") {
		t.Errorf("ville-demo's page on ministere-demo's offer = %d", resp.StatusCode)
	}
}
