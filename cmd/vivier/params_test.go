package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// badNumbers are what people and scanners put where a number goes.
var badNumbers = []string{"-1", "0", "99999999999999999999", "abc", "1e9", " 1", "1.5", "0x10", "+3", "١"}

// Every number read from a URL, on public pages and in the back-office:
// a malformed one is a 400 with a French message, never a 500 nor a page
// that quietly reads it as 0; a page past the end shows the last page.
func TestMalformedNumbersInURLs(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	offers := publishOffers(t, p)
	offer := itoa(offers["M-1"])
	agent, _ := signInAs(t, p, "admin@ministere-demo.vivier.test")
	anon := newClient(t)
	adm := "/admin/ministere-demo"

	type target struct {
		agent bool
		url   func(bad string) string
	}
	query := func(path, name string) func(string) string {
		return func(bad string) string { return path + "?" + url.Values{name: {bad}}.Encode() }
	}
	inPath := func(before, after string) func(string) string {
		return func(bad string) string { return before + url.PathEscape(bad) + after }
	}
	targets := []target{
		{false, query("/offres", "page")},
		{false, query("/offres", "depuis")},
		{false, query("/flux/offres.xml", "page")},
		{false, inPath("/offres/", "/postuler")},
		{false, inPath("/sitemap-offres-", ".xml")},
		{true, query(adm+"/vivier", "page")},
		{true, query(adm+"/vivier", "direction")},
		{true, query(adm+"/offres", "page")},
		{true, query(adm+"/offres", "direction")},
		{true, query(adm+"/offres/"+offer+"/candidatures", "page")},
		{true, query(adm+"/offres/"+offer+"/candidatures", "etape")},
		{true, query(adm+"/offres/"+offer+"/candidatures", "etiquette")},
		{true, query(adm+"/offres/"+offer+"/candidatures", "assigne")},
		{true, query(adm+"/candidatures", "offre")},
		{true, query(adm+"/journal", "avant")},
		{true, query(adm+"/modeles/recue", "candidature")},
		{true, inPath(adm+"/offres/", "")},
		{true, inPath(adm+"/offres/", "/candidatures")},
		{true, inPath(adm+"/candidatures/", "")},
		{true, inPath(adm+"/exports/", "/fichier")},
	}
	for _, tg := range targets {
		c := anon
		if tg.agent {
			c = agent
		}
		for _, bad := range badNumbers {
			u := tg.url(bad)
			resp, body := get(t, c, p.URL+u)
			if resp.StatusCode != 400 {
				t.Errorf("GET %s = %d, want 400", u, resp.StatusCode)
				continue
			}
			if !strings.Contains(body, "pas valide") && !strings.Contains(body, "se choisit parmi") {
				t.Errorf("GET %s: 400 without a French explanation", u)
			}
		}
	}
	// The route walk's own: well-formed numbers that name nothing are 404.
	if resp, _ := get(t, agent, p.URL+adm+"/candidatures/999999"); resp.StatusCode != 404 {
		t.Errorf("an unknown application = %d, want 404", resp.StatusCode)
	}

	// Past the end: the last page, with its results.
	resp, body := get(t, anon, p.URL+"/offres?page=1000")
	if resp.StatusCode != 200 || !regexp.MustCompile(`href="/offres/\d+`).MatchString(body) {
		t.Errorf("/offres?page=1000 = %d, want the last page with its offers", resp.StatusCode)
	}
	if resp, _ := get(t, agent, p.URL+adm+"/vivier?page=1000"); resp.StatusCode != 200 {
		t.Errorf("pool page 1000 = %d", resp.StatusCode)
	}
	if resp, body := get(t, agent, p.URL+adm+"/offres?page=1000"); resp.StatusCode != 200 || !strings.Contains(body, `href="/admin/ministere-demo/offres/`+offer+`"`) {
		t.Errorf("offers page 1000 = %d, want the last page with its offers", resp.StatusCode)
	}
	resp, body = get(t, agent, p.URL+adm+"/offres/"+offer+"/candidatures?page=1000")
	if resp.StatusCode != 200 || strings.Contains(body, "?page=1000") {
		t.Errorf("pipeline page 1000 = %d", resp.StatusCode)
	}
	for _, u := range []string{"/employeurs?page=abc", "/employeurs?versant=-1&region=1e9"} {
		if resp, _ := get(t, anon, p.URL+u); resp.StatusCode != 200 {
			t.Errorf("GET %s = %d, want 200 (no number read there)", u, resp.StatusCode)
		}
	}
}
