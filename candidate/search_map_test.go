package candidate

import (
	"net/url"
	"strings"
	"testing"

	"vivier"
)

func TestOffersMapStepsLinksAndRows(t *testing.T) {
	m, err := parseFranceMap()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Shapes) != 101 || len(m.Insets) != 5 {
		t.Fatalf("the drawing has %d départements and %d insets, want 101 and 5", len(m.Shapes), len(m.Insets))
	}
	counts := []vivier.FacetCount{{Value: "75", Count: 8}, {Value: "974", Count: 1}, {Value: "2A", Count: 3}}
	v := url.Values{"type": {"emploi"}, "page": {"3"}}
	om := newOffersMap(m, counts, map[string]string{"75": "Paris", "974": "La Réunion"}, v)
	steps := map[string]int{}
	for _, a := range om.Areas {
		steps[a.Code] = a.Step
		if a.Code == "75" && a.URL != "/offres?departement=75&type=emploi" {
			t.Errorf("Paris links to %s (the page must go, the search stay)", a.URL)
		}
	}
	if steps["75"] != 4 || steps["974"] != 1 || steps["2A"] != 2 || steps["01"] != 0 {
		t.Errorf("steps: %v", steps)
	}
	// The drawing: one link per area, its values escaped, keys in order
	// around the département's (a search already in a département moves).
	moved := newOffersMap(m, counts, map[string]string{"75": "Paris", "2A": "Corse-du-Sud"},
		url.Values{"type": {"emploi"}, "q": {`l'agent "<b>"`}, "departement": {"35"}, "categorie": {"A"}})
	drawing := string(moved.Drawing)
	for _, want := range []string{
		`<a href="/offres?categorie=A&amp;departement=75&amp;q=l%27agent+%22%3Cb%3E%22&amp;type=emploi" tabindex="-1" data-code="75" data-count="8"><title>Paris : 8 offres</title><use class="vivier-map__s4" href="` + m.spriteURL + `#d75"/></a>`,
		`data-code="974" data-count="1"><title>974 : 1 offre</title><use class="vivier-map__s1"`,
		`data-code="01" data-count="0"><title>01 : 0 offre</title><use class="vivier-map__s0"`,
	} {
		if !strings.Contains(drawing, want) {
			t.Errorf("the drawing lacks %s", want)
		}
	}
	// Every outline the drawing uses is in the sprite, named by its digest.
	sprite := string(m.sprite)
	if n := strings.Count(sprite, `" d="M`); !strings.HasPrefix(m.spriteURL, "/carte/departements-") || n != 101 {
		t.Errorf("sprite at %s with %d outlines drawn, want 101", m.spriteURL, n)
	}
	for _, code := range []string{"2A", "75", "974"} {
		if !strings.Contains(sprite, `<path id="d`+code+`" d="M`) {
			t.Errorf("the sprite lacks %s", code)
		}
	}
	if n := strings.Count(drawing, "<a "); n != 101 || strings.Contains(drawing, "<b>") {
		t.Errorf("the drawing has %d links (want 101), or an unescaped value", n)
	}
	if len(om.Rows) != 3 || om.Rows[0].Code != "2A" || om.Rows[1].Name != "Paris" || om.Rows[2].Count != 1 {
		t.Errorf("rows: %+v", om.Rows)
	}
	var legend []string
	for _, l := range om.Legend {
		legend = append(legend, l.Label)
	}
	want := []string{"Aucune offre", "1 à 2 offres", "3 à 4 offres", "5 à 6 offres", "7 à 8 offres"}
	if len(legend) != len(want) {
		t.Fatalf("legend %q", legend)
	}
	for i := range want {
		if legend[i] != want[i] {
			t.Errorf("legend %q, want %q", legend, want)
			break
		}
	}
	// With one offer at most, one step says it.
	one := newOffersMap(m, []vivier.FacetCount{{Value: "01", Count: 1}}, nil, url.Values{})
	if len(one.Legend) != 2 || one.Legend[1].Label != "1 offre" {
		t.Errorf("legend for one offer: %+v", one.Legend)
	}
}

func TestAppliedFiltersDropTheirParameters(t *testing.T) {
	v := url.Values{"type": {"emploi"}, "departement": {"35"}, "teletravail": {"oui"}, "mobilite": {"oui"}, "q": {"juriste"}, "page": {"2"}}
	p := &offersPage{Search: vivier.OfferSearch{Teletravail: true, Mobilite: true},
		Kinds: []option{{Value: "emploi", Label: "Emploi", Selected: true}}}
	tags := appliedFilters(v, p, map[string]string{"35": "Ille-et-Vilaine"})
	want := []filterTag{
		{"Type\u00a0: Emploi", "/offres?departement=35&mobilite=oui&q=juriste&teletravail=oui"},
		{"Département\u00a0: Ille-et-Vilaine", "/offres?mobilite=oui&q=juriste&teletravail=oui&type=emploi"},
		{"Télétravail possible", "/offres?departement=35&mobilite=oui&q=juriste&type=emploi"},
		{"Ouvert à la mobilité interne", "/offres?departement=35&q=juriste&teletravail=oui&type=emploi"},
	}
	if len(tags) != len(want) {
		t.Fatalf("tags %+v", tags)
	}
	for i := range want {
		if tags[i] != want[i] {
			t.Errorf("tag %d = %+v, want %+v", i, tags[i], want[i])
		}
	}
}
