package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vivier"
)

// publishOffers adds published offers to the demo administrations.
func publishOffers(t *testing.T, p *program) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	s := p.Store()
	ids := map[string]int64{}
	end := time.Now().Add(30 * 24 * time.Hour)
	for _, spec := range []struct {
		slug, ref, title, kind, cat, dep, workplace string
		status                                      vivier.OfferStatus
	}{
		{"ministere-demo", "M-1", "Développeur·se back-end <b>Go</b>", "emploi", "A", "75", "TELETRAVAIL", vivier.OfferPublished},
		{"ministere-demo", "M-2", "Chargé·e de mission données", "emploi", "A", "69", "SUR_SITE", vivier.OfferPublished},
		{"ville-demo", "V-1", "Infirmier·ère de santé scolaire", "emploi", "B", "44", "SUR_SITE", vivier.OfferPublished},
		{"ville-demo", "V-2", "Stage en développement web", "stage", "B", "44", "TELETRAVAIL", vivier.OfferPublished},
		{"ville-demo", "V-3", "Agent·e d'accueil (clôturée)", "emploi", "C", "44", "SUR_SITE", vivier.OfferClosed},
		{"ville-demo", "V-4", "Offre archivée", "emploi", "C", "44", "SUR_SITE", vivier.OfferArchived},
		{"ville-demo", "V-5", "Brouillon secret", "emploi", "C", "44", "SUR_SITE", vivier.OfferDraft},
	} {
		adm, err := s.AdministrationBySlug(ctx, spec.slug)
		if err != nil {
			t.Fatal(err)
		}
		deps, err := s.Departements(ctx)
		if err != nil {
			t.Fatal(err)
		}
		region := ""
		for _, d := range deps {
			if d.Code == spec.dep {
				region = d.RegionCode
			}
		}
		o := &vivier.Offer{Kind: vivier.OfferKind(spec.kind), Reference: spec.ref, Versant: adm.Versant, Title: spec.title,
			OrganisationName: adm.Name, Categories: []string{spec.cat}, ContractForms: []string{"CDD"}, Workplace: spec.workplace,
			Mission: "Au sein de l'équipe, vous développerez des services numériques <script>alert(1)</script>.", EndAt: &end,
			Locations: []vivier.Location{{Country: "FRA", Departement: spec.dep, Region: region, Label: "Ville " + spec.dep}}}
		// At the main city of the département, for the distance filter.
		for _, c := range vivier.Cities() {
			if c.Departement == spec.dep {
				o.Locations[0].Latitude, o.Locations[0].Longitude = &c.Lat, &c.Lng
			}
		}
		if err := s.CreateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
			t.Fatal(err)
		}
		path := map[vivier.OfferStatus][]vivier.OfferStatus{
			vivier.OfferPublished: {vivier.OfferPublished},
			vivier.OfferClosed:    {vivier.OfferPublished, vivier.OfferClosed},
			vivier.OfferArchived:  {vivier.OfferPublished, vivier.OfferClosed, vivier.OfferArchived},
		}[spec.status]
		for _, st := range path {
			if err := s.MoveOffer(ctx, adm.ID, o.ID, st, vivier.Actor{}); err != nil {
				t.Fatal(err)
			}
		}
		ids[spec.ref] = o.ID
	}
	return ids
}

var countRE = regexp.MustCompile(`id="resultats"[^>]*>(\d+) offre`)

func resultCount(t *testing.T, body string) int {
	t.Helper()
	m := countRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no result count on the page")
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPublicSearch(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	ids := publishOffers(t, p)
	c := newClient(t)
	for _, tc := range []struct {
		query string
		want  int
		must  string
	}{
		{"", 4, ""}, // published only: no draft, no closed, no archived
		{"q=developpeur", 1, "Développeur·se back-end"},        // no accent, stem
		{"q=d%C3%A9veloppeurs", 1, "Développeur·se back-end"},  // plural, accent
		{"q=infirmiere", 1, "Infirmier·ère de santé scolaire"}, // inclusive spelling
		{"q=developpement&type=stage", 1, "Stage en développement web"},
		{"type=emploi&categorie=A", 2, ""},
		{"categorie=B&teletravail=oui", 1, "Stage en développement web"},
		{"region=52", 2, ""}, // Pays de la Loire: Nantes
		{"q=brouillon", 0, "Aucune offre ne correspond"},
	} {
		resp, body := get(t, c, p.URL+"/offres?"+tc.query)
		if resp.StatusCode != 200 {
			t.Fatalf("/offres?%s = %d", tc.query, resp.StatusCode)
		}
		if n := resultCount(t, body); n != tc.want || (tc.must != "" && !strings.Contains(body, tc.must)) {
			t.Errorf("/offres?%s: %d results, want %d with %q", tc.query, n, tc.want, tc.must)
		}
		if strings.Contains(body, "Brouillon secret") || strings.Contains(body, "Offre archivée") {
			t.Errorf("/offres?%s shows an unpublished offer", tc.query)
		}
	}
	// Facet counts on the current results.
	_, body := get(t, c, p.URL+"/offres?categorie=B")
	if !strings.Contains(body, `<option value="stage">Stage (1)</option>`) || !strings.Contains(body, `<option value="emploi">Emploi (1)</option>`) {
		t.Errorf("facet counts missing:\n%s", body)
	}

	// The offer page: escaped text, JobPosting.
	resp, body := get(t, c, p.URL+"/offres/"+itoa(ids["M-1"])+"-developpeur")
	if resp.StatusCode != 200 || strings.Contains(body, "<script>alert(1)</script>") || strings.Contains(body, "<b>Go</b>") {
		t.Fatalf("offer page = %d, or text not escaped", resp.StatusCode)
	}
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no JobPosting JSON-LD")
	}
	var jp map[string]any
	if err := json.Unmarshal([]byte(m[1]), &jp); err != nil {
		t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
	}
	for _, k := range []string{"title", "description", "datePosted", "validThrough", "hiringOrganization", "jobLocation", "employmentType"} {
		if jp[k] == nil {
			t.Errorf("JobPosting lacks %s", k)
		}
	}
	if jp["@type"] != "JobPosting" || jp["title"] != "Développeur·se back-end <b>Go</b>" {
		t.Errorf("JobPosting = %v", jp)
	}
	// Closed: shown as closed, no JobPosting. Archived: 410. Draft: 404.
	_, body = get(t, c, p.URL+"/offres/"+itoa(ids["V-3"]))
	if !strings.Contains(body, "Offre clôturée") || strings.Contains(body, "application/ld+json") {
		t.Error("a closed offer is not shown as closed, or keeps its JobPosting")
	}
	if resp, _ := get(t, c, p.URL+"/offres/"+itoa(ids["V-4"])); resp.StatusCode != 410 {
		t.Errorf("an archived offer = %d, want 410", resp.StatusCode)
	}
	if resp, _ := get(t, c, p.URL+"/offres/"+itoa(ids["V-5"])); resp.StatusCode != 404 {
		t.Errorf("a draft = %d, want 404", resp.StatusCode)
	}
}

func TestAccessibilityOfPublicOffers(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	ids := publishOffers(t, p)
	ctx, console := browser(t)
	for _, path := range []string{"/offres", "/offres?q=introuvable", "/offres/" + itoa(ids["M-1"]), "/offres/" + itoa(ids["V-3"]),
		"/offres?lat=48.85&lng=2.35&rayon=20&depuis=7", "/offres?lat=nord&lng=2"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+path), chromedp.WaitVisible("footer")); err != nil {
			t.Fatal(err)
		}
		axeCheck(t, ctx, path)
	}
	// Found by a word without accents, narrowed by two filters, opened.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/offres"),
		chromedp.SendKeys("#q", "developpement"),
		chromedp.SetValue("#f-type", "stage"),
		chromedp.SetValue("#f-categorie", "B"),
		chromedp.Click(`#offres-recherche button`),
		chromedp.WaitVisible(`.fr-card__title a`),
		chromedp.Click(`.fr-card__title a`),
		chromedp.WaitVisible(`h1`),
	); err != nil {
		t.Fatal(err)
	}
	h1 := read(t, ctx, chromedp.Text("h1"))
	if h1 != "Stage en développement web" {
		t.Fatalf("opened %q", h1)
	}
	noConsoleErrors(t, console)
}

func TestFeedAndSitemap(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"BASE_URL": "https://vivier.exemple.gouv.fr", "METRICS_TOKEN": "s3cret"})
	ids := publishOffers(t, p)
	c := newClient(t)
	resp, body := get(t, c, p.URL+"/flux/offres.xml?type=stage")
	var feed struct {
		Channel struct {
			Items []struct {
				Title string `xml:"title"`
				Link  string `xml:"link"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/rss+xml") {
		t.Fatalf("feed = %d %q: %v", resp.StatusCode, resp.Header.Get("Content-Type"), err)
	}
	if len(feed.Channel.Items) != 1 || feed.Channel.Items[0].Title != "Stage en développement web" ||
		feed.Channel.Items[0].Link != "https://vivier.exemple.gouv.fr/offres/"+itoa(ids["V-2"]) {
		t.Fatalf("feed items = %+v", feed.Channel.Items)
	}
	_, body = get(t, c, p.URL+"/sitemap.xml")
	var set struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(body), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.URLs) != 2+4 || strings.Contains(body, "/offres/"+itoa(ids["V-5"])+"<") {
		t.Fatalf("sitemap has %d URLs:\n%s", len(set.URLs), body)
	}
}
