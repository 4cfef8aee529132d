package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vivier"
	"vivier/jobs"
)

// webhookTo points the administration's webhook at target as a row saved
// before the addresses were checked would (the form now refuses these):
// the dial is what must refuse them.
func (w *sirhWorld) webhookTo(t *testing.T, target string) {
	t.Helper()
	if _, err := w.db.Exec(`INSERT INTO sirh_settings (administration_id, destination, format, cadence, webhook_url, webhook_secret)
		VALUES ($1, 'webhook', 'jsonl', 'immediat', $2, 'whsec_avant')
		ON CONFLICT (administration_id) DO UPDATE SET webhook_url = $2`, w.adm.ID, target); err != nil {
		t.Fatal(err)
	}
}

// The SIRH webhook pointed at the machine, an internal network, the cloud's
// metadata address, IPv6 loopback or a name that resolves to the machine:
// nothing reaches it, the batch fails with a French summary, and nothing of
// the remote side or of the Go error is kept for the exports page.
func TestSIRHWebhookToInternalAddressesRefusedAtDial(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, hits := counting(t, "", true)
	w := newSIRHWorld(t, jobs.SIRHConfig{WebhookAttempts: 1, WebhookBackoff: time.Millisecond})
	w.fails = true
	targets := map[string]string{
		srv.URL + "/hook":                           "machine locale",
		"https://10.20.30.40/hook":                  "réseau interne",
		"https://169.254.169.254/latest/meta-data/": "lien local",
		"https://[::1]:" + port(srv) + "/hook":      "machine locale",
		"https://localhost:" + port(srv) + "/hook":  "machine locale",
	}
	for target, want := range targets {
		w.webhookTo(t, target)
		w.hire(t)
		w.drain(t)
		b := w.batches(t)[0]
		if b.State != vivier.BatchFailed || !strings.Contains(b.LastError, "adresse refusée : "+want) ||
			!strings.Contains(b.LastAnswer, "adresse refusée : "+want) {
			t.Errorf("%s: batch %+v", target, b)
		}
		for _, s := range []string{b.LastError, b.LastAnswer} {
			if strings.Contains(s, "SECRET") || strings.Contains(s, "dial") || strings.Contains(s, "127.0.0.1") || strings.Contains(s, "169.254") {
				t.Errorf("%s: the page would show %q", target, s)
			}
		}
		ds, err := w.store.SIRHDeliveries(ctx, w.adm.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 || ds[0].OK || ds[0].Answer != "" || !strings.HasPrefix(ds[0].Error, "adresse refusée") {
			t.Errorf("%s: deliveries %+v", target, ds)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the internal server was reached %d times", n)
	}
}

// With the operator's OUTBOUND_ALLOW, the same server is reached (plain
// http too); its 500 and its words become « le serveur a répondu 500 »; a
// redirect from it to another loopback address is not followed.
func TestSIRHWebhookToAllowedTarget(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv, hits := counting(t, "", false)
	loop, loopHits := counting(t, "127.0.0.2:0", false)
	redirect, _ := counting(t, "", false)
	redirect.Config.Handler = redirectTo(loop.URL + "/latest/meta-data/")
	w := newSIRHWorldWith(t, jobs.SIRHConfig{WebhookAttempts: 1, WebhookBackoff: time.Millisecond}, loopbackAllowed)
	w.fails = true
	if _, err := w.store.SaveSIRHSettings(ctx, w.adm.ID, vivier.SIRHSettings{Destination: vivier.SIRHWebhook, Format: vivier.SIRHJSONLines,
		Cadence: vivier.SIRHImmediate, WebhookURL: loop.URL}, false, w.box, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("127.0.0.2 saved: %v", err)
	}
	for target, want := range map[string]string{srv.URL + "/hook": "le serveur a répondu 500", redirect.URL: "redirection refusée (HTTP 302)"} {
		if _, err := w.store.SaveSIRHSettings(ctx, w.adm.ID, vivier.SIRHSettings{Destination: vivier.SIRHWebhook, Format: vivier.SIRHJSONLines,
			Cadence: vivier.SIRHImmediate, WebhookURL: target}, false, w.box, vivier.Actor{}); err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		w.hire(t)
		w.drain(t)
		b := w.batches(t)[0]
		if b.State != vivier.BatchFailed || !strings.Contains(b.LastAnswer, want) || strings.Contains(b.LastAnswer, "SECRET") {
			t.Errorf("%s: batch %+v", target, b)
		}
	}
	if hits.Load() != 1 || loopHits.Load() != 0 {
		t.Errorf("allowed server reached %d times, the redirect's target %d", hits.Load(), loopHits.Load())
	}
}

// The CSP API pointed at the machine or the metadata address (a setting
// from before the check): no call, the offer waits with a French summary.
func TestCSPToInternalAddressesRefusedAtDial(t *testing.T) {
	t.Parallel()
	f := newCSPFixture(t, 1000, time.Minute)
	o := f.publish(t, cspOffer(1))
	// The fixture trusts 127.0.0.1/32 (its fake CSP listens there), not ::1.
	for i, target := range []string{"http://169.254.169.254", "https://10.0.0.7", "http://[::1]:" + port2(f.csp.URL), "https://100.100.100.200"} {
		if _, err := f.db.Exec(`UPDATE csp_settings SET api_url = $2 WHERE administration_id = $1`, f.adm.ID, target); err != nil {
			t.Fatal(err)
		}
		err := f.sync("refus-"+target, f.adm.ID)
		st := f.state(t, o.ID)
		if err == nil || st.State != vivier.CSPNotSent || !strings.Contains(st.LastError, "adresse refusée") ||
			strings.Contains(st.LastError, "dial") {
			t.Errorf("%d %s: %v, state %+v", i, target, err, st)
		}
	}
	if n := len(f.csp.Calls()); n != 0 {
		t.Errorf("CSP got %d calls", n)
	}
}

func port2(u string) string { return u[strings.LastIndex(u, ":")+1:] }
