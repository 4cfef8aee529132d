package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A CV sent to /offres/suggestions finds the offers it resembles, says which
// words matched, and is not kept.
func TestSuggestionsFromCV(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	publishOffers(t, p)
	c := newClient(t)
	_, page := get(t, c, p.URL+"/offres/suggestions")
	cv := pdfBytes(t, "", "Developpeuse back-end Go : developpement de services, developpeuse depuis 2019")
	resp, body := postApplication(t, c, p.URL+"/offres/suggestions", map[string]string{"_csrf": csrfToken(t, page)}, map[string][]byte{"cv": cv})
	// Every test offer's mission speaks of developing services; the
	// developer's post matches more of the CV and comes first.
	first := strings.Index(body, `class="fr-card__title"`)
	if resp.StatusCode != 200 || first < 0 || !strings.HasPrefix(body[first:], `class="fr-card__title"><a href="/offres/`) ||
		!strings.Contains(body[first:first+200], "Développeur·se back-end") || !strings.Contains(body, "Mots en commun&nbsp;: developpeuse, back, end") {
		t.Fatalf("suggestions = %d\n%s", resp.StatusCode, body)
	}
	// Filters apply: no stage matches this CV.
	resp, body = postApplication(t, c, p.URL+"/offres/suggestions", map[string]string{"_csrf": csrfToken(t, page), "type": "stage"}, map[string][]byte{"cv": cv})
	if resp.StatusCode != 200 || strings.Contains(body, "Développeur·se back-end") || !strings.Contains(body, "Stage en développement web") {
		t.Fatalf("with a filter = %d", resp.StatusCode)
	}
	resp, body = postApplication(t, c, p.URL+"/offres/suggestions", map[string]string{"_csrf": csrfToken(t, page)}, map[string][]byte{"cv": []byte("pas un pdf")})
	if resp.StatusCode != 422 || !strings.Contains(body, "n&#39;est pas un PDF") {
		t.Fatalf("a text file = %d", resp.StatusCode)
	}
	entries, err := os.ReadDir(strings.TrimPrefix(p.Config.FilesURL, "file://"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 || countRows(t, p, "application_files") != 0 {
		t.Fatal("the CV was kept")
	}
	// The page with results passes axe.
	path := filepath.Join(t.TempDir(), "cv.pdf")
	if err := os.WriteFile(path, cv, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/offres/suggestions"), chromedp.WaitVisible("footer"),
		chromedp.SetUploadFiles("#cv", []string{path}), chromedp.Click(`main form button[type=submit]`),
		chromedp.WaitVisible(`//h2[contains(., "pour votre CV")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "suggestions")
	noConsoleErrors(t, console)
}
