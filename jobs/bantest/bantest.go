// Package bantest plays the Base Adresse Nationale's geocoding API in tests:
// an in-process server that answers /search/ in the BAN's GeocodeJSON shape
// (a FeatureCollection of Points, longitude first, with the citycode
// property), from the addresses and communes a test gives it, and that can be
// told to fail (an error status, 429) for a while.
package bantest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Point is what the fake answers for a query, in a commune.
type Point struct{ Lat, Lng float64 }

// Server is the fake BAN.
type Server struct {
	URL string
	srv *httptest.Server

	mu        sync.Mutex
	addresses map[string]Point // citycode + "|" + lower-case query
	communes  map[string]Point // citycode: the municipality's centre
	fail      int              // status of the next answers, while failures > 0
	failures  int
	calls     int
}

// New starts the fake, stopped when the test ends.
func New(t testing.TB) *Server {
	s := &Server{addresses: map[string]Point{}, communes: map[string]Point{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Address makes the fake know an address of a commune.
func (s *Server) Address(citycode, q string, p Point) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addresses[citycode+"|"+strings.ToLower(q)] = p
}

// Commune makes the fake know a commune's centre.
func (s *Server) Commune(citycode string, p Point) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.communes[citycode] = p
}

// Fail makes the next n answers fail with status (500, 503, 429...).
func (s *Server) Fail(status, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail, s.failures = status, n
}

// Calls is the number of requests received.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

type feature struct {
	Type     string `json:"type"`
	Geometry struct {
		Type        string    `json:"type"`
		Coordinates []float64 `json:"coordinates"`
	} `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if r.URL.Path != "/search/" {
		http.NotFound(w, r)
		return
	}
	if s.failures > 0 {
		s.failures--
		if s.fail == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", "1")
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(s.fail)
		_, _ = w.Write([]byte(`{"message":"failure"}`))
		return
	}
	q, city := strings.TrimSpace(r.URL.Query().Get("q")), r.URL.Query().Get("citycode")
	if len(q) < 3 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"code":400,"message":"q must contain between 3 and 200 chars and start with a number or a letter"}`))
		return
	}
	var found []feature
	p, ok := s.addresses[city+"|"+strings.ToLower(q)]
	kind := "housenumber"
	if r.URL.Query().Get("type") == "municipality" || !ok {
		p, ok = s.communes[city]
		kind = "municipality"
		if r.URL.Query().Get("type") == "" && ok {
			ok = false // an address it does not know: the BAN finds nothing at that score
		}
	}
	if ok {
		var f feature
		f.Type, f.Geometry.Type, f.Geometry.Coordinates = "Feature", "Point", []float64{p.Lng, p.Lat}
		f.Properties = map[string]any{"label": q, "score": 0.9, "type": kind, "citycode": city}
		found = append(found, f)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "FeatureCollection", "version": "draft",
		"features": append([]feature{}, found...), "query": q, "limit": 1})
}
