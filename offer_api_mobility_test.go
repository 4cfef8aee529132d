package vivier_test

import (
	"context"
	"testing"
	"time"

	"vivier"
)

// CSPLab's offer has no field for internal mobility: a partner's push of an
// offer the recruiters opened to it, or reserved to public agents, keeps
// both.
func TestPushKeepsInternalMobility(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	start, end := time.Now().Add(-time.Hour), time.Now().Add(30*24*time.Hour)
	push := func() *vivier.Offer {
		t.Helper()
		o := sampleOffer("API-MOB")
		o.Source, o.PublishAt, o.EndAt = "partenaire", &start, &end
		if _, err := s.PushOffer(ctx, a.ID, o, "", vivier.Actor{}); err != nil {
			t.Fatal(err)
		}
		return o
	}
	o := push()
	if o.OpenToInternal || o.ReservedToAgents {
		t.Fatalf("a new pushed offer is open to internal mobility: %+v", o)
	}
	if _, err := s.DB().Exec(`UPDATE offers SET open_to_internal = true, reserved_to_agents = true WHERE id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	o = push()
	var internal, reserved bool
	if err := s.DB().QueryRow(`SELECT open_to_internal, reserved_to_agents FROM offers WHERE id = $1`, o.ID).Scan(&internal, &reserved); err != nil {
		t.Fatal(err)
	}
	if !internal || !reserved || !o.OpenToInternal || !o.ReservedToAgents {
		t.Fatalf("after a push: open %v, reserved %v (offer read back: %v, %v)", internal, reserved, o.OpenToInternal, o.ReservedToAgents)
	}
}
