package vivier_test

import (
	"context"
	"strings"
	"testing"

	"vivier"
)

func TestResolveAndSuggestCommunes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	for typed, want := range map[string]string{
		"Lyon (69)": "69123", "69123": "69123", "lyon": "69123", "69001": "69123", // a postal code of Lyon
		"saint etienne (42)": "42218", "Saint-Étienne (42000)": "42218", "  Ajaccio  (2A) ": "2A004",
	} {
		c, err := s.ResolveCommune(ctx, "lieu", typed)
		if err != nil || c.Code != want {
			t.Errorf("ResolveCommune(%q) = %+v, %v; want %s", typed, c, err, want)
		}
	}
	for typed, msg := range map[string]string{"Atlantide": "Commune inconnue", "Saint-Denis": "Plusieurs communes répondent",
		"": "Indiquez une commune", "Lyon (75)": "Commune inconnue"} {
		_, err := s.ResolveCommune(ctx, "lieu", typed)
		if vivier.ErrorCode(err) != vivier.EINVALID || !strings.Contains(vivier.ErrorMessage(err), msg) {
			t.Errorf("ResolveCommune(%q) = %v, want %q", typed, err, msg)
		}
	}
	got, err := s.SuggestCommunes(ctx, "lyo", 5)
	if err != nil || len(got) == 0 || got[0].Display() != "Lyon (69)" || got[0].Centre() == nil {
		t.Errorf("SuggestCommunes(lyo) = %+v, %v", got, err)
	}
	if got, err := s.SuggestCommunes(ctx, "3500", 3); err != nil || len(got) == 0 || got[0].Code != "35238" {
		t.Errorf("SuggestCommunes(3500) = %+v, %v", got, err)
	}
	if got, err := s.SuggestCommunes(ctx, "%_", 3); err != nil || len(got) != 0 {
		t.Errorf("SuggestCommunes(%%_) = %+v, %v", got, err)
	}
}

// An offer with several places is found around any of them.
func TestSearchAroundAnyPlace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	o := sampleOffer("MULTI")
	o.Locations = []vivier.Location{{Commune: "29019"}, {Commune: "13055", Address: "Quai du port"}}
	if err := s.CreateOffer(ctx, a.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOffer(ctx, a.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if l := o.Locations[1]; l.Departement != "13" || l.Region != "93" || l.Label != "Marseille" || l.Geocoded != "commune" || l.Latitude == nil {
		t.Errorf("Marseille's place = %+v", l)
	}
	for name, p := range map[string]vivier.GeoPoint{"Brest": {Lat: 48.39, Lng: -4.49}, "Marseille": {Lat: 43.30, Lng: 5.37}} {
		res, err := s.SearchOffers(ctx, vivier.OfferSearch{Near: &p, RadiusKm: 10})
		if err != nil || res.Total != 1 {
			t.Errorf("around %s: %+v, %v", name, res, err)
		}
	}
	if res, err := s.SearchOffers(ctx, vivier.OfferSearch{Near: &vivier.GeoPoint{Lat: 45.76, Lng: 4.84}, RadiusKm: 50}); err != nil || res.Total != 0 {
		t.Errorf("around Lyon: %+v, %v", res, err)
	}
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskGeocodeOffer); err != nil || n != 1 {
		t.Errorf("geocoding tasks = %d, %v (the address in Marseille)", n, err)
	}
}
