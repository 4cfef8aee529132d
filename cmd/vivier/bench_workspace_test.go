package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"testing"
	"time"
)

// BenchmarkWorkspace measures the recruiter's pages on the demo ministry at
// the scale of `vivier seed --workspace` (5 000 offers, 50 000
// applications over the ministry and its directions; with -short, 50 and
// 500): each page is a sub-benchmark reporting its p50 and p95 over HTTP,
// signed in as the ministry's recruiter. The seeding runs once, before any
// timer, and its time goes to the log:
//
//	go test -run '^$' -bench Workspace -benchtime 100x ./cmd/vivier
func BenchmarkWorkspace(b *testing.B) {
	size := workspaceSize{Offers: 5000, Applications: 50000}
	if testing.Short() {
		size = workspaceSize{Offers: 50, Applications: 500}
	}
	p := startDemo(b, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "100000", "LOG_LEVEL": "error"})
	start := time.Now()
	var out bytes.Buffer
	p.Out = &out
	if err := p.seedWorkspace(b.Context(), size); err != nil {
		b.Fatal(err)
	}
	// Logged by the first page: a parent benchmark's log does not show.
	seeded := fmt.Sprintf("seeded in %s: %s", time.Since(start).Round(time.Millisecond), out.String())
	c := workspaceClient(b, p, "recruteur@ministere-demo.vivier.test")
	for _, page := range workspacePages(b, p) {
		b.Run(page.name, func(b *testing.B) {
			if seeded != "" {
				b.Log(seeded)
				seeded = ""
			}
			var lat []time.Duration
			i := 0
			for b.Loop() {
				u := page.urls[i%len(page.urls)]
				t := time.Now()
				resp, _ := get(b, c, u)
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("GET %s = %d", u, resp.StatusCode)
				}
				lat = append(lat, time.Since(t))
				i++
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			pct := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
		})
	}
}

// workspacePage is one page of the benchmark: its URLs are taken in turn
// (several applications for the application view, so that no single row
// stays warm).
type workspacePage struct {
	name string
	urls []string
}

// workspacePages are the recruiter's pages over the seeded workspace, with
// today's URLs: each must answer 200 however its page is drawn.
func workspacePages(t testing.TB, p *program) []workspacePage {
	t.Helper()
	ctx := context.Background()
	db := p.Store().DB()
	var adm struct {
		ID   int64  `db:"id"`
		Slug string `db:"slug"`
	}
	if err := db.Get(&adm, `SELECT id, slug FROM administrations WHERE slug = 'ministere-demo'`); err != nil {
		t.Fatal(err)
	}
	// The ministry's offer with the most applications, and some of them.
	var big int64
	if err := db.Get(&big, `SELECT offer_id FROM applications WHERE administration_id = $1 AND offer_id IS NOT NULL
		GROUP BY offer_id ORDER BY count(*) DESC, offer_id LIMIT 1`, adm.ID); err != nil {
		t.Fatal(err)
	}
	var apps []int64
	if err := db.Select(&apps, `SELECT id FROM applications WHERE offer_id = $1 ORDER BY id LIMIT 20`, big); err != nil || len(apps) == 0 {
		t.Fatalf("applications of offer %d: %v", big, err)
	}
	var name string
	if err := db.Get(&name, `SELECT last_name FROM applications WHERE administration_id = $1 ORDER BY id LIMIT 1`, adm.ID); err != nil {
		t.Fatal(err)
	}
	steps, err := p.Store().Steps(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	base := p.URL + "/admin/" + adm.Slug
	offer := fmt.Sprintf("%s/offres/%d", base, big)
	q := url.QueryEscape
	var view, viewFromOffer, viewFromList []string
	for _, id := range apps {
		view = append(view, fmt.Sprintf("%s/candidatures/%d", base, id))
		viewFromOffer = append(viewFromOffer, fmt.Sprintf("%s/candidatures/%d?de=offre&offre=%d", base, id, big))
		viewFromList = append(viewFromList, fmt.Sprintf("%s/candidatures/%d?de=liste&tri=nom", base, id))
	}
	one := func(name, u string) workspacePage { return workspacePage{name, []string{u}} }
	return []workspacePage{
		one("dashboard", base),
		one("applications", base+"/candidatures"),
		one("applications-waiting", base+"/candidatures?decision=attente&delai=proche"),
		one("applications-far-page", base+"/candidatures?page=200"),
		one("applications-search", base+"/candidatures?q="+q(name)),
		one("applications-by-name", base+"/candidatures?tri=nom"),
		one("applications-step", fmt.Sprintf("%s/candidatures?etape=%d", base, steps[1].ID)),
		one("applications-spontaneous", base+"/candidatures?type=spontanees"),
		one("offer-applications", offer+"/candidatures"),
		one("offer-applications-far-page", offer+"/candidatures?page=20"),
		one("offer-applications-search", offer+"/candidatures?q="+q(name)),
		one("board", offer+"/tableau"),
		one("offers", base+"/offres"),
		one("offers-far-page", base+"/offres?page=100"),
		one("offers-search", base+"/offres?q=juriste"),
		one("offers-by-applications", base+"/offres?tri=candidatures"),
		one("talent-pool", base+"/vivier"),
		one("talent-pool-far-page", base+"/vivier?page=50"),
		one("talent-pool-search", base+"/vivier?q="+q(name)),
		{"application", view},
		{"application-from-offer", viewFromOffer},
		{"application-from-list", viewFromList},
	}
}

// workspaceClient signs an agent in.
func workspaceClient(t testing.TB, p *program, email string) *http.Client {
	t.Helper()
	c := newClient(t)
	_, login := get(t, c, p.URL+"/admin/connexion")
	resp, _ := postForm(t, c, p.URL+"/admin/connexion", url.Values{"_csrf": {csrfToken(t, login)}, "email": {email}, "password": {DemoPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s = %d", email, resp.StatusCode)
	}
	return c
}
