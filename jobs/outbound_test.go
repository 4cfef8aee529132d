package jobs_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/jobstest"
)

// counting is a server on the machine itself that says what a metadata
// service would, and counts who reached it.
func counting(t *testing.T, listen string, tls bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	hits := &atomic.Int32{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "ami-id: SECRET-INTERNE", http.StatusInternalServerError)
	})
	srv := httptest.NewUnstartedServer(h)
	if listen != "" {
		ln, err := net.Listen("tcp", listen)
		if err != nil {
			t.Fatalf("listen on %s: %v", listen, err)
		}
		jobstest.Close(t, srv.Listener)
		srv.Listener = ln
	}
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, hits
}

func port(srv *httptest.Server) string { return srv.URL[strings.LastIndex(srv.URL, ":")+1:] }

// Loopback, private, link-local (metadata), IPv6 loopback, a name that
// resolves to the machine, an IPv4-mapped address: refused when dialled,
// before any byte is sent, with a French summary.
func TestOutboundGuardRefusesInternalTargets(t *testing.T) {
	t.Parallel()
	srv, hits := counting(t, "", true)
	client := jobs.NewOutboundClient(vivier.OutboundPolicy{}, jobs.OutboundOptions{Timeout: 5 * time.Second})
	for target, want := range map[string]string{
		srv.URL:                                       "adresse refusée : machine locale",
		"https://localhost:" + port(srv) + "/":        "adresse refusée : machine locale",
		"https://[::1]:" + port(srv) + "/":            "adresse refusée : machine locale",
		"https://[::ffff:127.0.0.1]:" + port(srv):     "adresse refusée : machine locale",
		"https://10.1.2.3/":                           "adresse refusée : réseau interne",
		"https://100.64.0.1/":                         "adresse refusée : réseau interne",
		"http://169.254.169.254/latest/meta-data/":    "adresse refusée : lien local",
		"https://[fe80::a9fe:a9fe]/":                  "adresse refusée : lien local",
		"https://0.0.0.0:" + port(srv) + "/":          "adresse refusée : adresse non spécifiée",
		"http://93.184.215.14/plain-http-not-trusted": "http simple refusé",
	} {
		resp, err := client.Get(target)
		if err == nil {
			resp.Body.Close()
			t.Errorf("%s: reached (HTTP %d)", target, resp.StatusCode)
			continue
		}
		if got := jobs.OutboundSummary(err); !strings.HasPrefix(got, want) || strings.Contains(got, "127.0.0.1") {
			t.Errorf("%s: summary %q, want %q (error %v)", target, got, want, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the internal server was reached %d times", n)
	}
}

// The operator's OUTBOUND_ALLOW lets a trusted range through, plain http
// included; an allowed server that redirects to the machine's other
// addresses is not followed.
func TestOutboundGuardAllowsTrustedRangesAndFollowsNoRedirect(t *testing.T) {
	t.Parallel()
	loop, loopHits := counting(t, "127.0.0.2:0", false)
	allowed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			w.Write([]byte("bonjour"))
			return
		}
		http.Redirect(w, r, loop.URL+"/latest/meta-data/", http.StatusFound)
	}))
	defer allowed.Close()
	p := vivier.OutboundPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	client := jobs.NewOutboundClient(p, jobs.OutboundOptions{Timeout: 5 * time.Second})
	resp, err := client.Get(allowed.URL + "/ok")
	if err != nil {
		t.Fatalf("an allowed target: %v", err)
	}
	body, err := jobs.ReadOutboundBody(resp.Body, 100)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || string(body) != "bonjour" {
		t.Errorf("allowed: %d %q, %v", resp.StatusCode, body, err)
	}
	resp, err = client.Get(allowed.URL + "/redirige")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || jobs.StatusSummary(resp.StatusCode) != "redirection refusée (HTTP 302)" {
		t.Errorf("redirect: %d, %q", resp.StatusCode, jobs.StatusSummary(resp.StatusCode))
	}
	// 127.0.0.2 is loopback outside the trusted /32.
	if _, err := client.Get(loop.URL); err == nil || !strings.HasPrefix(jobs.OutboundSummary(err), "adresse refusée") {
		t.Errorf("127.0.0.2: %v", err)
	}
	if n := loopHits.Load(); n != 0 {
		t.Errorf("the redirect's target was reached %d times", n)
	}
	if jobs.StatusSummary(500) != "le serveur a répondu 500" {
		t.Errorf("500: %q", jobs.StatusSummary(500))
	}
}

// A target that does not answer in time, and an answer too long.
func TestOutboundGuardTimeoutAndBodyLimit(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	p := vivier.OutboundPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	client := jobs.NewOutboundClient(p, jobs.OutboundOptions{Timeout: 50 * time.Millisecond})
	if _, err := client.Get(slow.URL); err == nil || jobs.OutboundSummary(err) != "délai dépassé" {
		t.Errorf("slow target: %v (%q)", err, jobs.OutboundSummary(err))
	}
	if _, err := jobs.ReadOutboundBody(strings.NewReader(strings.Repeat("x", 101)), 100); jobs.OutboundSummary(err) != "réponse trop longue" {
		t.Errorf("long answer: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, slow.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Do(req); jobs.OutboundSummary(err) != "envoi interrompu" {
		t.Errorf("cancelled: %q", jobs.OutboundSummary(err))
	}
}

func redirectTo(target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, target, http.StatusFound) })
}
