package vivier_test

import (
	"context"
	"fmt"
	"testing"

	"vivier"
)

// Related offers are kept per state of the published offers: a closed offer
// leaves them on the next page, a new one enters.
func TestRelatedOffersFollowChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, ids := searchWorld(t)
	paris, err := s.OfferByID(ctx, mustAdmin(t, s, "a"), ids["PARIS"])
	if err != nil {
		t.Fatal(err)
	}
	related := func() string {
		t.Helper()
		list, err := s.RelatedOffers(ctx, paris, 3)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, r := range list {
			out = append(out, r.ID)
		}
		return fmt.Sprint(out)
	}
	if got, want := related(), fmt.Sprint([]int64{ids["VERSAILLES"], ids["LYON"], ids["NOWHERE"]}); got != want {
		t.Fatalf("related = %s, want %s", got, want)
	}
	if _, err := s.DB().Exec(`UPDATE offers SET status = 'closed' WHERE id = $1`, ids["VERSAILLES"]); err != nil {
		t.Fatal(err)
	}
	if got, want := related(), fmt.Sprint([]int64{ids["LYON"], ids["NOWHERE"]}); got != want {
		t.Errorf("after a closing: %s, want %s", got, want)
	}
	if _, err := s.DB().Exec(`UPDATE offers SET status = 'published' WHERE id = $1`, ids["VERSAILLES"]); err != nil {
		t.Fatal(err)
	}
	if got, want := related(), fmt.Sprint([]int64{ids["VERSAILLES"], ids["LYON"], ids["NOWHERE"]}); got != want {
		t.Errorf("published again: %s, want %s", got, want)
	}
}

func mustAdmin(t *testing.T, s *vivier.Store, slug string) int64 {
	t.Helper()
	a, err := s.AdministrationBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}
