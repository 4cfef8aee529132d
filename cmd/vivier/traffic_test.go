package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"vivier"
)

// TestMetricsAfterConcurrentMixedTraffic holds the rule "copy what is kept
// past the handler": thousands of concurrent requests of every kind (pages,
// searches, POSTs that CSRF refuses, not found, multipart, the API, a
// signed-in back-office page, methods Fiber does not route) go through one
// program, then /metrics must answer 200 and every label value must be one
// the program can produce. A label kept as a view of Fiber's request buffer
// reads as "POS" or "GETT" once the next request reuses it, and the
// registry then refuses to gather twice the same series.
func TestMetricsAfterConcurrentMixedTraffic(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "100000", "APPLY_RATE_PER_HOUR": "20"})
	o := openOfferWithQuestion(t, p)
	token := newAPIToken(t, p, "ministere-demo", vivier.ScopeRead)
	recruiter, _ := signInAs(t, p, "recruteur@ministere-demo.vivier.test")

	formType, form := multipartForm(t, map[string]string{"email": "trafic@exemple.fr"},
		map[string][]byte{"cv": pdfBytes(t, "", "Curriculum vitae")}, func(string) string { return "cv.pdf" })

	type call struct {
		method, path, contentType, auth string
		body                            []byte
		client                          *http.Client
	}
	plain := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	offer := "/offres/" + strconv.FormatInt(o.ID, 10)
	calls := []call{
		{method: "GET", path: "/"},
		{method: "GET", path: "/offres?q=jardinier&versant=FPT&page=2"},
		{method: "GET", path: offer},
		{method: "GET", path: "/employeurs/ministere-demo"},
		{method: "GET", path: "/n-existe-pas/" + strings.Repeat("x", 40)},
		{method: "GET", path: "/suivi/" + strings.Repeat("A", 43)},
		{method: "POST", path: "/admin/connexion", contentType: "application/x-www-form-urlencoded", body: []byte("email=a%40b.fr&password=x")},
		{method: "POST", path: offer + "/postuler", contentType: formType, body: form},
		{method: "GET", path: "/api/v1/offres", auth: "Bearer " + token},
		{method: "GET", path: "/api/v1/offres"},
		{method: "POST", path: "/api/v1/offres/creer_modifier", contentType: "application/json", auth: "Bearer " + token, body: []byte(`{"offres":[`)},
		{method: "GET", path: "/admin/ministere-demo/candidatures", client: recruiter},
		{method: "DELETE", path: offer},
		{method: "PROPFIND", path: "/"},
		{method: "HEAD", path: "/offres"},
	}

	const workers, perWorker = 24, 150 // 3 600 requests
	var wg sync.WaitGroup
	var routed atomic.Int64 // requests that reach the middleware
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				k := calls[(w+i)%len(calls)]
				req, err := http.NewRequest(k.method, p.URL+k.path, bytes.NewReader(k.body))
				if err != nil {
					errs <- err
					return
				}
				if k.contentType != "" {
					req.Header.Set("Content-Type", k.contentType)
				}
				if k.auth != "" {
					req.Header.Set("Authorization", k.auth)
				}
				c := k.client
				if c == nil {
					c = plain
				}
				resp, err := c.Do(req)
				if err != nil {
					errs <- fmt.Errorf("%s %s: %w", k.method, k.path, err)
					return
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					errs <- fmt.Errorf("%s %s: %w", k.method, k.path, err)
					return
				}
				if k.method != "PROPFIND" {
					routed.Add(1)
				} else if resp.StatusCode != http.StatusBadRequest {
					errs <- fmt.Errorf("PROPFIND = %d, want 400", resp.StatusCode)
					return
				}
				if resp.StatusCode >= 500 && k.method != "PROPFIND" {
					errs <- fmt.Errorf("%s %s = %d", k.method, k.path, resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	resp, err := plain.Get(p.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics = %d after the traffic: %s", resp.StatusCode, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	routes := map[string]bool{"middleware": true, "unmatched": true}
	for _, r := range p.app.GetRoutes(true) {
		routes[r.Path] = true
	}
	methods := map[string]bool{}
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"} {
		methods[m] = true
	}
	total := 0.0
	for _, name := range []string{"vivier_http_requests_total", "vivier_http_request_duration_seconds"} {
		f := families[name]
		if f == nil {
			t.Fatalf("/metrics lacks %s", name)
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				v := l.GetValue()
				ok := true
				switch l.GetName() {
				case "method":
					ok = methods[v]
				case "route":
					ok = routes[v]
				case "status":
					n, err := strconv.Atoi(v)
					ok = err == nil && n >= 100 && n <= 599 && strconv.Itoa(n) == v
				default:
					ok = false
				}
				if !ok {
					t.Errorf("%s has the label %s=%q, which no request can produce", name, l.GetName(), v)
				}
			}
			if name == "vivier_http_requests_total" {
				total += m.GetCounter().GetValue()
			}
		}
	}
	// Every routed request was counted (sign-in and seeding requests too).
	if sent := float64(routed.Load()); total < sent {
		t.Errorf("%v requests counted, want at least %v", total, sent)
	}
}
