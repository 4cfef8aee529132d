package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"vivier"
)

// statsTenants gives ministere-demo an offer with 3 applications (one moved
// to Présélection) and ville-demo an offer with 5, none moved.
func statsTenants(t *testing.T, p *program) (mine, theirs *vivier.Offer) {
	t.Helper()
	ctx := context.Background()
	theirs = openOfferWithQuestion(t, p)
	adm, err := p.Store().AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	mine = &vivier.Offer{Kind: vivier.KindEmploi, Reference: "STATS-1", Versant: adm.Versant, Title: "Statisticien·ne",
		Mission: "Compter ce qui compte.", CVPolicy: "required",
		Questions: theirs.Questions}
	if err := p.Store().CreateOffer(ctx, adm.ID, mine, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().MoveOffer(ctx, adm.ID, mine.ID, vivier.OfferPublished, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if mine, err = p.Store().OfferByID(ctx, adm.ID, mine.ID); err != nil {
		t.Fatal(err)
	}
	ids := seedApplications(t, p, mine, 3)
	if _, err := p.Store().MoveApplication(ctx, adm.ID, ids[0], vivier.Move{StageID: stepID(t, p, adm.ID, "Présélection")},
		vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	// ville-demo's candidates have other emails than ministere-demo's.
	for i := range 5 {
		sub := &vivier.Submission{FirstName: "Autre", LastName: fmt.Sprint("Ville", i), Email: fmt.Sprintf("ville%d@exemple.fr", i),
			Source: "salon", Answers: map[string]string{"permis": "oui"}, Consent: true, CV: mineCV(t), IdempotencyKey: fmt.Sprintf("00000000-0000-4000-8000-%012d", i)}
		if err := sub.Validate(theirs); err != nil {
			t.Fatal(err)
		}
		if _, _, err := p.Store().Apply(ctx, sub, theirs, p.files); err != nil {
			t.Fatal(err)
		}
	}
	return mine, theirs
}

func mineCV(t *testing.T) *vivier.Upload {
	data := pdfBytes(t, "", "Statisticienne")
	d, err := vivier.CheckDocument("cv.pdf", data, 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	return &vivier.Upload{Document: *d, Data: data}
}

func TestStatisticsPageAndExport(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	mine, theirs := statsTenants(t, p)
	c, _ := signInAs(t, p, "lecteur@ministere-demo.vivier.test")
	resp, body := get(t, c, p.URL+"/admin/ministere-demo/statistiques")
	if resp.StatusCode != 200 {
		t.Fatalf("statistics = %d", resp.StatusCode)
	}
	for _, want := range []string{`role="img"`, `<title id="chart-etapes-title">`, `<caption>Candidatures par source`,
		"3</p><p class=\"fr-text--sm\">candidatures reçues", "Statisticien·ne (STATS-1)", `href="/admin/ministere-demo/statistiques"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(body, "Jardinier·ère des parcs") || strings.Contains(body, "Un salon ou un forum") {
		t.Error("ministere-demo's statistics show ville-demo's offer or applications")
	}

	// The CSV of all tables, then of one.
	resp, body = get(t, c, p.URL+"/admin/ministere-demo/statistiques/export")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(body, "\ufeff") {
		t.Fatalf("export = %d %v %q", resp.StatusCode, resp.Header, body[:min(40, len(body))])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma, r.FieldsPerRecord = ';', -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// find returns the first row starting with first (and as long as
	// want, when given: step names are category names too).
	find := func(rows [][]string, first string, want ...int) []string {
		for _, row := range rows {
			if row[0] == first && (len(want) == 0 || len(row) == want[0]) {
				return row
			}
		}
		return nil
	}
	if got := find(rows, "Candidatures reçues"); len(got) != 2 || got[1] != "3" {
		t.Errorf("received row %q", got)
	}
	if got := find(rows, "Présélection", 5); len(got) != 5 || got[2] != "1" || got[4] != "1" {
		t.Errorf("Présélection row %q", got)
	}
	if got := find(rows, "Nouvelle", 5); len(got) < 5 || got[2] != "3" || got[4] != "2" {
		t.Errorf("Nouvelle row %q", got)
	}
	for _, title := range []string{"Indicateurs", "Candidatures par source", "Entonnoir par étape", "Temps passé à chaque étape", "Offres publiées sans candidature"} {
		if find(rows, title) == nil {
			t.Errorf("the export lacks the table %q", title)
		}
	}
	if strings.Contains(body, "salon") || strings.Contains(body, "Jardinier") {
		t.Error("the export holds ville-demo's data")
	}
	resp, body = get(t, c, p.URL+"/admin/ministere-demo/statistiques/export?tableau=sources&offre="+fmt.Sprint(mine.ID))
	r = csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	rows, err = r.ReadAll()
	if err != nil || resp.StatusCode != 200 || len(rows) < 2 || strings.Join(rows[0], ";") != "Source;Candidatures;Part (%)" {
		t.Fatalf("sources export = %d %q %v", resp.StatusCode, rows, err)
	}
	total := 0
	for _, row := range rows[1:] {
		var n int
		if _, err := fmt.Sscan(row[1], &n); err != nil {
			t.Fatal(err)
		}
		total += n
	}
	if total != 3 {
		t.Errorf("sources add up to %d: %q", total, rows)
	}

	// Bad input: a clear message and the right status.
	for u, want := range map[string]int{
		"/admin/ministere-demo/statistiques?du=demain":                                             422,
		"/admin/ministere-demo/statistiques?du=2026-05-01&au=2026-04-01":                           422,
		"/admin/ministere-demo/statistiques?offre=abc":                                             422,
		"/admin/ministere-demo/statistiques?offre=" + fmt.Sprint(theirs.ID):                        404,
		"/admin/ministere-demo/statistiques/export?offre=" + fmt.Sprint(theirs.ID):                 404,
		"/admin/ministere-demo/statistiques?administration=" + fmt.Sprint(theirs.AdministrationID): 404,
		"/admin/ministere-demo/statistiques/export?tableau=inconnu":                                404,
		"/admin/ministere-demo/statistiques/export?au=x":                                           422,
	} {
		resp, body := get(t, c, p.URL+u)
		if resp.StatusCode != want || strings.Contains(body, "Jardinier") {
			t.Errorf("%s = %d, want %d", u, resp.StatusCode, want)
		}
	}
	if _, body := get(t, c, p.URL+"/admin/ministere-demo/statistiques?du=2026-05-01&au=2026-04-01"); !strings.Contains(body, "La date de fin doit suivre la date de début.") {
		t.Error("no message for a period that ends before it starts")
	}

	// An agent of ville-demo cannot read ministere-demo's figures, and
	// reads only its own.
	other, _ := signInAs(t, p, "admin@ville-demo.vivier.test")
	for _, u := range []string{"/admin/ministere-demo/statistiques", "/admin/ministere-demo/statistiques/export",
		"/admin/ministere-demo/statistiques/export?tableau=indicateurs"} {
		if resp, body := get(t, other, p.URL+u); !denied(resp.StatusCode, body) || strings.Contains(body, "Statisticien") {
			t.Errorf("ville-demo's admin on %s = %d", u, resp.StatusCode)
		}
	}
	resp, body = get(t, other, p.URL+"/admin/ville-demo/statistiques/export?tableau=indicateurs")
	if resp.StatusCode != 200 || !strings.Contains(body, "Candidatures reçues;5") || strings.Contains(body, "Statisticien") {
		t.Errorf("ville-demo's own export = %d %q", resp.StatusCode, body)
	}
	resp, body = get(t, other, p.URL+"/admin/ville-demo/statistiques?administration="+fmt.Sprint(mine.AdministrationID))
	if resp.StatusCode != 404 || strings.Contains(body, "Statisticien") {
		t.Errorf("ville-demo's page scoped to ministere-demo = %d", resp.StatusCode)
	}
}

// The statistics page passes axe, with its charts and tables.
func TestStatisticsInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	statsTenants(t, p)
	equalityApplications(t, p)
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, signInActions(p, "lecteur@ministere-demo.vivier.test")...); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/admin/ministere-demo/statistiques"),
		chromedp.WaitVisible(`#table-etapes`),
		chromedp.WaitVisible(`#table-egalite`),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "statistics")
	for _, size := range [][2]int64{phone, laptop} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1]), chromedp.ScrollIntoView(`#section-egalite`)); err != nil {
			t.Fatal(err)
		}
		screenshot(t, ctx, size, "equality")
	}
	// The filter form, by keyboard: only the spontaneous applications.
	if err := chromedp.Do(ctx,
		chromedp.SetValue(`#s-offre`, "spontanees"),
		// The table is on the page before too: wait for the answer's page.
		submitting(`#stats-filter button[type="submit"]`),
		chromedp.WaitVisible(`#table-indicateurs`),
	); err != nil {
		t.Fatal(err)
	}
	figures, err := chromedp.Run(ctx, chromedp.Text(`#stats-figures`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(figures, "0") || !strings.Contains(figures, "candidature reçue") {
		t.Errorf("figures of the spontaneous applications: %q", figures)
	}
	axeCheck(t, ctx, "statistics of the spontaneous applications")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/admin/ministere-demo/statistiques?du=2026-05-01&au=2026-04-01"),
		chromedp.WaitVisible(`#s-au-error`),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "statistics filter with an error")
	noConsoleErrors(t, console)
}
