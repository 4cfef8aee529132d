package vivier_test

import (
	"context"
	"testing"

	"vivier"
)

// A jury member's scope: the applications assigned to them, the offers
// that have one, and a bulk selection only when all of it is theirs; the
// zero scope reaches the whole administration, and nothing of another.
func TestScopeOfAJuryMember(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids, ag := collabWorld(t, 3)
	if _, err := s.Assign(ctx, a.ID, ids[:1], ag["jury"].ID, act(ag["rh"])); err != nil {
		t.Fatal(err)
	}
	d, err := s.ApplicationForAgents(ctx, a.ID, ids[0])
	if err != nil || d.OfferID == nil {
		t.Fatalf("the application and its offer: %v", err)
	}
	empty := openOffer(t, s, a.ID, "PIPE-2")
	jury, all := vivier.Scope{AssignedTo: ag["jury"].ID}, vivier.Scope{}
	notFound := func(what string, err error, want bool) {
		t.Helper()
		if got := vivier.ErrorCode(err) == vivier.ENOTFOUND; got != want || (!want && err != nil) {
			t.Errorf("%s: %v, want not found %v", what, err, want)
		}
	}
	notFound("assigned", s.InScope(ctx, a.ID, ids[0], jury), false)
	notFound("not assigned", s.InScope(ctx, a.ID, ids[1], jury), true)
	notFound("whole administration", s.InScope(ctx, a.ID, ids[1], all), false)
	notFound("another administration", s.InScope(ctx, b.ID, ids[0], all), true)

	notFound("bulk of the assigned, twice", s.AllInScope(ctx, a.ID, []int64{ids[0], ids[0]}, jury), false)
	notFound("bulk with one not assigned", s.AllInScope(ctx, a.ID, []int64{ids[0], ids[1]}, jury), true)
	notFound("bulk in the whole administration", s.AllInScope(ctx, a.ID, ids, all), false)
	notFound("bulk in another administration", s.AllInScope(ctx, b.ID, ids, all), true)
	notFound("bulk with an unknown id", s.AllInScope(ctx, a.ID, []int64{ids[0], -1}, all), true)

	notFound("offer with an assigned application", s.OfferInScope(ctx, a.ID, *d.OfferID, jury), false)
	notFound("offer with none assigned", s.OfferInScope(ctx, a.ID, empty.ID, jury), true)
	notFound("offer in the whole administration", s.OfferInScope(ctx, a.ID, empty.ID, all), false)
	notFound("offer of another administration", s.OfferInScope(ctx, b.ID, *d.OfferID, all), true)
}
