package csptest

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// recorder keeps the failures the fake reports instead of failing.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

// The fake refuses what CSP's contract refuses: an unknown path (a trailing
// slash), another auth scheme, a body without a required field.
func TestFakeEnforcesTheContract(t *testing.T) {
	t.Parallel()
	rec := &recorder{TB: t}
	s := New(rec, "../../cmd/vivier/testdata/csplab-openapi.yaml", "k")
	valid := `{"reference": "R-1", "source_id": "12345678-1234-4234-b234-123456789abc"}`
	for _, c := range []struct {
		name, path, auth, body string
		violation              bool
	}{
		{"valid", "/api/v1/offres/archiver", "Api-Key k", valid, false},
		{"trailing slash", "/api/v1/offres/archiver/", "Api-Key k", valid, true},
		{"bearer", "/api/v1/offres/archiver", "Bearer k", valid, true},
		{"no source", "/api/v1/offres/archiver", "Api-Key k", `{"reference": "R-1"}`, true},
		{"empty batch", "/api/v1/offres/creer_modifier", "Api-Key k", `{"source_id": "12345678-1234-4234-b234-123456789abc", "offres": []}`, true},
		{"wrong key", "/api/v1/offres/archiver", "Api-Key autre", valid, false},
	} {
		rec.mu.Lock()
		rec.errs = nil
		rec.mu.Unlock()
		req, err := http.NewRequest("POST", s.URL+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", c.auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		rec.mu.Lock()
		got := len(rec.errs) > 0
		rec.mu.Unlock()
		if got != c.violation {
			t.Errorf("%s: violation reported %v, want %v (%v)", c.name, got, c.violation, rec.errs)
		}
		if c.name == "wrong key" && resp.StatusCode != 401 {
			t.Errorf("wrong key = %d, want 401", resp.StatusCode)
		}
		if c.name == "valid" && resp.StatusCode != 404 {
			t.Errorf("archiving an unknown offer = %d, want 404", resp.StatusCode)
		}
	}
}
