package main

import (
	"context"
	"encoding/xml"
	"html"
	"regexp"
	"strings"
	"testing"
)

// The filters added to /offres, through the whole program: distance (a point
// or a city), employer, published since, with their counts, and French
// messages for values that do not parse.
func TestPublicSearchFilters(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	publishOffers(t, p) // published: Paris (ministère), Lyon (ministère), Nantes ×2 (ville)
	c := newClient(t)
	if _, err := p.Store().DB().Exec(`UPDATE offers SET published_at = now() - interval '10 days' WHERE reference = 'M-2'`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		query string
		want  int
		must  []string
	}{
		{"lat=48.85&lng=2.35&rayon=10", 1, []string{"Développeur·se back-end", "Retirer le point 48,85\u202f; 2,35"}},
		{"lat=47.2&lng=-1.55&rayon=30&type=stage", 1, []string{"Stage en développement web"}},
		{"ville=lyon", 1, []string{"Chargé·e de mission données", `value="Lyon (69)"`}},
		{"ville=lyon&rayon=200", 1, nil},
		{"ville=paris&rayon=5&lat=45.76&lng=4.84", 1, []string{"Développeur·se back-end"}}, // the chosen city wins
		{"employeur=ville-demo", 2, []string{`<option value="ville-demo" selected>Ville de Démo-sur-Loire (2)</option>`}},
		{"", 4, []string{`<option value="ministere-demo">Ministère de la Démonstration (2)</option>`,
			`<option value="7">Depuis 7 jours (3)</option>`, `<option value="30">Depuis 30 jours (4)</option>`}},
		{"depuis=7", 3, []string{`<option value="7" selected>Depuis 7 jours (3)</option>`}},
		{"depuis=7&employeur=ministere-demo", 1, nil},
		{"q=developpeur&employeur=ministere-demo&ville=paris&rayon=20&depuis=1", 1, []string{"Développeur·se back-end"}},
	} {
		resp, body := get(t, c, p.URL+"/offres?"+tc.query)
		if resp.StatusCode != 200 {
			t.Fatalf("/offres?%s = %d", tc.query, resp.StatusCode)
		}
		if n := resultCount(t, body); n != tc.want {
			t.Errorf("/offres?%s: %d results, want %d", tc.query, n, tc.want)
		}
		for _, m := range tc.must {
			if !strings.Contains(body, m) {
				t.Errorf("/offres?%s lacks %q", tc.query, m)
			}
		}
	}
	for query, message := range map[string]string{
		"lat=abc&lng=2":            "La latitude est un nombre entre -90 et 90",
		"lat=48&lng=2&rayon=500":   "Le rayon est un nombre de kilomètres entre 1 et 200.",
		"lat=48&lng=2&rayon=dix":   "Le rayon est un nombre de kilomètres entre 1 et 200.",
		"lat=48":                   "La longitude est un nombre entre -180 et 180",
		"depuis=3":                 "La date de publication se choisit parmi 1, 7 ou 30 jours.",
		"ville=atlantide":          "Cette ville n'est pas dans la liste proposée.",
		"management=peut-etre":     "Le filtre « management » vaut oui ou non.",
		"experience=JUNIOR&type=x": "Niveau d'expérience inconnu.",
	} {
		resp, body := get(t, c, p.URL+"/offres?"+query)
		if resp.StatusCode != 400 || !strings.Contains(body, html.EscapeString(message)) || !strings.Contains(body, `id="q"`) {
			t.Errorf("/offres?%s = %d, want 400 with %q on the form", query, resp.StatusCode, message)
		}
	}
	// The feed takes the same filters, and refuses the same values.
	_, body := get(t, c, p.URL+"/flux/offres.xml?employeur=ministere-demo&ville=paris")
	var feed struct {
		Items []struct {
			Title string `xml:"title"`
		} `xml:"channel>item"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil || len(feed.Items) != 1 || feed.Items[0].Title != "Développeur·se back-end <b>Go</b>" {
		t.Errorf("feed = %+v, %v", feed.Items, err)
	}
	if resp, _ := get(t, c, p.URL+"/flux/offres.xml?rayon=0&lat=1&lng=1"); resp.StatusCode/100 != 4 {
		t.Errorf("feed with a bad radius = %d", resp.StatusCode)
	}
}

// A query that finds nothing offers a corrected one, with the same filters,
// that finds offers ("Vouliez-vous dire…").
func TestPublicSearchDidYouMean(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	publishOffers(t, p)
	if _, err := p.Store().RefreshSearchWords(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	_, body := get(t, c, p.URL+"/offres?q=devlopeur&employeur=ministere-demo")
	if n := resultCount(t, body); n != 0 {
		t.Fatalf("devlopeur: %d results", n)
	}
	link := regexp.MustCompile(`Vouliez-vous dire&nbsp;: <a href="([^"]+)"[^>]*>développeur</a>&nbsp;?`).FindStringSubmatch(body)
	if link == nil {
		t.Fatalf("no suggestion on the page: %s", body)
	}
	href := html.UnescapeString(link[1])
	if !strings.Contains(href, "employeur=ministere-demo") || !strings.Contains(href, "q=d%C3%A9veloppeur") {
		t.Errorf("suggestion link %q", href)
	}
	_, body = get(t, c, p.URL+href)
	if n := resultCount(t, body); n == 0 || strings.Contains(body, "Vouliez-vous dire") {
		t.Errorf("the suggestion finds %d offers", n)
	}
	// Nothing close: no suggestion.
	if _, body := get(t, c, p.URL+"/offres?q=zzzzzzzzz"); strings.Contains(body, "Vouliez-vous dire") {
		t.Error("a suggestion for zzzzzzzzz")
	}
}
