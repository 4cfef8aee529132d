package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vivier"
)

var jsonLDRE = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// TestJobPostingAndIndexing checks the offer page's JobPosting (place,
// pay, end of validity), that a closed offer asks not to be indexed, and
// that the sitemap lists the published offers only.
func TestJobPostingAndIndexing(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	ids := publishOffers(t, p)
	ctx := context.Background()
	s := p.Store()
	adm, err := s.AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.OfferByID(ctx, adm.ID, ids["V-1"])
	if err != nil {
		t.Fatal(err)
	}
	o.EndAt = nil
	o.Conditions.V.SalaryContractuel = "De 2 000 € à 2 500 € bruts mensuels"
	o.Locations[0].Label = "Nantes 44000"
	if err := s.UpdateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	jobPosting := func(id int64) (map[string]any, string, string) {
		t.Helper()
		resp, body := get(t, c, p.URL+"/offres/"+itoa(id))
		if resp.StatusCode != 200 {
			t.Fatalf("offer %d = %d", id, resp.StatusCode)
		}
		head, _, _ := strings.Cut(body, "</head>")
		m := jsonLDRE.FindStringSubmatch(body)
		if m == nil {
			return nil, head, resp.Header.Get("X-Robots-Tag")
		}
		var jp map[string]any
		if err := json.Unmarshal([]byte(m[1]), &jp); err != nil {
			t.Fatal(err)
		}
		return jp, head, resp.Header.Get("X-Robots-Tag")
	}
	jp, head, robots := jobPosting(ids["V-1"])
	if jp == nil || strings.Contains(head, "noindex") || robots != "" {
		t.Fatalf("a published offer: JobPosting %v, noindex in head or header %q", jp, robots)
	}
	address := jp["jobLocation"].([]any)[0].(map[string]any)["address"].(map[string]any)
	if address["postalCode"] != "44000" || address["addressRegion"] != "Pays de la Loire" || address["addressLocality"] != "Nantes 44000" {
		t.Errorf("address = %v", address)
	}
	salary, _ := json.Marshal(jp["baseSalary"])
	if string(salary) != `{"@type":"MonetaryAmount","currency":"EUR","value":{"@type":"QuantitativeValue","maxValue":2500,"minValue":2000,"unitText":"MONTH"}}` {
		t.Errorf("baseSalary = %s", salary)
	}
	// No end of publication: a month from now.
	through, err := time.Parse(time.RFC3339, jp["validThrough"].(string))
	if err != nil || through.Before(time.Now().Add(29*24*time.Hour)) || through.After(time.Now().Add(31*24*time.Hour)) {
		t.Errorf("validThrough without an end = %v (%v)", jp["validThrough"], err)
	}
	// An end of publication is the validity; a grid gives no salary.
	jp, _, _ = jobPosting(ids["M-1"])
	end, err := s.OfferByID(ctx, mustAdm(t, p, "ministere-demo"), ids["M-1"])
	if err != nil {
		t.Fatal(err)
	}
	if through, err := time.Parse(time.RFC3339, jp["validThrough"].(string)); err != nil || !through.Equal(end.EndAt.Truncate(time.Second)) || jp["baseSalary"] != nil {
		t.Errorf("validThrough %v, want %v; baseSalary %v", jp["validThrough"], end.EndAt, jp["baseSalary"])
	}
	// Closed: noindex in the head and the header, no JobPosting, not in the sitemap.
	jp, head, robots = jobPosting(ids["V-3"])
	if jp != nil || !strings.Contains(head, `<meta name="robots" content="noindex">`) || robots != "noindex" {
		t.Errorf("a closed offer: JobPosting %v, X-Robots-Tag %q, head:\n%s", jp, robots, head)
	}
	_, sitemap := get(t, c, p.URL+"/sitemap.xml")
	for ref, want := range map[string]bool{"V-1": true, "M-1": true, "V-3": false, "V-4": false, "V-5": false} {
		if got := strings.Contains(sitemap, "/offres/"+itoa(ids[ref])+"</loc>"); got != want {
			t.Errorf("%s in the sitemap: %v, want %v", ref, got, want)
		}
	}
	if err := s.MoveOffer(ctx, adm.ID, ids["V-1"], vivier.OfferClosed, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, sitemap := get(t, c, p.URL+"/sitemap.xml"); strings.Contains(sitemap, "/offres/"+itoa(ids["V-1"])+"</loc>") {
		t.Error("a closed offer stays in the sitemap")
	}
}

func mustAdm(t *testing.T, p *program, slug string) int64 {
	t.Helper()
	a, err := p.Store().AdministrationBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// TestOpenDataPage: /donnees documents every column of the schema, is
// linked from the footer, and passes axe.
func TestOpenDataPage(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"API_RATE_LIMIT_PER_MINUTE": "77"})
	c := newClient(t)
	resp, body := get(t, c, p.URL+"/donnees")
	if resp.StatusCode != 200 || !strings.Contains(body, vivier.OpenDataLicenceURL) || !strings.Contains(body, "77 requêtes par minute") {
		t.Fatalf("/donnees = %d:\n%s", resp.StatusCode, body)
	}
	for _, f := range vivier.ChangeFields {
		if !strings.Contains(body, "<code>"+f.Name+"</code>") {
			t.Errorf("/donnees does not document the column %s", f.Name)
		}
	}
	if _, home := get(t, c, p.URL+"/"); !strings.Contains(home, `href="/donnees">Données ouvertes</a>`) {
		t.Error("the footer does not link /donnees")
	}
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/donnees"), chromedp.WaitVisible("footer")); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "/donnees")
	screenshot(t, ctx, laptop, "donnees")
	screenshot(t, ctx, phone, "donnees")
	noConsoleErrors(t, console)
}
