package vivier_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vivier"
)

// searchWorld publishes offers in two administrations: Paris (A, today),
// Versailles (A, 3 days ago, 17 km from Paris), Lyon (B, 10 days ago) and one
// without coordinates (B, 40 days ago).
func searchWorld(t *testing.T) (*vivier.Store, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	ids := map[string]int64{}
	for _, spec := range []struct {
		ref      string
		adm      *vivier.Administration
		title    string
		lat, lng float64
		age      time.Duration
		manage   *bool
	}{
		{"PARIS", a, "Développeur·se back-end", 48.8566, 2.3522, 0, ptr(true)},
		{"VERSAILLES", a, "Juriste en droit public", 48.8049, 2.1204, 3 * 24 * time.Hour, ptr(false)},
		{"LYON", b, "Développeur·se front-end", 45.7640, 4.8357, 10 * 24 * time.Hour, nil},
		{"NOWHERE", b, "Chargé·e de communication", 0, 0, 40 * 24 * time.Hour, nil},
	} {
		o := sampleOffer(spec.ref)
		o.Title, o.Management = spec.title, spec.manage
		if spec.lat == 0 {
			// No coordinates and a label that names no commune: nowhere.
			o.Locations[0].Latitude, o.Locations[0].Longitude = nil, nil
			o.Locations[0].Label = "Siège de la direction"
		} else {
			o.Locations[0].Latitude, o.Locations[0].Longitude = &spec.lat, &spec.lng
		}
		if err := s.CreateOffer(ctx, spec.adm.ID, o, vivier.Actor{}); err != nil {
			t.Fatal(err)
		}
		if err := s.MoveOffer(ctx, spec.adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(`UPDATE offers SET published_at = now() - $2 * interval '1 second' WHERE id = $1`,
			o.ID, spec.age.Seconds()); err != nil {
			t.Fatal(err)
		}
		ids[spec.ref] = o.ID
	}
	return s, ids
}

func refsOf(t *testing.T, s *vivier.Store, q vivier.OfferSearch) (*vivier.OfferResults, []int64) {
	t.Helper()
	res, err := s.SearchOffers(context.Background(), q)
	if err != nil {
		t.Fatalf("SearchOffers(%+v): %v", q, err)
	}
	var got []int64
	for _, h := range res.Hits {
		got = append(got, h.ID)
	}
	if res.Total != len(got) {
		t.Errorf("%+v: total %d for %d hits", q, res.Total, len(got))
	}
	return res, got
}

func facet(res *vivier.OfferResults, name string) map[string]string {
	out := map[string]string{}
	for _, f := range res.Facets[name] {
		out[f.Value] = fmt.Sprintf("%s=%d", f.Label, f.Count)
	}
	return out
}

func TestSearchByDistance(t *testing.T) {
	t.Parallel()
	s, ids := searchWorld(t)
	paris := &vivier.GeoPoint{Lat: 48.8566, Lng: 2.3522}
	for _, tc := range []struct {
		radius float64
		want   []int64
	}{
		{5, []int64{ids["PARIS"]}},
		{20, []int64{ids["PARIS"], ids["VERSAILLES"]}}, // Versailles is 17 km away
		{200, []int64{ids["PARIS"], ids["VERSAILLES"]}},
	} {
		res, got := refsOf(t, s, vivier.OfferSearch{Near: paris, RadiusKm: tc.radius, ByDate: true})
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%g km around Paris: %v, want %v", tc.radius, got, tc.want)
		}
		if tc.radius == 20 && facet(res, "employeur")["a"] != "A=2" {
			t.Errorf("employer facet = %v", facet(res, "employeur"))
		}
	}
	// Around Lyon (392 km away), with a keyword.
	if _, got := refsOf(t, s, vivier.OfferSearch{Near: &vivier.GeoPoint{Lat: 45.76, Lng: 4.84}, RadiusKm: 10, Q: "développeur"}); len(got) != 1 || got[0] != ids["LYON"] {
		t.Errorf("around Lyon: %v", got)
	}
	for field, q := range map[string]vivier.OfferSearch{
		"lat":   {Near: &vivier.GeoPoint{Lat: 91, Lng: 2}, RadiusKm: 10},
		"lng":   {Near: &vivier.GeoPoint{Lat: 48, Lng: -181}, RadiusKm: 10},
		"rayon": {Near: paris, RadiusKm: 0},
	} {
		if _, err := s.SearchOffers(context.Background(), q); vivier.ErrorCode(err) != vivier.EINVALID || fieldOf(err) != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	q := vivier.OfferSearch{Near: paris, RadiusKm: 300}
	if err := q.Validate(); fieldOf(err) != "rayon" || vivier.ErrorMessage(err) == "" {
		t.Errorf("a 300 km radius: %v", err)
	}
}

func TestSearchByEmployerAndDate(t *testing.T) {
	t.Parallel()
	s, ids := searchWorld(t)
	res, got := refsOf(t, s, vivier.OfferSearch{ByDate: true})
	if len(got) != 4 {
		t.Fatalf("all: %v", got)
	}
	if f := facet(res, "employeur"); f["a"] != "A=2" || f["b"] != "B=2" {
		t.Errorf("employer facet = %v", f)
	}
	if f := facet(res, "depuis"); f["1"] != "=1" || f["7"] != "=2" || f["30"] != "=3" {
		t.Errorf("published-since facet = %v", f)
	}
	if f := facet(res, "management"); f["oui"] != "=1" || f["non"] != "=1" {
		t.Errorf("management facet = %v", f)
	}

	res, got = refsOf(t, s, vivier.OfferSearch{Employer: "b", ByDate: true})
	if fmt.Sprint(got) != fmt.Sprint([]int64{ids["LYON"], ids["NOWHERE"]}) {
		t.Errorf("employer b: %v", got)
	}
	if f := facet(res, "depuis"); f["7"] != "=0" || f["30"] != "=1" {
		t.Errorf("published-since facet within b = %v", f)
	}
	if _, got := refsOf(t, s, vivier.OfferSearch{Employer: "inconnu"}); len(got) != 0 {
		t.Errorf("unknown employer: %v", got)
	}

	res, got = refsOf(t, s, vivier.OfferSearch{Since: 7, ByDate: true})
	if fmt.Sprint(got) != fmt.Sprint([]int64{ids["PARIS"], ids["VERSAILLES"]}) {
		t.Errorf("since 7 days: %v", got)
	}
	if f := facet(res, "employeur"); len(f) != 1 || f["a"] != "A=2" {
		t.Errorf("employer facet since 7 days = %v", f)
	}
	if _, got := refsOf(t, s, vivier.OfferSearch{Since: 30, Employer: "b", Q: "developpeur"}); len(got) != 1 || got[0] != ids["LYON"] {
		t.Errorf("keyword, employer and date: %v", got)
	}
	no := false
	if _, got := refsOf(t, s, vivier.OfferSearch{Management: &no}); len(got) != 1 || got[0] != ids["VERSAILLES"] {
		t.Errorf("without management: %v", got)
	}
	if _, err := s.SearchOffers(context.Background(), vivier.OfferSearch{Since: 3}); fieldOf(err) != "depuis" {
		t.Errorf("since 3 days: %v", err)
	}
}

// Relevance: a title match comes before a match in the mission only, even
// when the latter is more recent.
func TestSearchRelevance(t *testing.T) {
	t.Parallel()
	s, ids := searchWorld(t)
	_, got := refsOf(t, s, vivier.OfferSearch{Q: "juriste"})
	if len(got) != 1 || got[0] != ids["VERSAILLES"] {
		t.Fatalf("juriste: %v", got)
	}
	if _, err := s.DB().Exec(`UPDATE offers SET mission = 'Avec le juriste du service.' WHERE id = $1`, ids["PARIS"]); err != nil {
		t.Fatal(err)
	}
	_, got = refsOf(t, s, vivier.OfferSearch{Q: "juriste"})
	if len(got) != 2 || got[0] != ids["VERSAILLES"] {
		t.Errorf("juriste by relevance: %v", got)
	}
	_, got = refsOf(t, s, vivier.OfferSearch{Q: "juriste", ByDate: true})
	if len(got) != 2 || got[0] != ids["PARIS"] {
		t.Errorf("juriste by date: %v", got)
	}
}
