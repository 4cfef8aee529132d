package main

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"vivier"
)

// cspTestKey is CSP_SECRET_KEY in these tests (bytes 0 to 31).
const cspTestKey = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// cspDraft is a draft offer with what CSP requires.
func cspDraft(ref string) *vivier.Offer {
	start := time.Now().Add(-time.Hour)
	end := start.AddDate(0, 1, 0)
	dom := "NUM"
	return &vivier.Offer{Kind: vivier.KindEmploi, Reference: ref, Versant: vivier.VersantEtat, Title: "Chef·fe de projet numérique",
		OrganisationName: "Ministère de la démo", DomaineCode: &dom, Categories: []string{"A"}, ContractType: "CONTRACTUELS",
		ContractForms: []string{"CDD"}, PostVacant: true, Mission: "Piloter les projets.", Profile: "Expérience de la conduite de projet.",
		Locations:  []vivier.Location{{Departement: "69", Region: "84", Label: "Lyon"}},
		Conditions: vivier.JSONB[vivier.Conditions]{V: vivier.Conditions{WorkingTime: "TEMPS_PLEIN"}},
		Contacts:   vivier.JSONB[[]vivier.Contact]{V: []vivier.Contact{{Email: "recrutement@ministere-demo.gouv.fr"}}},
		PublishAt:  &start, EndAt: &end}
}

type cspSnapshot struct {
	Settings vivier.CSPSettings
	State    string
	Outbox   int
}

func cspOf(t *testing.T, p *program, adm, offer int64) cspSnapshot {
	t.Helper()
	ctx := context.Background()
	st, err := p.Store().CSPSettingsOf(ctx, adm)
	if err != nil {
		t.Fatal(err)
	}
	snap := cspSnapshot{Settings: *st}
	if os, err := p.Store().CSPOfferStateOf(ctx, adm, offer); err == nil {
		b, err := json.Marshal(os)
		if err != nil {
			t.Fatal(err)
		}
		snap.State = string(b)
	}
	if err := p.db.Get(&snap.Outbox, `SELECT count(*) FROM outbox WHERE administration_id = $1 AND task_type LIKE 'csp%'`, adm); err != nil {
		t.Fatal(err)
	}
	return snap
}

// An administrator of ministere-demo can neither see nor change ville-demo's
// CSP settings, nor send one of its offers; a recruiter cannot open the
// settings; the key is never shown back.
func TestCSPSettingsStayInTheirAdministration(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"CSP_SECRET_KEY": cspTestKey, "CSP_API_URL": "https://csp.exemple.gouv.fr"})
	ctx := context.Background()
	s := p.Store()
	a, err := s.AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCSPSettings(ctx, b.ID, vivier.CSPSettingsInput{Enabled: true, SourceID: uuid.NewString(), APIKey: "cle-de-la-ville"},
		"https://csp.exemple.gouv.fr", p.Config.cspBox(), vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	o := cspDraft("VILLE-1")
	if err := s.CreateOffer(ctx, b.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOffer(ctx, b.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	before := cspOf(t, p, b.ID, o.ID)

	c, token := signInAs(t, p, "admin@ministere-demo.vivier.test")
	_, page := get(t, c, p.URL+"/admin/ministere-demo/csp")
	if !strings.Contains(page, "Publier les offres sur Choisir le Service Public") || !strings.Contains(page, "Aucune clé enregistrée") {
		t.Fatalf("own settings page: %s", page)
	}
	offerID := strconv.FormatInt(o.ID, 10)
	for _, r := range []struct{ method, path string }{
		{"GET", "/admin/ville-demo/csp"},
		{"POST", "/admin/ville-demo/csp"},
		{"POST", "/admin/ville-demo/offres/" + offerID + "/csp"},
		{"POST", "/admin/ministere-demo/offres/" + offerID + "/csp"}, // B's offer through A's URL
		{"GET", "/admin/ministere-demo/offres/" + offerID},
	} {
		var status int
		var body string
		if r.method == "GET" {
			resp, b := get(t, c, p.URL+r.path)
			status, body = resp.StatusCode, b
		} else {
			resp, b := postForm(t, c, p.URL+r.path, url.Values{"_csrf": {token}, "enabled": {"on"},
				"api_url": {"https://attaquant.exemple.com"}, "source_id": {uuid.NewString()}, "api_key": {"cle-volee"}})
			status, body = resp.StatusCode, b
		}
		if status != 403 && status != 404 {
			t.Errorf("%s %s = %d, want 403 or 404", r.method, r.path, status)
		}
		if strings.Contains(body, "VILLE-1") || strings.Contains(body, "Chef·fe de projet") {
			t.Errorf("%s %s shows ville-demo's offer", r.method, r.path)
		}
	}
	if after := cspOf(t, p, b.ID, o.ID); after.Settings.APIURL != before.Settings.APIURL || after.State != before.State ||
		after.Outbox != before.Outbox || string(after.Settings.KeySealed) != string(before.Settings.KeySealed) {
		t.Errorf("ville-demo's CSP changed:\nbefore %+v\nafter  %+v", before, after)
	}
	if st, err := s.CSPSettingsOf(ctx, a.ID); err != nil || st.Enabled || st.KeySealed != nil {
		t.Errorf("ministere-demo's settings were written: %+v (%v)", st, err)
	}

	// Its own settings: saved, the key sealed, never shown again.
	resp, _ := postForm(t, c, p.URL+"/admin/ministere-demo/csp", url.Values{"_csrf": {token}, "enabled": {"on"},
		"source_id": {uuid.NewString()}, "api_key": {"cle-du-ministere-123"}})
	if resp.StatusCode != 303 {
		t.Fatalf("save own settings = %d", resp.StatusCode)
	}
	_, page = get(t, c, p.URL+"/admin/ministere-demo/csp")
	if strings.Contains(page, "cle-du-ministere-123") || !strings.Contains(page, "Clé enregistrée le") {
		t.Fatalf("settings page after saving the key: %s", page)
	}
	st, err := s.CSPSettingsOf(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(st.KeySealed), "cle-du-ministere") {
		t.Fatal("the key is stored in clear")
	}
	if k, err := st.OpenCSPKey(p.Config.cspBox()); err != nil || k != "cle-du-ministere-123" {
		t.Fatalf("the sealed key opens to %q, %v", k, err)
	}
	// A bad source id is refused with its message, the page filled in again.
	resp, page = postForm(t, c, p.URL+"/admin/ministere-demo/csp", url.Values{"_csrf": {token}, "enabled": {"on"}, "source_id": {"pas-un-uuid"}})
	if resp.StatusCode != 422 || !strings.Contains(page, "L&#39;identifiant de source est celui") {
		t.Fatalf("bad source id = %d", resp.StatusCode)
	}

	rec, _ := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	if resp, _ := get(t, rec, p.URL+"/admin/ministere-demo/csp"); resp.StatusCode != 403 {
		t.Errorf("a recruiter opens the CSP settings: %d", resp.StatusCode)
	}

	// ville-demo's recruiter reads why CSP refused the offer, and sends it again.
	if _, err := p.db.Exec(`UPDATE csp_offers SET state = 'rejected', rejected_at = now(), sent_at = now(), pending = NULL,
		errors = '[{"field": "titre", "label": "Intitulé", "messages": ["Ce champ compte au plus 150 caractères."]}]'
		WHERE offer_id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	brec, btoken := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	_, page = get(t, brec, p.URL+"/admin/ville-demo/offres/"+offerID)
	for _, want := range []string{"Offre refusée par Choisir le Service Public", "<strong>Intitulé</strong>&nbsp;: Ce champ compte au plus 150 caractères.",
		"Renvoyer à Choisir le Service Public", `action="/admin/ville-demo/offres/` + offerID + `/csp"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the rejected offer's page lacks %q", want)
		}
	}
	if resp, _ := postForm(t, brec, p.URL+"/admin/ville-demo/offres/"+offerID+"/csp", url.Values{"_csrf": {btoken}}); resp.StatusCode != 303 {
		t.Fatalf("Renvoyer = %d", resp.StatusCode)
	}
	if st, err := s.CSPOfferStateOf(ctx, b.ID, o.ID); err != nil || st.Pending == nil || *st.Pending != "send" {
		t.Fatalf("after Renvoyer: %+v, %v", st, err)
	}
	if resp, _ := postForm(t, brec, p.URL+"/admin/ville-demo/offres/"+offerID+"/csp", url.Values{}); resp.StatusCode != 403 {
		t.Errorf("Renvoyer without the CSRF token = %d", resp.StatusCode)
	}
}
