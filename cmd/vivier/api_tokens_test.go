package main

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"vivier"
)

func TestAPIOpenDataPagesStably(t *testing.T) {
	t.Parallel()
	p, tokenA, _ := apiProgram(t, nil)
	tokenB := newAPIToken(t, p, "ville-demo", vivier.ScopeWrite)
	past := time.Now().Add(-time.Hour)
	push := func(token string, refs ...string) {
		t.Helper()
		var offers []any
		for _, r := range refs {
			offers = append(offers, apiOffer(r, "Offre "+r, past))
		}
		if status, _, resp := apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", token, map[string]any{"offres": offers}); status != 201 {
			t.Fatalf("push = %d %v", status, resp)
		}
	}
	push(tokenA, "A1", "A2", "A3", "A4", "A5")
	push(tokenB, "B1", "B2")
	// Neither a scheduled offer nor a closed one is open data.
	apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", tokenA, map[string]any{"offres": []any{apiOffer("LATER", "Plus tard", time.Now().Add(time.Hour))}})
	push(tokenA, "CLOSED")
	apiCall(t, "POST", p.URL+"/api/v1/offres/archiver", tokenA, map[string]any{"reference": "CLOSED"})

	var refs []string
	cursor, resume := "", ""
	for pages := 1; ; pages++ {
		status, h, page := apiCall(t, "GET", p.URL+"/api/v1/donnees/offres?limite=3&apres="+url.QueryEscape(cursor), "", nil)
		if status != 200 || h.Get("Access-Control-Allow-Origin") != "*" || pages > 4 {
			t.Fatalf("page %d = %d %v", pages, status, page)
		}
		for _, o := range page["offres"].([]any) {
			o := o.(map[string]any)
			refs = append(refs, o["identification"].(map[string]any)["reference"].(string))
			if len(o["contacts"].([]any)) != 0 {
				t.Fatalf("open data shows contacts: %v", o["contacts"])
			}
		}
		resume = page["reprise"].(string)
		if page["suivant"] == nil {
			break
		}
		cursor = page["suivant"].(string)
	}
	if strings.Join(refs, ",") != "A1,A2,A3,A4,A5,B1,B2" {
		t.Fatalf("open data = %v", refs)
	}
	// Published since: a harvester coming back with "reprise" gets only them.
	push(tokenB, "B3", "B4")
	_, _, page := apiCall(t, "GET", p.URL+"/api/v1/donnees/offres?apres="+url.QueryEscape(resume), "", nil)
	if got := page["offres"].([]any); len(got) != 2 || got[0].(map[string]any)["identification"].(map[string]any)["reference"] != "B3" {
		t.Fatalf("after reprise = %v", got)
	}
	for _, bad := range []string{"apres=xyz", "apres=" + url.QueryEscape("bm9u"), "limite=0", "limite=101", "limite=dix"} {
		if status, _, _ := apiCall(t, "GET", p.URL+"/api/v1/donnees/offres?"+bad, "", nil); status != 400 {
			t.Errorf("?%s = %d, want 400", bad, status)
		}
	}
}

func TestAPITokenCommand(t *testing.T) {
	t.Parallel()
	p, _, _ := apiProgram(t, nil)
	env := mapEnv(map[string]string{"DATABASE_URL": p.Config.DatabaseURL, "REDIS_URL": p.Config.RedisURL, "LOG_LEVEL": "warn"})
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"api-token", "create", "--administration", "ville-demo", "--scope", "write", "--name", "SIRH de la ville"}, env, &out, &errs)
	token := strings.TrimSpace(out.String())
	if code != 0 || !regexp.MustCompile(`^viv_[A-Za-z0-9_-]{43}$`).MatchString(token) {
		t.Fatalf("api-token create = %d %q %s", code, out.String(), errs.String())
	}
	if status, _, _ := apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", token,
		map[string]any{"offres": []any{apiOffer("CLI-1", "Offre de la ville", time.Now())}}); status != 201 {
		t.Fatalf("the new token = %d", status)
	}
	tokens, err := p.Store().APITokens(context.Background(), agentAdmin(t, p, "ville-demo"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tokens) != 1 || tokens[0].Name != "SIRH de la ville" || tokens[0].Scope != vivier.ScopeWrite || tokens[0].LastUsedAt == nil {
		t.Fatalf("tokens = %+v", tokens)
	}
	for _, bad := range []struct {
		args []string
		code int
	}{
		{[]string{"api-token", "create", "--scope", "write"}, 2},
		{[]string{"api-token", "create", "--administration", "ville-demo", "--scope", "admin"}, 1},
		{[]string{"api-token", "create", "--administration", "nulle-part"}, 1},
		{[]string{"api-token", "list"}, 2},
	} {
		if code := run(context.Background(), bad.args, env, &out, &errs); code != bad.code {
			t.Errorf("%v = %d, want %d", bad.args, code, bad.code)
		}
	}
}

var secretRE = regexp.MustCompile(`value="(viv_[A-Za-z0-9_-]{43})"`)

func TestAPITokenPage(t *testing.T) {
	t.Parallel()
	p, _, _ := apiProgram(t, nil)
	c := newClient(t)
	if status, _ := signInForm(t, p, c, "admin@ministere-demo.vivier.test", DemoPassword); status != 303 {
		t.Fatalf("sign in = %d", status)
	}
	page := "/admin/ministere-demo/api"
	resp, body := get(t, c, p.URL+page)
	if resp.StatusCode != 200 || !strings.Contains(body, "Jetons d'API") || !strings.Contains(body, `href="/admin/ministere-demo/api"`) {
		t.Fatalf("%s = %d", page, resp.StatusCode)
	}
	csrf := csrfToken(t, body)
	resp, body = postForm(t, c, p.URL+page+"/jetons", url.Values{"_csrf": {csrf}, "name": {""}, "scope": {"write"}})
	if resp.StatusCode != 422 || !strings.Contains(body, `aria-describedby="token-name-error"`) {
		t.Fatalf("no name = %d", resp.StatusCode)
	}
	resp, body = postForm(t, c, p.URL+page+"/jetons", url.Values{"_csrf": {csrf}, "name": {"SIRH"}, "scope": {"read"}})
	m := secretRE.FindStringSubmatch(body)
	if resp.StatusCode != 201 || m == nil || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create = %d, secret shown: %v", resp.StatusCode, m != nil)
	}
	secret := m[1]
	if status, _, _ := apiCall(t, "GET", p.URL+"/api/v1/offres", secret, nil); status != 200 {
		t.Fatalf("the new token = %d", status)
	}
	// Shown once: the list has its prefix, never the secret again.
	_, body = get(t, c, p.URL+page)
	if strings.Contains(body, secret) || !strings.Contains(body, secret[:12]+"…") || !strings.Contains(body, "lecture seule") ||
		!strings.Contains(body, "admin@ministere-demo.vivier.test") {
		t.Fatal("the list shows the secret, or not the token")
	}
	tokens, err := p.Store().APITokens(context.Background(), agentAdmin(t, p, "ministere-demo"))
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, tok := range tokens {
		if tok.Name == "SIRH" {
			id = tok.ID
		}
	}
	// Another administration's token cannot be revoked from here.
	other, _, err := p.Store().CreateAPIToken(context.Background(), agentAdmin(t, p, "ville-demo"), "Ville", vivier.ScopeRead, vivier.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := postForm(t, c, p.URL+page+"/jetons/"+fmt.Sprint(other.ID)+"/revocation", url.Values{"_csrf": {csrf}}); resp.StatusCode != 404 {
		t.Fatalf("revoke another administration's token = %d", resp.StatusCode)
	}
	resp, _ = postForm(t, c, p.URL+page+"/jetons/"+fmt.Sprint(id)+"/revocation", url.Values{"_csrf": {csrf}})
	if resp.StatusCode != 303 {
		t.Fatalf("revoke = %d", resp.StatusCode)
	}
	if status, _, _ := apiCall(t, "GET", p.URL+"/api/v1/offres", secret, nil); status != 401 {
		t.Fatalf("revoked token = %d", status)
	}
	if _, body = get(t, c, p.URL+page); !strings.Contains(body, "révoqué le") {
		t.Fatal("the list does not say the token is revoked")
	}
	entries, err := p.Store().AuditLog(context.Background(), agentAdmin(t, p, "ministere-demo"), vivier.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); !strings.Contains(got, "api_token.revoked") || !strings.Contains(got, "api_token.created") {
		t.Fatalf("audit = %v", got)
	}
	// A recruiter may not manage tokens.
	rc := newClient(t)
	signInForm(t, p, rc, "recruteur@ministere-demo.vivier.test", DemoPassword)
	if resp, _ := get(t, rc, p.URL+page); resp.StatusCode != 403 {
		t.Fatalf("recruiter on %s = %d", page, resp.StatusCode)
	}
}
