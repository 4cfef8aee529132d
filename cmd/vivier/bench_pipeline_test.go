package main

import (
	"fmt"
	"net/url"
	"sort"
	"testing"
	"time"
)

// BenchmarkPipelineList opens pages of an offer's list with 10 000
// applications, as a recruiter does (first and far pages, a step, a source,
// the full text, sorted by name, and the board), and reports the latency of
// one page over HTTP.
func BenchmarkPipelineList(b *testing.B) {
	p := startDemo(b, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "100000"})
	o := openOfferWithQuestion(b, p)
	seedApplications(b, p, o, 10000)
	if _, err := p.Store().DB().Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	c := newClient(b)
	page := func(u string) (int, string) {
		resp, body := get(b, c, u)
		return resp.StatusCode, body
	}
	_, login := page(p.URL + "/admin/connexion")
	m := csrfRE.FindStringSubmatch(login)
	if m == nil {
		b.Fatal("no CSRF token")
	}
	resp, err := c.PostForm(p.URL+"/admin/connexion", url.Values{"_csrf": {m[1]}, "email": {"recruteur@ville-demo.vivier.test"}, "password": {DemoPassword}})
	if err != nil || resp.StatusCode != 303 {
		b.Fatalf("sign in: %v", err)
	}
	resp.Body.Close()
	steps, err := p.Store().Steps(b.Context(), o.AdministrationID)
	if err != nil {
		b.Fatal(err)
	}
	base := fmt.Sprintf("%s/admin/ville-demo/offres/%d", p.URL, o.ID)
	urls := []string{base + "/candidatures", base + "/candidatures?page=150", fmt.Sprintf("%s/candidatures?etape=%d", base, steps[0].ID),
		base + "/candidatures?source=linkedin", base + "/candidatures?q=haies", base + "/candidatures?tri=nom&page=20", base + "/tableau"}
	var lat []time.Duration
	b.ResetTimer()
	i := 0
	for b.Loop() {
		start := time.Now()
		if status, _ := page(urls[i%len(urls)]); status != 200 {
			b.Fatalf("GET %s = %d", urls[i%len(urls)], status)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}
