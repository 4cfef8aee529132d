package vivier_test

import (
	"context"
	"testing"

	"vivier"
)

// "Vouliez-vous dire…": a misspelt word is replaced by the closest word of
// the published titles, accents restored; a correction that would find
// nothing with the same filters is not offered.
func TestSuggestQuery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := searchWorld(t) // développeur·se, juriste, chargé·e de communication: all of the état
	if n, err := s.RefreshSearchWords(ctx); err != nil || n == 0 {
		t.Fatalf("RefreshSearchWords = %d, %v", n, err)
	}
	for _, tc := range []struct {
		q    vivier.OfferSearch
		want string
	}{
		{vivier.OfferSearch{Q: "devlopeur"}, "développeur"},
		{vivier.OfferSearch{Q: "jurist droit"}, "juriste droit"},
		{vivier.OfferSearch{Q: "communiction"}, "communication"},
		{vivier.OfferSearch{Q: "juriste"}, ""},                         // nothing to correct
		{vivier.OfferSearch{Q: "zzzzzzzz"}, ""},                        // nothing alike
		{vivier.OfferSearch{Q: "jurist", Versant: "hospitaliere"}, ""}, // the correction finds nothing either
		{vivier.OfferSearch{Q: "devlopeur", Versant: "etat"}, "développeur"},
	} {
		got, err := s.SuggestQuery(ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("SuggestQuery(%+v) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

// A new database gets its lexicon at once (EnsureSearchWords, called when
// the worker starts), not at the first hourly maintenance; a built one is
// left alone. The search box's typing help then offers the titles' words.
func TestEnsureSearchWordsAndWordHints(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := searchWorld(t)
	hints := func() []vivier.TypingHint {
		t.Helper()
		got, err := s.TypingHints(ctx, "juri", false, 5)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, h := range hints() {
		if h.Kind == "mot" {
			t.Fatalf("a word hint before the lexicon is built: %+v", h)
		}
	}
	if n, err := s.EnsureSearchWords(ctx); err != nil || n == 0 {
		t.Fatalf("EnsureSearchWords on an empty lexicon = %d, %v", n, err)
	}
	if n, err := s.EnsureSearchWords(ctx); err != nil || n != 0 {
		t.Fatalf("EnsureSearchWords on a built lexicon = %d, %v; want 0", n, err)
	}
	found := false
	for _, h := range hints() {
		found = found || (h.Kind == "mot" && h.Value == "juriste")
	}
	if !found {
		t.Errorf("typing help for %q: %+v, want the word juriste", "juri", hints())
	}
}
