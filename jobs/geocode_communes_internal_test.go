package jobs

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"testing"

	"vivier"
	"vivier/jobs/bantest"
	"vivier/migrations/dbtest"
)

// Communes' centres are learned from the BAN, the most populated first: a
// commune it does not know is not asked again, a 429 ends the run without
// an error and the next run goes on, and without a geocoder nothing is
// asked.
func TestCommuneCentresAreLearned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ban := bantest.New(t)
	store := vivier.NewStore(dbtest.New(t), vivier.WithOutboundPolicy(vivier.OutboundPolicy{
		Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}))
	first, err := store.CommunesWithoutCentre(ctx, communeCentresPerRun+2, nil)
	if err != nil || len(first) != communeCentresPerRun+2 {
		t.Fatalf("CommunesWithoutCentre = %d, %v", len(first), err)
	}
	if first[0].Population < first[len(first)-1].Population {
		t.Errorf("not the most populated first: %+v then %+v", first[0], first[len(first)-1])
	}
	// The BAN knows all of them but the first.
	for i, c := range first[1:] {
		ban.Commune(c.Code, bantest.Point{Lat: 45 + float64(i)/100, Lng: 2})
	}
	w := &Worker{store: store, log: slog.New(slog.NewTextHandler(io.Discard, nil))}

	w.geo = &geocoder{}
	if err := w.handleCommuneCentres(ctx); err != nil || ban.Calls() != 0 {
		t.Fatalf("without a geocoder: %v, %d calls", err, ban.Calls())
	}
	w.geo = &geocoder{cfg: GeocoderConfig{URL: ban.URL}}
	if err := w.handleCommuneCentres(ctx); err != nil {
		t.Fatal(err)
	}
	centre := func(code string) *vivier.GeoPoint {
		t.Helper()
		c, err := store.CommuneByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return c.Centre()
	}
	if centre(first[0].Code) != nil || centre(first[1].Code) == nil || centre(first[communeCentresPerRun-1].Code) == nil {
		t.Errorf("after one run: %v %v %v", centre(first[0].Code), centre(first[1].Code), centre(first[communeCentresPerRun-1].Code))
	}
	if centre(first[communeCentresPerRun].Code) != nil {
		t.Error("more communes asked than one run allows")
	}
	// The BAN refuses for a while: the run ends quietly, the next goes on,
	// and the commune it did not know is not asked again.
	ban.Fail(http.StatusTooManyRequests, 1)
	calls := ban.Calls()
	if err := w.handleCommuneCentres(ctx); err != nil || ban.Calls() != calls+1 {
		t.Fatalf("rate limited: %v, %d calls", err, ban.Calls()-calls)
	}
	if err := w.handleCommuneCentres(ctx); err != nil {
		t.Fatal(err)
	}
	if centre(first[communeCentresPerRun].Code) == nil || centre(first[communeCentresPerRun+1].Code) == nil {
		t.Error("the run after the 429 did not go on")
	}
	if centre(first[0].Code) != nil {
		t.Error("a commune the BAN does not know got a centre")
	}
	misses := map[string]int{}
	for _, code := range w.geo.misses.list() {
		misses[code]++
	}
	if misses[first[0].Code] != 1 {
		t.Errorf("the commune the BAN does not know was missed %d times, want once", misses[first[0].Code])
	}
	for _, c := range first[1:] {
		if misses[c.Code] > 0 {
			t.Errorf("commune %s is known to the BAN but counted as missed", c.Code)
		}
	}
}
