package vivier_test

import (
	"context"
	"testing"

	"vivier"
)

// The offers an application may be transferred to: its administration's
// published ones, newest change first, without the one it is on, with what
// the choice shows.
func TestTransferOffers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	o1, o2 := openOffer(t, s, a.ID, "T-1"), openOffer(t, s, a.ID, "T-2")
	openOffer(t, s, b.ID, "T-B")
	draft := sampleOffer("T-DRAFT")
	if err := s.CreateOffer(ctx, a.ID, draft, vivier.Actor{Email: "r@a.fr"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.TransferOffers(ctx, a.ID, &o1.ID)
	if err != nil || len(got) != 1 || got[0].ID != o2.ID || got[0].Title != o2.Title || got[0].Reference != "T-2" {
		t.Errorf("from T-1: %+v, %v", got, err)
	}
	got, err = s.TransferOffers(ctx, a.ID, nil)
	if err != nil || len(got) != 2 || got[0].ID != o2.ID || got[1].ID != o1.ID {
		t.Errorf("from a spontaneous application: %+v, %v", got, err)
	}
}
