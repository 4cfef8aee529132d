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
