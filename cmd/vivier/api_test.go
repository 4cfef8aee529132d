package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"vivier"
)

// apiCall sends a JSON request with a token ("" for none) and returns the
// status, headers and decoded body.
func apiCall(t *testing.T, method, url, token string, body any) (int, http.Header, map[string]any) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, raw := send(t, http.DefaultClient, req)
	var out map[string]any
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		t.Fatalf("%s %s = %d, not JSON: %s", method, url, resp.StatusCode, raw)
	}
	return resp.StatusCode, resp.Header, out
}

// apiOffer is an offer in CSPLab's shape, published from start.
func apiOffer(ref, title string, start time.Time) map[string]any {
	return map[string]any{
		"identification":  map[string]any{"reference": ref, "versant": "FPE"},
		"titre":           title,
		"titre_long":      title + " au sein de la direction des finances",
		"organisation":    map[string]any{"nom": "Ecole Nationale Supérieure de Techniques Avancées (ENSTA)", "siret": "11000000000015"},
		"url_offre":       nil,
		"url_candidature": nil,
		"profession":      map[string]any{"referentiel": "RMFPv2", "domaine": "GBF", "metier": "FPEGBF01"},
		"categories":      []string{"A"},
		"type_contrat":    "TITULAIRE_CONTRACTUEL",
		"forme_contrat":   []string{"PERMANENT"},
		"vacance_poste":   "OUI",
		"description":     map[string]any{"mission": "Piloter le budget.", "profil": "Finances publiques.", "employeur": "Une école d'ingénieurs.", "complements": ""},
		"localisation": []any{map[string]any{"zone_geographique": "EU", "pays": "FRA", "region": "11", "departement": "91",
			"localisation_label": "Palaiseau", "latitude": 48.71, "longitude": 2.21}},
		"criteres":    map[string]any{"diplome_niveau": 7, "experience": "CONFIRME", "langues": []any{map[string]any{"iso_code": "en", "niveau": "B2"}}},
		"conditions":  map[string]any{"temps_travail": "TEMPS_PLEIN", "lieu_de_travail": "SUR_SITE", "management": "AVEC", "ouvert_aux_militaires": "OUI"},
		"contacts":    []any{map[string]any{"email": "recrutement@ensta.example.fr"}},
		"publication": map[string]any{"debut_publication": start.UTC().Format(time.RFC3339), "fin_publication": start.Add(60 * 24 * time.Hour).UTC().Format(time.RFC3339)},
	}
}

// apiProgram starts Vivier with the demo administrations and returns it with
// a token of each scope for ministere-demo.
func apiProgram(t *testing.T, env map[string]string) (p *program, write, read string) {
	t.Helper()
	if env == nil {
		env = map[string]string{"API_RATE_LIMIT_PER_MINUTE": "100000"}
	}
	p = startProgram(t, "serve", env)
	seedDemo(t, p)
	return p, newAPIToken(t, p, "ministere-demo", vivier.ScopeWrite), newAPIToken(t, p, "ministere-demo", vivier.ScopeRead)
}

func newAPIToken(t *testing.T, p *program, slug string, scope vivier.APIScope) string {
	t.Helper()
	_, secret, err := p.Store().CreateAPIToken(context.Background(), agentAdmin(t, p, slug), "SIRH "+string(scope), scope, vivier.Actor{Email: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return secret
}

func TestAPIBatchCreatesUpdatesAndReportsEachOffer(t *testing.T) {
	t.Parallel()
	p, token, _ := apiProgram(t, nil)
	past := time.Now().Add(-time.Hour)
	batch := make([]any, 100)
	for i := range batch {
		batch[i] = apiOffer(fmt.Sprintf("LOT-%03d", i), fmt.Sprintf("Gestionnaire budgétaire n° %d", i), past)
	}
	batch[10].(map[string]any)["titre"] = ""
	batch[50].(map[string]any)["identification"] = map[string]any{"reference": "LOT-050", "versant": "ETAT"}
	batch[99].(map[string]any)["publication"] = map[string]any{"debut_publication": past.Format(time.RFC3339),
		"fin_publication": past.Add(-time.Hour).Format(time.RFC3339)}
	status, _, resp := apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", token, map[string]any{"offres": batch})
	if status != 201 || resp["created"] != 97.0 || resp["updated"] != 0.0 {
		t.Fatalf("batch = %d %v", status, resp)
	}
	want := map[float64]string{10: "titre", 50: "identification.versant", 99: "publication.fin_publication"}
	errs := resp["errors"].([]any)
	if len(errs) != 3 {
		t.Fatalf("errors = %v", errs)
	}
	for _, e := range errs {
		e := e.(map[string]any)
		i := e["index"].(float64)
		detail := e["error"].(map[string]any)
		ref := e["offer"].(map[string]any)["reference"]
		if want[i] == "" || detail["champ"] != want[i] || ref != fmt.Sprintf("LOT-%03d", int(i)) ||
			detail["code"] != "invalid" || detail["message"] == "" {
			t.Errorf("error %v, want index %v on %s", e, i, want[i])
		}
	}
	if results := resp["results"].([]any); len(results) != 100 || results[0].(map[string]any)["statut"] != "published" {
		t.Fatalf("results = %v", results)
	}
	offers, err := p.Store().OffersOf(context.Background(), agentAdmin(t, p, "ministere-demo"), vivier.OfferPublished, 500)
	if err != nil {
		t.Fatal(err)
	}
	if len(offers) != 97 || offers[0].Experience != "CONFIRME" || offers[0].Source != "api" {
		t.Fatalf("%d published offers", len(offers))
	}

	// Pushed again, corrected, through CSPLab's spelling with a slash:
	// the 97 are updated, the 3 created.
	batch[10].(map[string]any)["titre"] = "Titre corrigé"
	batch[50].(map[string]any)["identification"] = map[string]any{"reference": "LOT-050", "versant": "FPE"}
	batch[99] = apiOffer("LOT-099", "Dernière offre", time.Now().Add(24*time.Hour))
	status, _, resp = apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier/", token, map[string]any{"offres": batch})
	if status != 201 || resp["created"] != 3.0 || resp["updated"] != 97.0 || len(resp["errors"].([]any)) != 0 {
		t.Fatalf("second batch = %d %v", status, resp)
	}
	if r := resp["results"].([]any)[99].(map[string]any); r["statut"] != "scheduled" || r["result"] != "created" {
		t.Fatalf("an offer to publish tomorrow = %v", r)
	}

	// Bad requests: a clear French message, a 4xx, and nothing stored.
	for _, bad := range []struct {
		body  any
		field string
	}{
		{`{"offres": [`, ""},
		{`[]`, ""},
		{map[string]any{"offres": []any{}}, "offres"},
		{map[string]any{"offres": make([]any, 101)}, "offres"},
		{map[string]any{"offres": batch[:1], "inconnu": 1}, ""},
		{map[string]any{"offres": batch[:1], "source_id": "pas de blancs"}, ""},
	} {
		status, _, resp := apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", token, bad.body)
		e, _ := resp["error"].(map[string]any)
		if status != 400 || e["code"] != "malformed" || e["message"] == "" {
			t.Errorf("bad body %.40v = %d %v", bad.body, status, resp)
		}
	}
	// An unknown field or a wrong type in one offer spoils that offer only.
	one := apiOffer("TYPE-1", "Offre", past)
	one["salaire"] = "beaucoup"
	two := apiOffer("TYPE-2", "Offre", past)
	two["categories"] = "A"
	status, _, resp = apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", token, map[string]any{"offres": []any{one, two, apiOffer("TYPE-3", "Offre", past)}})
	if errs := resp["errors"].([]any); status != 201 || resp["created"] != 1.0 || len(errs) != 2 ||
		errs[0].(map[string]any)["error"].(map[string]any)["champ"] != "salaire" ||
		errs[1].(map[string]any)["error"].(map[string]any)["champ"] != "categories" {
		t.Fatalf("offers with a bad field = %d %v", status, resp)
	}

	// Read back, page by page, and close.
	seen := map[string]bool{}
	next := ""
	for pages := 0; ; pages++ {
		u := p.URL + "/api/v1/offres?limite=40&statut=published"
		if next != "" {
			u += "&apres=" + next
		}
		status, _, page := apiCall(t, "GET", u, token, nil)
		if status != 200 || pages > 5 {
			t.Fatalf("list = %d %v", status, page)
		}
		for _, o := range page["offres"].([]any) {
			seen[o.(map[string]any)["identification"].(map[string]any)["reference"].(string)] = true
		}
		if page["suivant"] == nil {
			break
		}
		next = page["suivant"].(string)
	}
	if len(seen) != 100 { // 99 published by the batch and TYPE-3
		t.Fatalf("listed %d published offers", len(seen))
	}
	status, _, got := apiCall(t, "GET", p.URL+"/api/v1/offres/LOT-010", token, nil)
	if status != 200 || got["titre"] != "Titre corrigé" || got["statut"] != "published" || !strings.HasSuffix(got["url"].(string), fmt.Sprint(got["id"])) {
		t.Fatalf("GET LOT-010 = %d %v", status, got)
	}
	status, _, got = apiCall(t, "POST", p.URL+"/api/v1/offres/archiver", token, map[string]any{"reference": "LOT-010"})
	if status != 200 || got["statut"] != "closed" {
		t.Fatalf("archiver = %d %v", status, got)
	}
	status, _, got = apiCall(t, "POST", p.URL+"/api/v1/offres/LOT-011/cloture", token, nil)
	if status != 200 || got["statut"] != "closed" {
		t.Fatalf("cloture = %d %v", status, got)
	}
	if status, _, _ := apiCall(t, "GET", p.URL+"/api/v1/offres/NULLE-PART", token, nil); status != 404 {
		t.Fatalf("unknown reference = %d", status)
	}
}

func TestAPITokensAreBoundToTheirAdministration(t *testing.T) {
	t.Parallel()
	p, tokenA, _ := apiProgram(t, nil)
	tokenB := newAPIToken(t, p, "ville-demo", vivier.ScopeWrite)
	past := time.Now().Add(-time.Hour)
	for token, title := range map[string]string{tokenA: "Offre du ministère", tokenB: "Offre de la ville"} {
		status, _, resp := apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", token,
			map[string]any{"offres": []any{apiOffer("MEME-REF", title, past)}})
		if status != 201 || resp["created"] != 1.0 {
			t.Fatalf("push %s = %d %v", title, status, resp)
		}
	}
	_, _, a := apiCall(t, "GET", p.URL+"/api/v1/offres/MEME-REF", tokenA, nil)
	_, _, b := apiCall(t, "GET", p.URL+"/api/v1/offres/MEME-REF", tokenB, nil)
	if a["titre"] != "Offre du ministère" || b["titre"] != "Offre de la ville" || a["id"] == b["id"] {
		t.Fatalf("A sees %v, B sees %v", a["titre"], b["titre"])
	}
	// A updates and closes its own offer; B's does not move.
	apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", tokenA, map[string]any{"offres": []any{apiOffer("MEME-REF", "Modifiée par A", past)}})
	apiCall(t, "POST", p.URL+"/api/v1/offres/archiver", tokenA, map[string]any{"reference": "MEME-REF"})
	_, _, b = apiCall(t, "GET", p.URL+"/api/v1/offres/MEME-REF", tokenB, nil)
	if b["titre"] != "Offre de la ville" || b["statut"] != "published" {
		t.Fatalf("B's offer after A's changes = %v", b)
	}
	_, _, list := apiCall(t, "GET", p.URL+"/api/v1/offres", tokenA, nil)
	if offers := list["offres"].([]any); len(offers) != 1 || offers[0].(map[string]any)["titre"] != "Modifiée par A" {
		t.Fatalf("A's list = %v", offers)
	}
	// B's offers cannot be reached by their id either: there is no such route.
	if status, _, _ := apiCall(t, "GET", p.URL+"/api/v1/offres/"+fmt.Sprint(b["id"]), tokenA, nil); status != 404 {
		t.Fatalf("A asking for B's id = %d", status)
	}
}

func TestAPIRefusesBadTokens(t *testing.T) {
	t.Parallel()
	p, write, read := apiProgram(t, nil)
	body := map[string]any{"offres": []any{apiOffer("R-1", "Offre", time.Now())}}
	for _, tc := range []struct{ header, want string }{{"", "unauthorized"}, {"Bearer viv_inconnu", "unauthorized"}, {"Basic abc", "unauthorized"}} {
		req, err := http.NewRequest("GET", p.URL+"/api/v1/offres", nil)
		if err != nil {
			t.Fatal(err)
		}
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		resp, b := send(t, http.DefaultClient, req)
		if resp.StatusCode != 401 || !strings.Contains(b, `"code":"unauthorized"`) || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("Authorization %q = %d %s", tc.header, resp.StatusCode, b)
		}
	}
	if status, _, resp := apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", read, body); status != 403 ||
		!strings.Contains(resp["error"].(map[string]any)["message"].(string), "lecture seule") {
		t.Fatalf("read token writing = %d %v", status, resp)
	}
	if status, _, _ := apiCall(t, "GET", p.URL+"/api/v1/offres", read, nil); status != 200 {
		t.Fatalf("read token reading = %d", status)
	}
	if status, _, _ := apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", write, body); status != 201 {
		t.Fatalf("write token = %d", status)
	}
	ctx := context.Background()
	adm := agentAdmin(t, p, "ministere-demo")
	tokens, err := p.Store().APITokens(ctx, adm)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range tokens {
		if err := p.Store().RevokeAPIToken(ctx, adm, tok.ID, vivier.Actor{Email: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	if status, _, _ := apiCall(t, "GET", p.URL+"/api/v1/offres", write, nil); status != 401 {
		t.Fatalf("revoked token = %d", status)
	}
}

func TestAPIRateLimitPerToken(t *testing.T) {
	t.Parallel()
	p, token, read := apiProgram(t, map[string]string{"API_RATE_LIMIT_PER_MINUTE": "3"})
	for i := 1; i <= 4; i++ {
		status, h, resp := apiCall(t, "GET", p.URL+"/api/v1/offres", token, nil)
		if h.Get("RateLimit-Limit") != "3" || h.Get("RateLimit-Reset") == "" {
			t.Fatalf("request %d headers %v", i, h)
		}
		if i <= 3 && (status != 200 || h.Get("RateLimit-Remaining") != fmt.Sprint(3-i)) {
			t.Fatalf("request %d = %d, remaining %s", i, status, h.Get("RateLimit-Remaining"))
		}
		if i == 4 && (status != 429 || h.Get("Retry-After") == "" || h.Get("RateLimit-Remaining") != "0" ||
			resp["error"].(map[string]any)["code"] != "too_many") {
			t.Fatalf("4th request = %d %v %v", status, h, resp)
		}
	}
	// The quota is the token's: another token still has its own.
	if status, _, _ := apiCall(t, "GET", p.URL+"/api/v1/offres", read, nil); status != 200 {
		t.Fatalf("another token = %d", status)
	}
}
