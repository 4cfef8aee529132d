package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// specRouter loads an OpenAPI document and routes requests to base with it.
func specRouter(t *testing.T, data []byte, base string) routers.Router {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		t.Fatalf("the document is not valid OpenAPI: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: base}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return router
}

var specOptions = &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, IncludeResponseStatus: true}

// validRequest checks a request against a document.
func validRequest(t *testing.T, router routers.Router, method, url string, body []byte) error {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s: no route in the document: %v", method, url, err)
	}
	return openapi3filter.ValidateRequest(context.Background(),
		&openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: specOptions})
}

// TestAPIMatchesItsOpenAPIDocument sends real requests, checks the valid
// ones against /api/v1/openapi.json, and checks every answer, errors
// included, against it.
func TestAPIMatchesItsOpenAPIDocument(t *testing.T) {
	t.Parallel()
	p, write, read := apiProgram(t, map[string]string{"API_RATE_LIMIT_PER_MINUTE": "40"})
	resp, spec := get(t, newClient(t), p.URL+"/api/v1/openapi.json")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("openapi.json = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	router := specRouter(t, []byte(spec), p.URL)
	ctx := context.Background()

	check := func(method, path, token string, body any, validReq bool, wantStatus int) {
		t.Helper()
		var raw []byte
		if s, ok := body.(string); ok {
			raw = []byte(s)
		} else if body != nil {
			var err error
			if raw, err = json.Marshal(body); err != nil {
				t.Fatal(err)
			}
		}
		url := p.URL + path
		if err := validRequest(t, router, method, url, raw); (err == nil) != validReq {
			t.Errorf("%s %s: request valid = %v, want %v (%v)", method, path, err == nil, validReq, err)
		}
		req, err := http.NewRequest(method, url, bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatal(err)
		}
		res, got := send(t, http.DefaultClient, req)
		if res.StatusCode != wantStatus {
			t.Errorf("%s %s = %d, want %d: %s", method, path, res.StatusCode, wantStatus, got)
		}
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: specOptions},
			Status:                 res.StatusCode, Header: res.Header, Options: specOptions}
		in.SetBodyBytes([]byte(got))
		if err := openapi3filter.ValidateResponse(ctx, in); err != nil {
			t.Errorf("%s %s = %d: the answer does not match the document: %v\n%s", method, path, res.StatusCode, err, got)
		}
	}
	past := time.Now().Add(-time.Hour)
	offers := []any{apiOffer("SPEC-1", "Chargé de mission", past), apiOffer("SPEC-2", "Analyste", time.Now().Add(time.Hour))}
	check("POST", "/api/v1/offres/creer_modifier", write, map[string]any{"offres": offers}, true, 201)
	check("POST", "/api/v1/offres/creer_modifier", write, map[string]any{"offres": offers, "source_id": "sirh-2"}, true, 201)
	check("POST", "/api/v1/offres/creer_modifier", write, map[string]any{"offres": offers}, true, 200)
	bad := apiOffer("SPEC-3", "", past)
	check("POST", "/api/v1/offres/creer_modifier", write, map[string]any{"offres": []any{bad, offers[0]}}, false, 200)
	check("POST", "/api/v1/offres/creer_modifier", write, `{"offres": [`, false, 400)
	check("POST", "/api/v1/offres/creer_modifier", read, map[string]any{"offres": offers}, true, 403)
	check("GET", "/api/v1/offres", "", nil, true, 401)
	check("GET", "/api/v1/offres?limite=1", read, nil, true, 200)
	check("GET", "/api/v1/offres?statut=scheduled", read, nil, true, 200)
	check("GET", "/api/v1/offres?apres=nimportequoi", read, nil, true, 400)
	check("GET", "/api/v1/offres/SPEC-1", read, nil, true, 200)
	check("GET", "/api/v1/offres/SPEC-1?source_id=sirh-2", read, nil, true, 200)
	check("GET", "/api/v1/offres/INCONNUE", read, nil, true, 404)
	check("POST", "/api/v1/offres/archiver", write, map[string]any{"reference": "SPEC-1"}, true, 200)
	check("POST", "/api/v1/offres/archiver", write, map[string]any{"reference": "INCONNUE"}, true, 404)
	check("POST", "/api/v1/offres/SPEC-2/cloture", write, nil, true, 200)
	check("GET", "/api/v1/donnees/offres?limite=1", "", nil, true, 200)
	check("GET", "/api/v1/donnees/offres?apres=%%%", "", nil, true, 400)
	check("GET", "/api/v1/donnees/offres?format=xls", "", nil, false, 400)
	check("GET", "/api/v1/donnees/modifications?limite=5", "", nil, true, 200)
	check("GET", "/api/v1/donnees/modifications?apres=bm9u", "", nil, true, 400)
	check("GET", "/api/v1/openapi.json", "", nil, true, 200)
	for i := 0; i < 40; i++ { // spend the read token's quota
		apiCall(t, "GET", p.URL+"/api/v1/offres?limite=1", read, nil)
	}
	check("GET", "/api/v1/offres", read, nil, true, 429)
}

// TestAPIAcceptsCSPLabPayloads checks that the offers the tests send are
// valid for CSPLab's own document: Vivier takes what CSPLab takes.
func TestAPIAcceptsCSPLabPayloads(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/csplab-openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	router := specRouter(t, data, "https://csplab.example")
	body, err := json.Marshal(map[string]any{"source_id": "12345678-1234-4234-b234-123456789abc",
		"offres": []any{apiOffer("2026-999999", "Responsable de la Division des Affaires Financières H/F", time.Now())}})
	if err != nil {
		t.Fatal(err)
	}
	if err := validRequest(t, router, "POST", "https://csplab.example/api/v1/offres/creer_modifier", body); err != nil {
		t.Fatalf("the test offer is not a valid CSPLab offer: %v", err)
	}
	// The archive example of CSPLab's document, sent to Vivier.
	p, write, _ := apiProgram(t, nil)
	status, _, resp := apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", write, string(body))
	if status != 201 || resp["created"] != 1.0 {
		t.Fatalf("CSPLab payload = %d %v", status, resp)
	}
	status, _, resp = apiCall(t, "POST", p.URL+"/api/v1/offres/archiver", write,
		`{"reference": "2026-999999", "source_id": "12345678-1234-4234-b234-123456789abc"}`)
	if status != 200 || resp["statut"] != "closed" {
		t.Fatalf("CSPLab's archive example = %d %v", status, resp)
	}
}
