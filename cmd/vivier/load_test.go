package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestLoadPicksValues checks that `vivier load` fills {NAME} with the
// values of -pick, escaped, and reports the requests it measured.
func TestLoadPicksValues(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	seen := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Query().Get("q")+"|"+r.URL.Query().Get("type")]++
		mu.Unlock()
	}))
	defer srv.Close()
	var out strings.Builder
	err := loadTest(context.Background(), &out, []string{"-name", "essai", "-c", "2", "-d", "300ms", "-warmup", "0s",
		"-pick", "q=agent d'accueil,juriste", "-pick", "type=emploi,stage", srv.URL + "/offres?q={q}&type={type}"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "essai: ") || !strings.Contains(out.String(), " 0 en erreur") {
		t.Errorf("report = %q", out.String())
	}
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{"agent d'accueil|emploi", "agent d'accueil|stage", "juriste|emploi", "juriste|stage"} {
		if seen[want] == 0 {
			t.Errorf("no request for %q among %v", want, seen)
		}
	}
	if len(seen) != 4 {
		t.Errorf("requests = %v, want only the picked values", seen)
	}
}
