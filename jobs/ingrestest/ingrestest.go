// Package ingrestest plays PISTE and INGRES in tests: an in-process server
// that gives OAuth2 tokens for client credentials ({URL}/api/oauth/token)
// and answers RMFP_EMPL_REF ({URL}/ingres/RMFP_EMPL_REF) in INGRES's shape,
// from the métiers a test gives it, to a valid, unexpired bearer token only.
// It can be told to fail for a while, to revoke the tokens it gave, and to
// give tokens of a short life.
package ingrestest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Metier is one item of RMFP_EMPL_REF, in the fields Vivier reads.
type Metier struct {
	Code, Court, Long                            string
	Domaine, LibelleDomaine, Famille, LibFamille string
	Definition                                   string
	FonctionPublique                             any // "FPE" or []string{"FPE", "FPT"}
}

// Server is the fake PISTE and INGRES.
type Server struct {
	URL       string // PISTE_OAUTH_URL
	INGRESURL string // INGRES_URL
	ClientID  string
	Secret    string

	mu       sync.Mutex
	metiers  []Metier
	tokens   map[string]time.Time // token: expiry
	ttl      time.Duration
	fail     int
	failures int
	issued   int
	lists    int
}

// New starts the fake, stopped when the test ends.
func New(t testing.TB) *Server {
	s := &Server{ClientID: "vivier-test", Secret: "secret-" + random(), tokens: map[string]time.Time{}, ttl: time.Hour}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL, s.INGRESURL = srv.URL, srv.URL+"/ingres"
	return s
}

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SetMetiers sets the list RMFP_EMPL_REF answers.
func (s *Server) SetMetiers(m ...Metier) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.metiers = append([]Metier{}, m...)
}

// TokenLife sets the life of the tokens given from now on.
func (s *Server) TokenLife(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ttl = d
}

// Revoke makes every token given so far invalid, as a gateway does when it
// rotates its keys.
func (s *Server) Revoke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens = map[string]time.Time{}
}

// Fail makes the next n calls of RMFP_EMPL_REF answer status.
func (s *Server) Fail(status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail, s.failures = status, n
}

// Tokens is how many tokens were given.
func (s *Server) Tokens() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

// Lists is how many times RMFP_EMPL_REF answered the list.
func (s *Server) Lists() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/oauth/token":
		s.token(w, r)
	case "/ingres/RMFP_EMPL_REF":
		s.list(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.ClientID || secret != s.Secret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	s.mu.Lock()
	tok := random()
	s.tokens[tok] = time.Now().Add(s.ttl)
	s.issued++
	ttl := s.ttl
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer",
		"expires_in": int(ttl / time.Second), "scope": "openid"})
}

func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	expiry, ok := s.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
	if !ok || time.Now().After(expiry) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return
	}
	if s.failures > 0 {
		s.failures--
		writeJSON(w, s.fail, map[string]string{"error": "unavailable"})
		return
	}
	if q := r.URL.Query(); q.Get("enVigueur") != "true" || q.Get("full") != "true" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "enVigueur=true&full=true expected"})
		return
	}
	items := make([]any, 0, len(s.metiers))
	for _, m := range s.metiers {
		items = append(items, map[string]any{
			"identifiant": m.Code,
			"definitions": map[string]any{
				"libelles": map[string]string{"libelleCourt": m.Court, "libelleLong": m.Long},
				"domaineFonctionnel_Famille": map[string]string{"codeDomaineFonctionnel": m.Domaine,
					"libelleDomaineFonctionnel": m.LibelleDomaine, "codeFamille": m.Famille, "libelleFamille": m.LibFamille},
				"fonctionPublique":           m.FonctionPublique,
				"definitionSynthetiqueDeLEr": map[string]string{"definition": m.Definition},
				"emploiDeReferenceCSP":       nil,
			},
		})
	}
	s.lists++
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
