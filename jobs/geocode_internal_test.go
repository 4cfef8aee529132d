package jobs

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"vivier"
	"vivier/jobs/bantest"
)

// The geocoder's reading of the BAN's answers (GeocodeJSON), against the
// fake BAN: an address found, one not found, the commune itself, a refused
// query, errors and 429 (retried: an error), and the outgoing-request guard
// that refuses a loopback address unless the operator allows it.
func TestGeocoderSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ban := bantest.New(t)
	ban.Address("74010", "12 rue de la Paix", bantest.Point{Lat: 45.904, Lng: 6.125})
	ban.Commune("74010", bantest.Point{Lat: 45.8992, Lng: 6.1294})
	g := &geocoder{cfg: GeocoderConfig{URL: ban.URL}}
	c := g.client(vivier.OutboundPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})

	if p, err := g.search(ctx, c, "12 rue de la Paix", "74010", ""); err != nil || p == nil || p.Lat != 45.904 || p.Lng != 6.125 {
		t.Errorf("address = %+v, %v", p, err)
	}
	if p, err := g.search(ctx, c, "99 avenue inconnue", "74010", ""); err != nil || p != nil {
		t.Errorf("unknown address = %+v, %v", p, err)
	}
	if p, err := g.search(ctx, c, "Annecy", "74010", "municipality"); err != nil || p == nil || p.Lat != 45.8992 {
		t.Errorf("municipality = %+v, %v", p, err)
	}
	if p, err := g.search(ctx, c, "Annecy", "74011", "municipality"); err != nil || p != nil {
		t.Errorf("another commune = %+v, %v", p, err)
	}
	if p, err := g.search(ctx, c, "a", "74010", ""); err != nil || p != nil {
		t.Errorf("a query the BAN refuses (400) = %+v, %v", p, err)
	}
	for _, status := range []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable} {
		ban.Fail(status, 1)
		if p, err := g.search(ctx, c, "12 rue de la Paix", "74010", ""); err == nil || p != nil {
			t.Errorf("status %d = %+v, %v (want an error, for a retry)", status, p, err)
		}
	}
	guarded := &geocoder{cfg: GeocoderConfig{URL: ban.URL}}
	before := ban.Calls()
	if _, err := guarded.search(ctx, guarded.client(vivier.OutboundPolicy{}), "12 rue de la Paix", "74010", ""); err == nil ||
		!strings.Contains(err.Error(), "refus") {
		t.Errorf("loopback without OUTBOUND_ALLOW = %v", err)
	}
	if ban.Calls() != before {
		t.Error("the guard let a call through")
	}
}
