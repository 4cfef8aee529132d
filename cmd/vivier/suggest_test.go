package main

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A CV sent to /offres/suggestions is read into a profile the candidate
// corrects (skills of the referential, diploma, experience, languages,
// place); the corrected profile ranks the offers and says why; the CV is not
// kept.
func TestSuggestionsFromCV(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	publishOffers(t, p)
	c := newClient(t)
	_, page := get(t, c, p.URL+"/offres/suggestions")
	cv := pdfBytes(t, "", "Developpeuse back-end, Python et Docker, depuis 2019. Master informatique. 69003 Lyon. Anglais B2. Developpeuse Go.")
	resp, body := postApplication(t, c, p.URL+"/offres/suggestions", map[string]string{"_csrf": csrfToken(t, page)}, map[string][]byte{"cv": cv})
	if resp.StatusCode != 200 || !strings.Contains(body, "Vérifiez le profil lu dans votre CV") {
		t.Fatalf("profile page = %d\n%s", resp.StatusCode, body)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`name="competence" value="\d+" checked>\s*<label class="fr-label" for="c-\d+">Développement logiciel[ <]`),
		regexp.MustCompile(`name="competence" value="\d+" checked>\s*<label class="fr-label" for="c-\d+">Infrastructure et cloud</label>`),
		regexp.MustCompile(`<option value="7" selected>`),
		regexp.MustCompile(`for="c-\d+">Développement logiciel <span class="fr-badge[^"]*">principale</span>`),
		regexp.MustCompile(`Lu dans votre CV : « master »`),
		regexp.MustCompile(`name="experience" value="7"`),
		regexp.MustCompile(`name="lieu" value="Lyon \(69\)"`),
		regexp.MustCompile(`id="l-en" name="langue" value="en" checked>`),
		regexp.MustCompile(`<option value="B2" selected>B2</option>`),
	} {
		if !want.MatchString(body) {
			t.Errorf("the profile page lacks %s", want)
		}
	}
	// The candidate drops the infrastructure skill and goes anywhere in
	// France: the developer's post comes first, with its reasons.
	q := url.Values{"diplome": {"7"}, "experience": {"7"}, "lieu": {"Lyon (69)"}, "rayon": {"0"}, "langue": {"en"}, "niveau-en": {"B2"}}
	for _, m := range regexp.MustCompile(`name="competence" value="(\d+)" checked>\s*<label class="fr-label" for="c-\d+">([^<]+)<`).FindAllStringSubmatch(body, -1) {
		if strings.TrimSpace(m[2]) != "Infrastructure et cloud" {
			q.Add("competence", m[1])
		}
	}
	resp, body = get(t, c, p.URL+"/offres/suggestions/resultats?"+q.Encode())
	first := strings.Index(body, `class="fr-card__title`)
	if resp.StatusCode != 200 || first < 0 || !strings.Contains(body[first:first+200], "Développeur·se back-end") ||
		!strings.Contains(body, "compétence en commun : Développement logiciel") || strings.Contains(body, "Infrastructure et cloud</label>\n    </div></div>\n    {{") {
		t.Fatalf("results = %d\n%s", resp.StatusCode, body)
	}
	if strings.Contains(body, "Brouillon secret") || strings.Contains(body, "clôturée") {
		t.Fatal("an offer that is not published is ranked")
	}
	// Within 100 km of Lyon, the Paris post, in télétravail, keeps its
	// points; the same post on site is said to be far.
	q.Set("rayon", "100")
	if _, body = get(t, c, p.URL+"/offres/suggestions/resultats?"+q.Encode()); !strings.Contains(body, "En télétravail : la distance ne compte pas") {
		t.Fatal("a post in télétravail loses points for its distance")
	}
	if _, err := p.Store().DB().Exec(`UPDATE offers SET workplace = 'SUR_SITE' WHERE reference = 'M-1'`); err != nil {
		t.Fatal(err)
	}
	if _, body = get(t, c, p.URL+"/offres/suggestions/resultats?"+q.Encode()); !strings.Contains(body, "au-delà de 100 km") {
		t.Fatal("the distance is not given as a reason")
	}
	// A query that is not UTF-8 text, a repeated skill, an unknown kind.
	for _, u := range []string{"/offres/suggestions/resultats?competence=1&lieu=%FF", "/offres?q=%FF", "/offres?type=%C3"} {
		if resp, body := get(t, c, p.URL+u); resp.StatusCode != 400 || !strings.Contains(body, "mal formée") {
			t.Fatalf("%s = %d", u, resp.StatusCode)
		}
	}
	if resp, body := get(t, c, p.URL+"/offres/suggestions/resultats?"+q.Encode()+"&"+url.Values{"competence": q["competence"]}.Encode()); resp.StatusCode != 200 ||
		strings.Count(body, `id="c-`+q["competence"][0]+`"`) != 1 {
		t.Fatalf("a repeated skill = %d", resp.StatusCode)
	}
	if resp, body := get(t, c, p.URL+"/offres/suggestions/resultats?competence=1&type=poste"); resp.StatusCode != 400 || !strings.Contains(body, "Choisissez un type d&#39;offre") {
		t.Fatalf("an unknown kind = %d", resp.StatusCode)
	}
	// The developer's post names its RMFP métier: the same métier says so.
	var metier int64
	if err := p.Store().DB().Get(&metier, `INSERT INTO metiers (code, domaine_code, label) VALUES ('ERNUM001', 'NUM', 'Développeur / Développeuse')
		RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store().DB().Exec(`UPDATE offers SET metier_id = $1 WHERE reference = 'M-1'`, metier); err != nil {
		t.Fatal(err)
	}
	q.Set("metier", fmt.Sprint(metier))
	if _, body = get(t, c, p.URL+"/offres/suggestions/resultats?"+q.Encode()); !strings.Contains(body, "<li>Votre métier</li>") ||
		!strings.Contains(body, `<option value="`+fmt.Sprint(metier)+`" selected>Développeur / Développeuse</option>`) {
		t.Fatal("the métier is not a reason")
	}
	q.Set("metier", "999999")
	if resp, body = get(t, c, p.URL+"/offres/suggestions/resultats?"+q.Encode()); resp.StatusCode != 400 || !strings.Contains(body, "Choisissez un métier dans la liste.") {
		t.Fatalf("unknown métier = %d", resp.StatusCode)
	}
	q.Del("metier")
	// Filters apply: no stage needs software development.
	q.Set("type", "stage")
	if _, body = get(t, c, p.URL+"/offres/suggestions/resultats?"+q.Encode()); strings.Contains(body, "Développeur·se back-end") {
		t.Fatal("the kind filter is ignored")
	}
	// A profile that cannot be read is refused in French, field by field.
	resp, body = get(t, c, p.URL+"/offres/suggestions/resultats?competence=abc&diplome=12&experience=-3&rayon=7")
	if resp.StatusCode != 400 || !strings.Contains(body, "Une compétence choisie est inconnue") || !strings.Contains(body, "Choisissez un niveau de diplôme") ||
		!strings.Contains(body, "entre 0 et 60") || !strings.Contains(body, "Choisissez une distance") {
		t.Fatalf("bad profile = %d\n%s", resp.StatusCode, body)
	}
	if resp, body = get(t, c, p.URL+"/offres/suggestions/resultats?competence=999999"); resp.StatusCode != 400 || !strings.Contains(body, "Une compétence choisie est inconnue") {
		t.Fatalf("unknown skill = %d", resp.StatusCode)
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
	// In a browser: the profile read, corrected (a skill added), and its
	// results pass axe.
	path := filepath.Join(t.TempDir(), "cv.pdf")
	if err := os.WriteFile(path, cv, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/offres/suggestions"), chromedp.WaitVisible("footer"),
		chromedp.SetUploadFiles("#cv", []string{path}), chromedp.Click(`main form button[type=submit]`),
		chromedp.WaitVisible(`//h1[contains(., "Vérifiez le profil")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "profile read from a CV")
	if err := chromedp.Do(ctx, chromedp.Click(`//summary[contains(., "Numérique")]`), chromedp.Click(`//label[.="Développement web"]`),
		chromedp.Click(`//button[contains(., "Voir les offres")]`), chromedp.WaitVisible(`//h1[contains(., "pour votre profil")]`)); err != nil {
		t.Fatal(err)
	}
	loc := read(t, ctx, chromedp.Location())
	if !strings.Contains(loc, "competence=") {
		t.Fatalf("the added skill is not in %s", loc)
	}
	if !strings.Contains(loc, "/offres/suggestions/resultats?") {
		t.Fatalf("results at %s", loc)
	}
	axeCheck(t, ctx, "matching results")
	noConsoleErrors(t, console)
}
