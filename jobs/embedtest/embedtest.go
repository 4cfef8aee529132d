// Package embedtest plays an OpenAI-compatible embeddings service (such as
// the Albert API's /v1/embeddings) in tests: an in-process server that
// answers each input with a deterministic vector, a bag of its words'
// first five letters hashed into Dims dimensions, so that texts sharing
// words are near and others are not. It checks the bearer key, counts the
// inputs it embedded, and can be told to fail or to refuse a text.
package embedtest

import (
	"encoding/json"
	"hash/fnv"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Dims is the vectors' length.
const Dims = 128

// Server is the fake service.
type Server struct {
	URL   string // EMBEDDINGS_URL
	Key   string
	Model string

	mu     sync.Mutex
	inputs int
	fail   int
	refuse string // a request with an input holding it answers 413
}

// New starts a server closed at the end of the test.
func New(t testing.TB) *Server {
	s := &Server{Key: "test-key", Model: "test-embeddings"}
	ts := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(ts.Close)
	s.URL = ts.URL + "/v1/embeddings"
	return s
}

// Fail makes the next n requests answer 503.
func (s *Server) Fail(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = n
}

// Refuse makes any request with an input that holds word answer 413, as a
// service does for a text over its model's limit.
func (s *Server) Refuse(word string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = word
}

// Inputs is how many texts were embedded.
func (s *Server) Inputs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inputs
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+s.Key {
		http.Error(w, `{"detail":"Invalid API key"}`, http.StatusUnauthorized)
		return
	}
	s.mu.Lock()
	if s.fail > 0 {
		s.fail--
		s.mu.Unlock()
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	s.mu.Unlock()
	var req struct {
		Input []string `json:"input"`
		Model string   `json:"model"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != s.Model || len(req.Input) == 0 {
		http.Error(w, `{"detail":"bad request"}`, http.StatusUnprocessableEntity)
		return
	}
	s.mu.Lock()
	refuse := s.refuse
	s.mu.Unlock()
	for _, in := range req.Input {
		if refuse != "" && strings.Contains(in, refuse) {
			http.Error(w, `{"detail":"input too long"}`, http.StatusRequestEntityTooLarge)
			return
		}
	}
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	out := struct {
		Object string `json:"object"`
		Data   []item `json:"data"`
		Model  string `json:"model"`
	}{Object: "list", Model: s.Model}
	for i, text := range req.Input {
		out.Data = append(out.Data, item{Object: "embedding", Index: i, Embedding: Vector(text)})
	}
	s.mu.Lock()
	s.inputs += len(req.Input)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// Vector is the server's vector of text.
func Vector(text string) []float32 {
	v := make([]float64, Dims)
	folded := norm.NFD.String(strings.ToLower(text))
	words := strings.FieldsFunc(folded, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) })
	for _, w := range words {
		w = strings.Map(func(r rune) rune {
			if unicode.Is(unicode.Mn, r) {
				return -1
			}
			return r
		}, w)
		if len(w) < 4 {
			continue
		}
		if len(w) > 5 {
			w = w[:5]
		}
		h := fnv.New32a()
		_, _ = h.Write([]byte(w))
		v[h.Sum32()%Dims]++
	}
	var n float64
	for _, x := range v {
		n += x * x
	}
	out := make([]float32, Dims)
	if n == 0 {
		out[0] = 1
		return out
	}
	for i, x := range v {
		out[i] = float32(x / math.Sqrt(n))
	}
	return out
}
