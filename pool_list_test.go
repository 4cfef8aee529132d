package vivier_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"vivier"
)

// inPool puts a candidate in the administration's pool, the consent given
// daysAgo days ago.
func inPool(t *testing.T, s *vivier.Store, adminID, candidateID int64, first, last string, daysAgo int) {
	t.Helper()
	if _, err := s.DB().ExecContext(context.Background(), `INSERT INTO applications (administration_id, candidate_id, consent_at,
		talent_pool_at, idempotency_key, first_name, last_name, created_at)
		VALUES ($1, $2, now(), now() - make_interval(days => $5), gen_random_uuid(), $3, $4, now() - make_interval(days => $5))`,
		adminID, candidateID, first, last, daysAgo); err != nil {
		t.Fatal(err)
	}
}

func candidate(t *testing.T, s *vivier.Store, email string) int64 {
	t.Helper()
	var id int64
	if err := s.DB().GetContext(context.Background(), &id, `INSERT INTO candidates (email) VALUES ($1) RETURNING id`, email); err != nil {
		t.Fatal(err)
	}
	return id
}

func poolLines(t *testing.T, s *vivier.Store, adminID int64, f vivier.PoolFilter) (*vivier.PoolList, []string) {
	t.Helper()
	l, err := s.TalentPoolList(context.Background(), adminID, f)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range l.Rows {
		out = append(out, r.LastName+"@"+r.AdminSlug)
	}
	return l, out
}

// A parent's pool holds its directions' (a line per person and
// administration), never a suspended direction's or another
// administration's; it pages, sorts, and filters on one direction.
func TestTalentPoolOfATree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newOfferTree(t)
	s := w.s
	for i := 1; i <= 52; i++ {
		inPool(t, s, w.ministry.ID, candidate(t, s, fmt.Sprintf("m%02d@exemple.fr", i)), "M", fmt.Sprintf("Ministere%02d", i), i)
	}
	both := candidate(t, s, "both@exemple.fr")
	inPool(t, s, w.ministry.ID, both, "Ana", "Double", 100)
	inPool(t, s, w.direction.ID, both, "Ana", "Double", 200)
	inPool(t, s, w.bureau.ID, candidate(t, s, "bureau@exemple.fr"), "Bea", "Bureau", 300)
	inPool(t, s, w.closed.ID, candidate(t, s, "fermee@exemple.fr"), "Fer", "Fermee", 1)
	inPool(t, s, w.other.ID, candidate(t, s, "autre@exemple.fr"), "Aut", "Autre", 1)
	tree := vivier.PoolFilter{WithDirections: true, Sort: vivier.PoolSortName}

	l, got := poolLines(t, s, w.ministry.ID, tree)
	if l.Total != 55 || l.Pages() != 2 || len(got) != 50 {
		t.Fatalf("the ministry's tree: %d lines, %d pages, %d shown", l.Total, l.Pages(), len(got))
	}
	if want := []string{"Bureau@bureau", "Double@ministere", "Double@direction", "Ministere01@ministere"}; !slices.Equal(got[:4], want) {
		t.Errorf("by name: %v, want %v", got[:4], want)
	}
	_, page2 := poolLines(t, s, w.ministry.ID, vivier.PoolFilter{WithDirections: true, Sort: vivier.PoolSortName, Page: 2})
	if len(page2) != 5 || page2[4] != "Ministere52@ministere" || slices.Contains(page2, "Fermee@fermee") || slices.Contains(page2, "Autre@autre") {
		t.Errorf("page 2 = %v", page2)
	}
	if l, _ := poolLines(t, s, w.ministry.ID, vivier.PoolFilter{WithDirections: true, Page: 9}); l.Page != 2 || len(l.Rows) != 5 {
		t.Errorf("page 9 = page %d with %d lines", l.Page, len(l.Rows))
	}
	// The consent that lapses first comes first: the oldest.
	if _, got := poolLines(t, s, w.ministry.ID, vivier.PoolFilter{WithDirections: true, Sort: vivier.PoolSortConsent}); got[0] != "Bureau@bureau" || got[1] != "Double@direction" {
		t.Errorf("by consent's end: %v", got[:2])
	}
	// Without the directions, from a direction, on one direction.
	if l, _ := poolLines(t, s, w.ministry.ID, vivier.PoolFilter{}); l.Total != 53 {
		t.Errorf("the ministry's own pool = %d", l.Total)
	}
	for _, c := range []struct {
		from *vivier.Administration
		f    vivier.PoolFilter
		want []string
	}{
		{w.direction, tree, []string{"Bureau@bureau", "Double@direction"}},
		{w.bureau, tree, []string{"Bureau@bureau"}},
		{w.ministry, vivier.PoolFilter{WithDirections: true, Direction: w.bureau.ID}, []string{"Bureau@bureau"}},
		{w.ministry, vivier.PoolFilter{WithDirections: true, Direction: w.other.ID}, nil},
		{w.ministry, vivier.PoolFilter{WithDirections: true, Direction: w.closed.ID}, nil},
		{w.bureau, vivier.PoolFilter{WithDirections: true, Direction: w.direction.ID}, nil},
		{w.ministry, vivier.PoolFilter{WithDirections: true, Query: "double", Sort: vivier.PoolSortName}, []string{"Double@ministere", "Double@direction"}},
		{w.ministry, vivier.PoolFilter{WithDirections: true, Query: "autre"}, nil},
		{w.ministry, vivier.PoolFilter{CandidateID: both}, []string{"Double@ministere"}},
	} {
		if _, got := poolLines(t, s, c.from.ID, c.f); !slices.Equal(got, c.want) {
			t.Errorf("from %s, %+v = %v, want %v", c.from.Slug, c.f, got, c.want)
		}
	}
	// An invitation by the direction shows on the direction's line only.
	var offerID int64
	if err := s.DB().GetContext(ctx, &offerID, `SELECT id FROM offers WHERE reference = 'DIR-1'`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InviteFromPool(ctx, w.direction.ID, both, offerID, vivier.Actor{Email: "r@d.fr"}); err != nil {
		t.Fatal(err)
	}
	l, _ = poolLines(t, s, w.ministry.ID, vivier.PoolFilter{WithDirections: true, Query: "double", Sort: vivier.PoolSortName})
	if l.Rows[0].InvitedTo(offerID) || !l.Rows[1].InvitedTo(offerID) || !slices.Equal(l.Rows[1].InvitedTitles, []string{"Infirmière de prévention"}) {
		t.Errorf("invitations: %+v / %+v", l.Rows[0].InvitedTitles, l.Rows[1].InvitedTitles)
	}
}
