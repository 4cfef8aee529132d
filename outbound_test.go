package vivier_test

import (
	"bytes"
	"context"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"vivier"
	"vivier/migrations/dbtest"
)

func testBox(t *testing.T, key byte, previous ...byte) *vivier.SecretBox {
	t.Helper()
	mk := func(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }
	var old [][]byte
	for _, p := range previous {
		old = append(old, mk(p))
	}
	box, err := vivier.NewSecretBox(mk(key), old...)
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func TestOutboundPolicyRefusesInternalAddresses(t *testing.T) {
	t.Parallel()
	var p vivier.OutboundPolicy
	for addr, want := range map[string]string{
		"127.0.0.1": "machine locale", "127.3.4.5": "machine locale", "::1": "machine locale",
		"::ffff:127.0.0.1": "machine locale", "10.1.2.3": "réseau interne", "172.16.0.9": "réseau interne",
		"192.168.1.1": "réseau interne", "100.64.0.1": "réseau interne", "fd00::1": "réseau interne",
		"::ffff:10.0.0.1": "réseau interne", "169.254.169.254": "lien local", "fe80::1": "lien local",
		"::ffff:169.254.169.254": "lien local", "0.0.0.0": "non spécifiée", "::": "non spécifiée",
		"224.0.0.1": "multidiffusion", "ff02::1": "multidiffusion", "255.255.255.255": "plage réservée",
		"64:ff9b::a9fe:a9fe": "lien local", "2002:7f00:1::": "machine locale", "::7f00:1": "plage réservée",
	} {
		if got := p.Refusal(netip.MustParseAddr(addr)); !strings.HasPrefix(got, "adresse refusée") || !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", addr, got, want)
		}
	}
	for _, addr := range []string{"8.8.8.8", "2a01:4f8::1", "64:ff9b::808:808", "185.24.184.1"} {
		if got := p.Refusal(netip.MustParseAddr(addr)); got != "" {
			t.Errorf("%s refused: %q", addr, got)
		}
	}
	p.Allow = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.1.2.0/24")}
	for addr, want := range map[string]bool{"127.0.0.1": true, "::ffff:127.0.0.1": true, "10.1.2.200": true,
		"127.0.0.2": false, "10.1.3.1": false, "::1": false} {
		if got := p.Refusal(netip.MustParseAddr(addr)) == ""; got != want {
			t.Errorf("with OUTBOUND_ALLOW, %s allowed = %v", addr, got)
		}
	}
}

func TestOutboundPolicyChecksURLs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var none vivier.OutboundPolicy
	allow := vivier.OutboundPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
	for raw, ok := range map[string]bool{
		"https://sirh.exemple.gouv.fr/vivier": true, "https://8.8.8.8/": true,
		"https://127.0.0.1:8443/": false, "https://10.0.0.5/": false, "https://169.254.169.254/latest/meta-data/": false,
		"https://[::1]:8443/": false, "https://[::ffff:127.0.0.1]/": false, "https://localhost/": false,
		"https://sirh.localhost/": false, "https://2130706433/": false, "https://0x7f.1/": false, "https://127.1/": false,
		"http://sirh.exemple.gouv.fr/": false, "http://127.0.0.1:8080/": false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if err := none.CheckURL(ctx, "url", u); (err == nil) != ok {
			t.Errorf("%s: %v", raw, err)
		}
	}
	for raw, ok := range map[string]bool{
		"http://127.0.0.1:8080/": true, "https://127.0.0.1:8443/": true, "http://localhost:8080/": false, // ::1 is not allowed
		"https://127.0.0.2/": false, "http://8.8.8.8/": false, "https://[::1]/": false,
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if err := allow.CheckURL(ctx, "url", u); (err == nil) != ok {
			t.Errorf("allowed 127.0.0.1/32, %s: %v", raw, err)
		}
	}
}

// A webhook or CSP address on the platform's own networks is refused when
// saved, with a French message on its field; the operator's OUTBOUND_ALLOW
// lets it (and plain http) through.
func TestTenantAddressesCheckedWhenSaved(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.New(t)
	box := testBox(t, 1)
	for _, allow := range []bool{false, true} {
		var p vivier.OutboundPolicy
		if allow {
			p.Allow = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.1.2.0/24")}
		}
		s := vivier.NewStore(db, vivier.WithOutboundPolicy(p))
		adm := &vivier.Administration{Slug: "outbound-" + map[bool]string{false: "a", true: "b"}[allow], Name: "A", Versant: vivier.VersantEtat}
		if err := s.UpsertAdministration(ctx, adm); err != nil {
			t.Fatal(err)
		}
		for _, target := range []string{"https://127.0.0.1:8443/hook", "http://127.0.0.1:8080", "https://10.1.2.3/x", "http://10.1.2.3/x",
			"https://169.254.169.254/latest/meta-data", "https://[::1]/", "https://localhost:9000/"} {
			trusted := allow && (strings.Contains(target, "127.0.0.1") || strings.Contains(target, "10.1.2.3"))
			_, err := s.SaveSIRHSettings(ctx, adm.ID, vivier.SIRHSettings{Destination: vivier.SIRHWebhook, Format: vivier.SIRHCSV,
				Cadence: vivier.SIRHImmediate, WebhookURL: target}, false, box, vivier.Actor{})
			if trusted != (err == nil) {
				t.Errorf("allow %v, webhook %s: %v", allow, target, err)
			}
			if err != nil && (vivier.ErrorCode(err) != vivier.EINVALID || !strings.Contains(vivier.ErrorMessage(err), "https://") &&
				!strings.Contains(vivier.ErrorMessage(err), "adresse refusée")) {
				t.Errorf("webhook %s: message %q", target, vivier.ErrorMessage(err))
			}
			err = s.SaveCSPSettings(ctx, adm.ID, vivier.CSPSettingsInput{APIURL: target, APIKey: "cle-" + target}, "", box, vivier.Actor{})
			if trusted != (err == nil) {
				t.Errorf("allow %v, CSP %s: %v", allow, target, err)
			}
		}
	}
}

// The CSP key goes to the API's address in every call: a new address wants
// the key typed again.
func TestCSPKeyTypedAgainWhenTheURLChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	box := testBox(t, 1)
	in := vivier.CSPSettingsInput{Enabled: true, APIURL: "https://api.csp.gouv.fr", SourceID: "12345678-1234-4234-b234-123456789abc", APIKey: "cle-1"}
	if err := s.SaveCSPSettings(ctx, a.ID, in, "", box, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	in.APIKey = ""
	if err := s.SaveCSPSettings(ctx, a.ID, in, "", box, vivier.Actor{}); err != nil {
		t.Fatalf("same address, key kept: %v", err)
	}
	in.APIURL = "https://ailleurs.exemple.fr"
	err := s.SaveCSPSettings(ctx, a.ID, in, "", box, vivier.Actor{})
	if vivier.ErrorCode(err) != vivier.EINVALID || !strings.Contains(vivier.ErrorMessage(err), "saisissez de nouveau la clé") {
		t.Fatalf("new address without the key: %v", err)
	}
	if st, err := s.CSPSettingsOf(ctx, a.ID); err != nil || st.APIURL != "https://api.csp.gouv.fr" {
		t.Errorf("the address changed anyway: %s (%v)", st.APIURL, err)
	}
	in.APIKey = "cle-2"
	if err := s.SaveCSPSettings(ctx, a.ID, in, "", box, vivier.Actor{}); err != nil {
		t.Fatalf("new address with the key: %v", err)
	}
	st, err := s.CSPSettingsOf(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if k, err := st.OpenCSPKey(box); st.APIURL != "https://ailleurs.exemple.fr" || k != "cle-2" || err != nil {
		t.Errorf("saved %s, key %q, %v", st.APIURL, k, err)
	}
}

// The SIRH secret is sealed in the table; one still in clear (from before)
// keeps working and is sealed by the next save or by ResealSecrets.
func TestSIRHSecretSealed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.New(t)
	s := vivier.NewStore(db)
	box := testBox(t, 1)
	var ids []int64
	for _, slug := range []string{"scelle", "ancien"} {
		adm := &vivier.Administration{Slug: slug, Name: slug, Versant: vivier.VersantEtat}
		if err := s.UpsertAdministration(ctx, adm); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, adm.ID)
	}
	in := vivier.SIRHSettings{Destination: vivier.SIRHWebhook, Format: vivier.SIRHCSV, Cadence: vivier.SIRHImmediate, WebhookURL: "https://sirh.exemple.fr/"}
	if _, err := s.SaveSIRHSettings(ctx, ids[0], in, false, nil, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID ||
		!strings.Contains(vivier.ErrorMessage(err), "CSP_SECRET_KEY") {
		t.Errorf("without a key: %v", err)
	}
	st, err := s.SaveSIRHSettings(ctx, ids[0], in, false, box, vivier.Actor{})
	if err != nil || !strings.HasPrefix(st.WebhookSecret, "whsec_") {
		t.Fatalf("saved %+v, %v", st, err)
	}
	var clear string
	var sealed []byte
	if err := db.QueryRow(`SELECT webhook_secret, webhook_secret_sealed FROM sirh_settings WHERE administration_id = $1`, ids[0]).Scan(&clear, &sealed); err != nil {
		t.Fatal(err)
	}
	if clear != "" || len(sealed) == 0 || bytes.Contains(sealed, []byte(st.WebhookSecret)) {
		t.Errorf("stored clear %q, sealed %x", clear, sealed)
	}
	read, err := s.SIRHSettingsOf(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if got, err := read.OpenWebhookSecret(box); got != st.WebhookSecret || err != nil {
		t.Errorf("opened %q, %v", got, err)
	}
	// A row from before: the secret in clear.
	if _, err := db.Exec(`INSERT INTO sirh_settings (administration_id, destination, webhook_url, webhook_secret)
		VALUES ($1, 'webhook', 'https://sirh.exemple.fr/', 'whsec_ancien')`, ids[1]); err != nil {
		t.Fatal(err)
	}
	old, err := s.SIRHSettingsOf(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if got, err := old.OpenWebhookSecret(nil); got != "whsec_ancien" || err != nil {
		t.Errorf("legacy secret: %q, %v", got, err)
	}
	if n, err := s.SealLegacySIRHSecrets(ctx, box); n != 1 || err != nil {
		t.Fatalf("sealed %d, %v", n, err)
	}
	if err := db.QueryRow(`SELECT webhook_secret FROM sirh_settings WHERE administration_id = $1`, ids[1]).Scan(&clear); err != nil || clear != "" {
		t.Errorf("still in clear: %q, %v", clear, err)
	}
	old, err = s.SIRHSettingsOf(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if got, err := old.OpenWebhookSecret(box); got != "whsec_ancien" || err != nil {
		t.Errorf("after sealing: %q, %v", got, err)
	}
}

// Rotating the platform's key: the values sealed under the old one open
// with the new box (the old key as previous), ResealSecrets moves them all,
// and then the new key alone opens them.
func TestSecretsSurviveAKeyRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.New(t)
	s := vivier.NewStore(db)
	oldBox, rotating, newOnly := testBox(t, 1), testBox(t, 2, 1), testBox(t, 2)
	adm := &vivier.Administration{Slug: "rotation", Name: "R", Versant: vivier.VersantEtat}
	if err := s.UpsertAdministration(ctx, adm); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCSPSettings(ctx, adm.ID, vivier.CSPSettingsInput{APIURL: "https://api.csp.gouv.fr", APIKey: "cle-csp"}, "", oldBox, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	sirh, err := s.SaveSIRHSettings(ctx, adm.ID, vivier.SIRHSettings{Destination: vivier.SIRHWebhook, Format: vivier.SIRHCSV,
		Cadence: vivier.SIRHImmediate, WebhookURL: "https://sirh.exemple.fr/"}, false, oldBox, vivier.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	csp, err := s.CSPSettingsOf(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := csp.OpenCSPKey(newOnly); err == nil {
		t.Fatal("the new key alone opens a value sealed under the old one")
	}
	if k, err := csp.OpenCSPKey(rotating); k != "cle-csp" || err != nil {
		t.Fatalf("with the previous key: %q, %v", k, err)
	}
	rep, err := s.ResealSecrets(ctx, rotating)
	if err != nil || rep.CSPKeys != 1 || rep.SIRHSecrets != 1 || len(rep.Unopened) != 0 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	csp, err = s.CSPSettingsOf(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.SIRHSettingsOf(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if k, err := csp.OpenCSPKey(newOnly); k != "cle-csp" || err != nil {
		t.Errorf("CSP key after the rotation: %q, %v", k, err)
	}
	if sec, err := st.OpenWebhookSecret(newOnly); sec != sirh.WebhookSecret || err != nil {
		t.Errorf("SIRH secret after the rotation: %q, %v", sec, err)
	}
	// Again: nothing left to move. A box that opens nothing reports it.
	if rep, err := s.ResealSecrets(ctx, newOnly); err != nil || rep.Current != 2 || rep.CSPKeys+rep.SIRHSecrets != 0 {
		t.Errorf("second run %+v, %v", rep, err)
	}
	if rep, err := s.ResealSecrets(ctx, testBox(t, 3)); err != nil || len(rep.Unopened) != 2 {
		t.Errorf("unknown key: %+v, %v", rep, err)
	}
}
