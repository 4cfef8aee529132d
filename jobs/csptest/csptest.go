// Package csptest plays Choisir le Service Public (CSPLab's API) in tests:
// an in-process HTTP server that checks every request against CSPLab's own
// OpenAPI document (body, headers, the Api-Key scheme) with kin-openapi's
// openapi3filter, answers like CSP (per-offer rejections included), and
// checks its own answers against the same document. A request that does
// not match the contract fails the test: the contract is CSP's, not ours.
package csptest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Call is one request CSP received.
type Call struct {
	At        time.Time
	Path      string
	SourceID  string
	Offers    []map[string]any // creer_modifier: the offers as sent
	Reference string           // archiver
	Status    int              // answered
}

// Server is the fake CSP.
type Server struct {
	URL    string
	t      testing.TB
	srv    *httptest.Server
	router routers.Router
	opts   *openapi3filter.Options

	mu       sync.Mutex
	key      string
	calls    []Call
	offers   map[string]map[string]any // by source and reference: the last version received
	archived map[string]bool
	reject   map[string]map[string]any // by reference: the error object to answer
	failures []int                     // statuses to answer to the next calls
}

// New starts a fake CSP that accepts the API key key; spec is the path of
// csplab-openapi.yaml.
func New(t testing.TB, spec, key string) *Server {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		t.Fatalf("CSP's document is not valid OpenAPI: %v", err)
	}
	s := &Server{t: t, key: key, offers: map[string]map[string]any{}, archived: map[string]bool{}, reject: map[string]map[string]any{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	s.URL = s.srv.URL
	doc.Servers = openapi3.Servers{{URL: s.URL}}
	if s.router, err = gorillamux.NewRouter(doc); err != nil {
		t.Fatal(err)
	}
	s.opts = &openapi3filter.Options{
		IncludeResponseStatus: true,
		AuthenticationFunc:    checkAuth,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.EnableFormatValidation(),
			openapi3.WithStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC4122)),
			openapi3.WithStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail)),
			openapi3.WithStringFormatValidator("uri", openapi3.NewCallbackValidator(func(v string) error {
				if u, err := url.Parse(v); err != nil || u.Scheme == "" || u.Host == "" {
					return fmt.Errorf("not an absolute URI")
				}
				return nil
			})),
		},
	}
	return s
}

// checkAuth accepts the ApiKeyAuth scheme as the document describes it
// (Authorization: Api-Key <key>); whether the key is the right one is the
// server's business (401), not the contract's.
func checkAuth(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "ApiKeyAuth" {
		return fmt.Errorf("the ApiKeyAuth scheme is the one Vivier uses, not %s", in.SecuritySchemeName)
	}
	v := in.RequestValidationInput.Request.Header.Get("Authorization")
	if !strings.HasPrefix(v, "Api-Key ") || strings.TrimSpace(strings.TrimPrefix(v, "Api-Key ")) == "" {
		return fmt.Errorf("header Authorization is %q, want \"Api-Key <key>\"", v)
	}
	return nil
}

// SetKey changes the key CSP accepts (a revoked key: the next calls get 401).
func (s *Server) SetKey(key string) { s.mu.Lock(); s.key = key; s.mu.Unlock() }

// Fail makes the next calls answer these statuses (503: CSP unavailable).
func (s *Server) Fail(statuses ...int) {
	s.mu.Lock()
	s.failures = append(s.failures, statuses...)
	s.mu.Unlock()
}

// Reject makes CSP refuse the offer with this reference, on field, with
// message (French, as CSP says it), until Accept.
func (s *Server) Reject(reference, field, message string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	obj := map[string]any{}
	cur := obj
	parts := strings.Split(field, ".")
	for _, p := range parts[:len(parts)-1] {
		next := map[string]any{}
		cur[p] = next
		cur = next
	}
	cur[parts[len(parts)-1]] = []any{message}
	s.reject[reference] = obj
}

// Accept stops refusing the offer.
func (s *Server) Accept(reference string) { s.mu.Lock(); delete(s.reject, reference); s.mu.Unlock() }

// Calls returns the calls received, in order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Offer returns the last version of an offer CSP accepted, or nil.
func (s *Server) Offer(source, reference string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.offers[source+"/"+reference]
}

// Archived reports whether CSP archived the offer.
func (s *Server) Archived(source, reference string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.archived[source+"/"+reference]
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.t.Errorf("CSP: %s %s: reading the request: %v", r.Method, r.URL.Path, err)
		http.Error(w, "unreadable request", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	call := Call{At: time.Now(), Path: r.URL.Path}
	route, params, err := s.router.FindRoute(r)
	if err != nil {
		s.t.Errorf("CSP: %s %s is not in CSP's API: %v", r.Method, r.URL.Path, err)
		http.Error(w, "not in the contract", http.StatusNotFound)
		return
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: s.opts}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		s.t.Errorf("CSP: %s %s does not match CSP's contract: %v\n%s", r.Method, r.URL.Path, err, truncate(body))
		s.mu.Lock()
		s.answer(w, in, &call, http.StatusBadRequest, map[string]any{"error": "contract: " + err.Error()})
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failures) > 0 {
		status := s.failures[0]
		s.failures = s.failures[1:]
		call.Status = status
		s.calls = append(s.calls, call)
		// A gateway's answer (503 is not in the document): not validated.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"error": "Service indisponible"}`))
		return
	}
	if r.Header.Get("Authorization") != "Api-Key "+s.key {
		// archiver's 401 is oneOf TokenError and {detail}: a TokenError
		// would match both, so only the bare detail is valid there.
		body := map[string]any{"detail": "Clé d'API invalide."}
		if r.URL.Path == "/api/v1/offres/creer_modifier" {
			body["code"] = "authentication_failed"
			body["messages"] = []any{map[string]any{"token_class": "ApiKey", "token_type": "api_key", "message": "Clé d'API invalide ou révoquée"}}
		}
		s.answer(w, in, &call, http.StatusUnauthorized, body)
		return
	}
	switch r.URL.Path {
	case "/api/v1/offres/creer_modifier":
		var req struct {
			SourceID string           `json:"source_id"`
			Offres   []map[string]any `json:"offres"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			s.answer(w, in, &call, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
		call.SourceID, call.Offers = req.SourceID, req.Offres
		created, updated, errs := 0, 0, []any{}
		for _, o := range req.Offres {
			id, _ := o["identification"].(map[string]any)
			ref, _ := id["reference"].(string)
			if e, ok := s.reject[ref]; ok {
				errs = append(errs, map[string]any{"offer": id, "error": e})
				continue
			}
			k := req.SourceID + "/" + ref
			if _, ok := s.offers[k]; ok {
				updated++
			} else {
				created++
			}
			s.offers[k] = o
			delete(s.archived, k)
		}
		s.answer(w, in, &call, http.StatusCreated, map[string]any{"created": created, "updated": updated, "errors": errs})
	case "/api/v1/offres/archiver":
		var req struct {
			Reference string `json:"reference"`
			SourceID  string `json:"source_id"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			s.answer(w, in, &call, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
		call.SourceID, call.Reference = req.SourceID, req.Reference
		k := req.SourceID + "/" + req.Reference
		if _, ok := s.offers[k]; !ok {
			s.answer(w, in, &call, http.StatusNotFound, map[string]any{"detail": "Not found."})
			return
		}
		s.archived[k] = true
		s.answer(w, in, &call, http.StatusOK, map[string]any{"status": "ok"})
	default:
		s.answer(w, in, &call, http.StatusBadRequest, map[string]any{"error": "not played by csptest"})
	}
}

// answer records the call and writes the answer, after checking it against
// the document. The caller holds s.mu.
func (s *Server) answer(w http.ResponseWriter, in *openapi3filter.RequestValidationInput, call *Call, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.t.Errorf("csptest: its own %d answer: %v", status, err)
	}
	h := http.Header{"Content-Type": {"application/json"}}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: h, Options: s.opts}
	out.SetBodyBytes(b)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		s.t.Errorf("csptest: its own %d answer does not match CSP's contract: %v", status, err)
	}
	call.Status = status
	s.calls = append(s.calls, *call)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func truncate(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}
