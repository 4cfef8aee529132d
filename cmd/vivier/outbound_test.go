package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"vivier"
	"vivier/jobs/jobstest"
)

func TestConfigOutboundAllowAndPreviousKeys(t *testing.T) {
	t.Parallel()
	c, err := LoadConfig(mapEnv(map[string]string{"OUTBOUND_ALLOW": "127.0.0.1/32, 10.1.2.7/24,fd00::5", "CSP_SECRET_KEY": cspTestKey,
		"CSP_SECRET_KEY_PREVIOUS": "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE="}))
	want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.1.2.0/24"), netip.MustParsePrefix("fd00::5/128")}
	if err != nil || fmt.Sprint(c.OutboundAllow) != fmt.Sprint(want) || len(c.CSPPreviousKeys) != 1 {
		t.Fatalf("config %v %d, %v", c.OutboundAllow, len(c.CSPPreviousKeys), err)
	}
	if c, err := LoadConfig(mapEnv(nil)); err != nil || len(c.OutboundAllow) != 0 {
		t.Errorf("trusted ranges by default: %v (%v)", c.OutboundAllow, err)
	}
	for env, name := range map[string]map[string]string{
		"OUTBOUND_ALLOW":          {"OUTBOUND_ALLOW": "10.0.0.0/33"},
		"CSP_SECRET_KEY_PREVIOUS": {"CSP_SECRET_KEY": cspTestKey, "CSP_SECRET_KEY_PREVIOUS": "court"},
		"CSP_SECRET_KEY":          {"CSP_SECRET_KEY_PREVIOUS": cspTestKey},
	} {
		if _, err := LoadConfig(mapEnv(name)); err == nil || !strings.Contains(err.Error(), env+"=") {
			t.Errorf("%v: %v", name, err)
		}
	}
}

// An administrator cannot save a webhook or a CSP address on the
// platform's networks (422, French message on the field). A webhook saved
// before the check, on the machine itself, is refused when dialled: the
// exports page says so in a few French words, never what the server said.
func TestTenantAddressesRefusedEndToEnd(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	internal := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "ami-id: SECRET-INTERNE", http.StatusInternalServerError)
	}))
	defer internal.Close()
	p := startDemo(t, "dev", map[string]string{"CSP_SECRET_KEY": cspTestKey, "RATE_LIMIT_PER_MINUTE": "10000"})
	ctx := context.Background()
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	c, token := signInAs(t, p, "admin@ville-demo.vivier.test")
	for _, target := range []string{internal.URL + "/hook", "https://10.0.0.8/hook", "https://169.254.169.254/latest/meta-data/",
		"https://[::1]/hook", "https://localhost/hook", "http://sirh.ville.test/hook"} {
		resp, page := postForm(t, c, p.URL+"/admin/ville-demo/exports/reglages", url.Values{"_csrf": {token}, "destination": {"webhook"},
			"format": {"jsonl"}, "cadence": {"immediat"}, "webhook_url": {target}})
		if resp.StatusCode != 422 || !strings.Contains(page, `id="webhook_url-error"`) ||
			!(strings.Contains(page, "adresse refusée") || strings.Contains(page, "https://")) {
			t.Errorf("webhook %s: %d", target, resp.StatusCode)
		}
		resp, page = postForm(t, c, p.URL+"/admin/ville-demo/csp", url.Values{"_csrf": {token}, "api_url": {target}, "api_key": {"cle"}})
		if resp.StatusCode != 422 || !strings.Contains(page, `id="csp-url-error"`) {
			t.Errorf("CSP %s: %d", target, resp.StatusCode)
		}
	}
	// A new CSP address wants the key typed again.
	csp := url.Values{"_csrf": {token}, "api_url": {"https://api.csp.exemple.gouv.fr"}, "api_key": {"cle-de-la-ville"}}
	if resp, _ := postForm(t, c, p.URL+"/admin/ville-demo/csp", csp); resp.StatusCode != 303 {
		t.Fatalf("CSP settings = %d", resp.StatusCode)
	}
	csp.Set("api_url", "https://ailleurs.exemple.fr")
	csp.Del("api_key")
	if resp, page := postForm(t, c, p.URL+"/admin/ville-demo/csp", csp); resp.StatusCode != 422 ||
		!strings.Contains(page, "saisissez de nouveau la clé d&#39;API") || !strings.Contains(page, `id="csp-key-error"`) {
		t.Errorf("a new CSP address without the key = %d", resp.StatusCode)
	}
	if st, err := p.Store().CSPSettingsOf(ctx, adm.ID); err != nil || st.APIURL != "https://api.csp.exemple.gouv.fr" {
		t.Errorf("the address changed anyway: %s (%v)", st.APIURL, err)
	}
	if _, err := p.Store().DB().Exec(`INSERT INTO sirh_settings (administration_id, destination, format, cadence, webhook_url, webhook_secret)
		VALUES ($1, 'webhook', 'jsonl', 'immediat', $2, 'whsec_avant')`, adm.ID, internal.URL+"/hook"); err != nil {
		t.Fatal(err)
	}
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 1)
	rc, rtoken := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	form := url.Values{"_csrf": {rtoken}, "stage": {strconv.FormatInt(stepID(t, p, adm.ID, "Recrutée"), 10)}, "notify": {"non"}}
	if resp, _ := postForm(t, rc, fmt.Sprintf("%s/admin/ville-demo/candidatures/%d/etape", p.URL, ids[0]), form); resp.StatusCode != 303 {
		t.Fatalf("hire = %d", resp.StatusCode)
	}
	var page string
	jobstest.Eventually(t, "the exports page showing the failed delivery", func() (bool, error) {
		_, page = get(t, c, p.URL+"/admin/ville-demo/exports")
		return strings.Contains(page, "en échec"), nil
	})
	if !strings.Contains(page, "adresse refusée : machine locale") || strings.Contains(page, "SECRET") ||
		strings.Contains(page, "dial") || strings.Contains(page, "127.0.0.1") {
		t.Errorf("exports page: %s", page[strings.Index(page, "<main"):])
	}
	if hits.Load() != 0 {
		t.Errorf("the internal server was reached %d times", hits.Load())
	}
}

// Rotating CSP_SECRET_KEY: with the old key as CSP_SECRET_KEY_PREVIOUS,
// `vivier rotate-secrets` seals every CSP key and SIRH secret under the new
// one, which alone opens them afterwards. `vivier migrate up` seals the SIRH
// secrets left in clear by the first versions.
func TestRotateSecretsCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"CSP_SECRET_KEY": cspTestKey})
	s := p.Store()
	a, err := s.AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCSPSettings(ctx, a.ID, vivier.CSPSettingsInput{APIURL: "https://api.csp.gouv.fr", APIKey: "cle-du-ministere"}, "",
		p.Config.cspBox(), vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	sirh, err := s.SaveSIRHSettings(ctx, a.ID, vivier.SIRHSettings{Destination: vivier.SIRHWebhook, Format: vivier.SIRHCSV,
		Cadence: vivier.SIRHImmediate, WebhookURL: "https://sirh.exemple.gouv.fr/"}, false, p.Config.cspBox(), vivier.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO sirh_settings (administration_id, destination, webhook_url, webhook_secret)
		VALUES ($1, 'webhook', 'https://sirh.ville.fr/', 'whsec_en_clair')`, b.ID); err != nil {
		t.Fatal(err)
	}
	const newKey = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI="
	env := map[string]string{"DATABASE_URL": p.Config.DatabaseURL, "REDIS_URL": p.Config.RedisURL, "LOG_LEVEL": "warn", "CSP_SECRET_KEY": cspTestKey}
	var out, errs bytes.Buffer
	if code := run(ctx, []string{"migrate", "up"}, mapEnv(env), &out, &errs); code != 0 {
		t.Fatalf("migrate up = %d: %s", code, errs.String())
	}
	var clear string
	if err := s.DB().Get(&clear, `SELECT webhook_secret FROM sirh_settings WHERE administration_id = $1`, b.ID); err != nil || clear != "" {
		t.Fatalf("after migrate up, in clear: %q, %v", clear, err)
	}

	env["CSP_SECRET_KEY"], env["CSP_SECRET_KEY_PREVIOUS"] = newKey, cspTestKey
	out.Reset()
	if code := run(ctx, []string{"rotate-secrets"}, mapEnv(env), &out, &errs); code != 0 {
		t.Fatalf("rotate-secrets = %d: %s", code, errs.String())
	}
	if !strings.Contains(out.String(), "CSP API keys resealed: 1") || !strings.Contains(out.String(), "SIRH webhook secrets resealed: 2") {
		t.Errorf("output: %s", out.String())
	}
	key, err := vivier.ParseSecretKey(newKey)
	if err != nil {
		t.Fatal(err)
	}
	only, err := vivier.NewSecretBox(key)
	if err != nil {
		t.Fatal(err)
	}
	csp, err := s.CSPSettingsOf(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if k, err := csp.OpenCSPKey(only); k != "cle-du-ministere" || err != nil {
		t.Errorf("CSP key under the new key: %q, %v", k, err)
	}
	for id, want := range map[int64]string{a.ID: sirh.WebhookSecret, b.ID: "whsec_en_clair"} {
		st, err := s.SIRHSettingsOf(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := st.OpenWebhookSecret(only); got != want || err != nil {
			t.Errorf("SIRH secret of %d under the new key: %q, %v", id, got, err)
		}
	}
	// Without the right keys: the command says which values stay closed.
	errs.Reset()
	env["CSP_SECRET_KEY"], env["CSP_SECRET_KEY_PREVIOUS"] = cspTestKey, ""
	if code := run(ctx, []string{"rotate-secrets"}, mapEnv(env), &out, &errs); code != 1 || !strings.Contains(errs.String(), "no key opens 3 value(s)") {
		t.Errorf("with a key that opens nothing: %d, %s", code, errs.String())
	}
}
