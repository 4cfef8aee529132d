package main

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// oidcProvider is a small OpenID Connect provider in the test's process,
// playing ProConnect: discovery, authorization (it consents at once for the
// email it is told), token endpoint with RS256-signed ID tokens, JWKS.
type oidcProvider struct {
	*httptest.Server
	key    *rsa.PrivateKey
	mu     sync.Mutex
	email  string            // whom the next authorization is for
	codes  map[string]string // code → nonce
	client string
}

func newOIDCProvider(t *testing.T, clientID string) *oidcProvider {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &oidcProvider{key: key, codes: map[string]string{}, client: clientID}
	mux := http.NewServeMux()
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		serveJSON(w, map[string]any{
			"issuer": p.URL, "authorization_endpoint": p.URL + "/authorize", "token_endpoint": p.URL + "/token",
			"jwks_uri": p.URL + "/jwks", "userinfo_endpoint": p.URL + "/userinfo",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, r *http.Request) {
		serveJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != p.client || q.Get("response_type") != "code" || !strings.Contains(q.Get("scope"), "openid") {
			http.Error(w, "bad request", 400)
			return
		}
		code := "code-" + q.Get("state")[:8]
		p.mu.Lock()
		p.codes[code] = q.Get("nonce")
		p.mu.Unlock()
		http.Redirect(w, r, q.Get("redirect_uri")+"?code="+code+"&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.Form.Get("client_id"), r.Form.Get("client_secret")
		}
		p.mu.Lock()
		nonce, known := p.codes[r.Form.Get("code")]
		delete(p.codes, r.Form.Get("code"))
		email := p.email
		p.mu.Unlock()
		if id != p.client || secret != "secret-de-test" || !known {
			http.Error(w, `{"error":"invalid_grant"}`, 400)
			return
		}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithHeader("kid", "k1"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		now := time.Now()
		raw, err := jwt.Signed(signer).Claims(jwt.Claims{Issuer: p.URL, Subject: "sub-" + email, Audience: jwt.Audience{p.client},
			IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Minute))}).
			Claims(map[string]any{"nonce": nonce, "email": email}).Serialize()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		serveJSON(w, map[string]any{"access_token": "at", "token_type": "Bearer", "expires_in": 60, "id_token": raw})
	})
	return p
}

// serveJSON answers v in JSON, or a 500 naming why it cannot be encoded.
func serveJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// follow runs a redirect chain by hand (the client keeps cookies and does
// not follow redirects itself) until a page that is not a redirect.
func follow(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	for i := 0; i < 10; i++ {
		resp, body := get(t, c, u)
		loc := resp.Header.Get("Location")
		if resp.StatusCode < 300 || resp.StatusCode >= 400 || loc == "" {
			return resp, body
		}
		next, err := resp.Request.URL.Parse(loc)
		if err != nil {
			t.Fatal(err)
		}
		u = next.String()
	}
	t.Fatal("too many redirects")
	return nil, ""
}

func TestProConnect(t *testing.T) {
	t.Parallel()
	provider := newOIDCProvider(t, "vivier-test")
	p := startProgram(t, "serve", map[string]string{"PROCONNECT_ISSUER": provider.URL, "PROCONNECT_CLIENT_ID": "vivier-test",
		"PROCONNECT_CLIENT_SECRET": "secret-de-test"})
	seedDemo(t, p)
	// BASE_URL points at the program itself (port 0 was resolved at start).
	p.admin.ProConnect.RedirectURL = p.URL + "/admin/proconnect/retour"

	c := newClient(t)
	if _, page := get(t, c, p.URL+"/admin/connexion"); !strings.Contains(page, `href="/admin/proconnect"`) {
		t.Fatal("the sign-in page has no ProConnect button")
	}
	provider.email = "recruteur@ville-demo.vivier.test"
	resp, body := follow(t, c, p.URL+"/admin/proconnect")
	if resp.StatusCode != 200 || !strings.Contains(body, "Ville de Démo-sur-Loire") || !strings.Contains(body, "recruteur@ville-demo.vivier.test") {
		t.Fatalf("after ProConnect: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	// The same account as with a password: same id, same roles.
	if resp, _ := get(t, c, p.URL+"/admin/ministere-demo"); resp.StatusCode != 404 {
		t.Fatalf("another administration = %d", resp.StatusCode)
	}

	// An address with no account: refused, in words.
	other := newClient(t)
	provider.email = "inconnu@exemple.gouv.fr"
	resp, body = follow(t, other, p.URL+"/admin/proconnect")
	if resp.StatusCode != 403 || !strings.Contains(body, "aucun compte actif") {
		t.Fatalf("unknown address = %d", resp.StatusCode)
	}
	// A forged answer (state not from this session): refused.
	resp, body = get(t, newClient(t), p.URL+"/admin/proconnect/retour?code=x&state=forged")
	if resp.StatusCode != 503 || !strings.Contains(body, "ProConnect n") {
		t.Fatalf("forged answer = %d", resp.StatusCode)
	}
}

// The mobility space reuses ProConnect with its own return URL: any address
// ProConnect vouches for enters (it vouches for public agents), back to
// where the agent was going; a forged answer is refused.
func TestMobilityProConnect(t *testing.T) {
	t.Parallel()
	provider := newOIDCProvider(t, "vivier-test")
	p := startProgram(t, "serve", map[string]string{"PROCONNECT_ISSUER": provider.URL, "PROCONNECT_CLIENT_ID": "vivier-test",
		"PROCONNECT_CLIENT_SECRET": "secret-de-test"})
	p.admin.ProConnect.MobilityRedirectURL = p.URL + "/mobilite/proconnect/retour"

	c := newClient(t)
	if _, page := get(t, c, p.URL+"/mobilite/connexion?retour=/mobilite/profil"); !strings.Contains(page, `href="/mobilite/proconnect?retour=%2fmobilite%2fprofil"`) &&
		!strings.Contains(page, `href="/mobilite/proconnect?retour=/mobilite/profil"`) {
		t.Fatalf("the mobility sign-in page has no ProConnect button: %s", page)
	}
	provider.email = "agent.contractuel@hopital-exemple.fr" // no listed domain: ProConnect vouches
	resp, body := follow(t, c, p.URL+"/mobilite/proconnect?retour=/mobilite/profil")
	if resp.StatusCode != 200 || resp.Request.URL.Path != "/mobilite/profil" || !strings.Contains(body, "Mon profil de compétences") {
		t.Fatalf("after ProConnect: %d at %s", resp.StatusCode, resp.Request.URL)
	}
	if n := count(t, p, `SELECT count(*) FROM mobility_sessions s JOIN mobility_agents a ON a.id = s.agent_id
		WHERE a.email = 'agent.contractuel@hopital-exemple.fr'`); n != 1 {
		t.Fatalf("%d sessions for the address ProConnect vouched for", n)
	}
	resp, body = get(t, newClient(t), p.URL+"/mobilite/proconnect/retour?code=x&state=forged")
	if resp.StatusCode != 503 || !strings.Contains(body, "ProConnect n") {
		t.Fatalf("forged answer = %d", resp.StatusCode)
	}
}
