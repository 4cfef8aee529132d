package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// signInAs signs an agent in and returns the client and a CSRF token.
func signInAs(t *testing.T, p *program, email string) (*http.Client, string) {
	t.Helper()
	c := newClient(t)
	_, page := get(t, c, p.URL+"/admin/connexion")
	resp, _ := postForm(t, c, p.URL+"/admin/connexion", url.Values{"_csrf": {csrfToken(t, page)}, "email": {email}, "password": {DemoPassword}})
	if resp.StatusCode != 303 {
		t.Fatalf("sign in as %s = %d", email, resp.StatusCode)
	}
	_, page = get(t, c, p.URL+"/admin/compte/sessions")
	return c, csrfToken(t, page)
}

// postMultipart posts a multipart form, as the brand editor's forms are.
func postMultipart(t *testing.T, c *http.Client, u string, fields map[string]string, files map[string][]byte) (*http.Response, string) {
	t.Helper()
	// The name lies on purpose: the content decides.
	return sendMultipart(t, c, u, nil, fields, files, func(field string) string { return field + ".jpg" })
}

func testPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 3), 40, uint8(y * 3), 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var blockLocationRE = regexp.MustCompile(`#bloc-([0-9a-f]+)$`)

func TestBrandPageFlow(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	publishOffers(t, p)
	c, token := signInAs(t, p, "marque@ministere-demo.vivier.test")
	base := p.URL + "/admin/ministere-demo/marque"
	if resp, body := get(t, c, base); resp.StatusCode != 200 || !strings.Contains(body, "Page employeur") {
		t.Fatalf("editor = %d", resp.StatusCode)
	}
	add := func(kind string) string {
		t.Helper()
		resp, _ := postForm(t, c, base+"/blocs", url.Values{"_csrf": {token}, "kind": {kind}})
		m := blockLocationRE.FindStringSubmatch(resp.Header.Get("Location"))
		if resp.StatusCode != 303 || m == nil {
			t.Fatalf("add %s = %d to %q", kind, resp.StatusCode, resp.Header.Get("Location"))
		}
		return m[1]
	}
	save := func(id string, fields map[string]string, files map[string][]byte, want int) string {
		t.Helper()
		fields["_csrf"] = token
		resp, body := postMultipart(t, c, base+"/blocs/"+id, fields, files)
		if resp.StatusCode != want {
			t.Fatalf("save block %s = %d, want %d\n%s", id, resp.StatusCode, want, body)
		}
		return body
	}
	pic := testPNG(t, 64, 48)
	hero := add("hero")
	save(hero, map[string]string{"title": "Rejoignez le ministère", "text": "Une accroche"}, map[string][]byte{"image-file": pic}, 303)
	save(add("text"), map[string]string{"title": "Présentation", "text": "Du **gras** et une [lien](https://exemple.gouv.fr)"}, nil, 303)
	save(add("figures"), map[string]string{"items": "1", "item-0-title": "1 200", "item-0-text": "agents"}, nil, 303)
	save(add("testimonials"), map[string]string{"items": "1", "item-0-title": "Amina", "item-0-role": "Cheffe de projet", "item-0-text": "J'aime mon travail."},
		map[string][]byte{"item-0-image-file": pic}, 303)
	video := add("video")
	body := save(video, map[string]string{"url": "https://exemple.fr/video", "transcript": "x"}, nil, 422)
	if !strings.Contains(body, "YouTube, Dailymotion ou PeerTube") {
		t.Fatal("a video from elsewhere is refused without saying why")
	}
	save(video, map[string]string{"title": "En vidéo", "url": "https://tube.numerique.gouv.fr/w/abcdef123456", "transcript": "On voit une équipe."}, nil, 303)
	save(add("benefits"), map[string]string{"items": "1", "item-0-title": "Télétravail", "item-0-text": "Deux jours."}, nil, 303)
	gallery := add("gallery")
	body = save(gallery, map[string]string{"items": "1"}, map[string][]byte{"item-0-image-file": []byte("du texte nommé image.png")}, 422)
	if !strings.Contains(body, "pas une image JPEG, PNG ou WebP") {
		t.Fatal("a text file sent as an image is refused without saying why")
	}
	save(gallery, map[string]string{"items": "1"}, map[string][]byte{"item-0-image-file": pic}, 422) // no alternative text
	save(gallery, map[string]string{"items": "1", "item-0-alt": "Une équipe au travail"}, map[string][]byte{"item-0-image-file": pic}, 303)
	save(add("places"), map[string]string{"items": "1", "item-0-title": "Siège", "item-0-text": "1 rue de Paris\n75007 Paris", "item-0-departement": "75"}, nil, 303)
	offers := add("offers")

	// Theme: an accent too light for white text is refused, in French.
	resp, body := postMultipart(t, c, base+"/theme", map[string]string{"_csrf": token, "accent": "#ffcc00"}, nil)
	if resp.StatusCode != 422 || !strings.Contains(body, "pas assez contrastée") || !strings.Contains(body, `aria-describedby="accent-error"`) {
		t.Fatalf("a light accent = %d", resp.StatusCode)
	}
	if resp, _ := postMultipart(t, c, base+"/theme", map[string]string{"_csrf": token, "accent": "#1F4E79"}, map[string][]byte{"logo-file": pic}); resp.StatusCode != 303 {
		t.Fatalf("theme = %d", resp.StatusCode)
	}
	// The offers block goes up one place; the first block stays first.
	postForm(t, c, base+"/blocs/"+offers+"/deplacement", url.Values{"_csrf": {token}, "direction": {"haut"}})
	postForm(t, c, base+"/blocs/"+hero+"/deplacement", url.Values{"_csrf": {token}, "direction": {"haut"}})
	page, err := p.Store().BrandPage(context.Background(), adminID(t, p, "ministere-demo"))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(page.Draft.Blocks); n != 9 || page.Draft.Blocks[0].ID != hero || page.Draft.Blocks[7].ID != offers {
		t.Fatalf("blocks after moves: %+v", page.Draft.Blocks)
	}

	// Not public before publication; the preview shows the draft.
	if resp, _ := get(t, newClient(t), p.URL+"/employeurs/ministere-demo"); resp.StatusCode != 404 {
		t.Fatalf("unpublished page = %d", resp.StatusCode)
	}
	resp, body = get(t, c, base+"/apercu")
	if resp.StatusCode != 200 || !strings.Contains(body, "Rejoignez le ministère") || !strings.Contains(body, "noindex") {
		t.Fatalf("preview = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, base+"/publication", url.Values{"_csrf": {token}}); resp.StatusCode != 303 {
		t.Fatalf("publish = %d", resp.StatusCode)
	}
	anon := newClient(t)
	resp, body = get(t, anon, p.URL+"/employeurs/ministere-demo")
	for _, want := range []string{"Rejoignez le ministère", "<strong>gras</strong>", "1 200", "Amina", "tube.numerique.gouv.fr/videos/embed/abcdef123456",
		"<summary>Transcription de la vidéo</summary>", "Télétravail", `alt="Une équipe au travail"`, "75007 Paris", "Chargé·e de mission données",
		"/employeurs-couleur/1f4e79.css"} {
		if !strings.Contains(body, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-src https://www.youtube-nocookie.com https://geo.dailymotion.com https://tube.numerique.gouv.fr;") {
		t.Errorf("public page CSP = %q", csp)
	}
	if _, home := get(t, anon, p.URL+"/"); strings.Contains(home, "frame-src https") {
		t.Error("frame sources leak to other pages")
	}
	img := regexp.MustCompile(`/employeurs/ministere-demo/images/[0-9a-f]{64}`).FindString(body)
	resp, _ = get(t, anon, p.URL+img)
	if img == "" || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" ||
		resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("image %s = %d %v", img, resp.StatusCode, resp.Header)
	}
	if resp, _ := get(t, anon, p.URL+strings.Replace(img, "ministere-demo", "ville-demo", 1)); resp.StatusCode != 404 {
		t.Errorf("an image under another administration = %d", resp.StatusCode)
	}

	// Version 2, then version 1 restored into the draft: the public page
	// keeps version 2 until the next publication.
	save(hero, map[string]string{"title": "Deuxième version"}, nil, 303)
	postForm(t, c, base+"/publication", url.Values{"_csrf": {token}})
	if resp, _ := postForm(t, c, base+"/versions/1/restauration", url.Values{"_csrf": {token}}); resp.StatusCode != 303 {
		t.Fatalf("restore = %d", resp.StatusCode)
	}
	_, body = get(t, anon, p.URL+"/employeurs/ministere-demo")
	_, preview := get(t, c, base+"/apercu")
	if !strings.Contains(body, "Deuxième version") || !strings.Contains(preview, "Rejoignez le ministère") {
		t.Error("restoring changed the public page, or not the draft")
	}
	_, journal := get(t, signInAsAdmin(t, p), p.URL+"/admin/ministere-demo/journal")
	for _, want := range []string{"Page employeur publiée", "Page employeur\u00a0: bloc ajouté", "version restaurée"} {
		if !strings.Contains(journal, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}

	// Who may not: a reader and a recruiter get 403 (a reader may preview),
	// an agent of another administration 404.
	for _, who := range []string{"lecteur", "recruteur"} {
		rc, rt := signInAs(t, p, who+"@ministere-demo.vivier.test")
		if resp, _ := get(t, rc, base); resp.StatusCode != 403 {
			t.Errorf("%s on the editor = %d", who, resp.StatusCode)
		}
		if resp, _ := postForm(t, rc, base+"/publication", url.Values{"_csrf": {rt}}); resp.StatusCode != 403 {
			t.Errorf("%s publishing = %d", who, resp.StatusCode)
		}
		if resp, _ := get(t, rc, base+"/apercu"); resp.StatusCode != 200 {
			t.Errorf("%s on the preview = %d", who, resp.StatusCode)
		}
	}
	oc, ot := signInAs(t, p, "marque@ville-demo.vivier.test")
	for _, path := range []string{"", "/apercu"} {
		if resp, _ := get(t, oc, base+path); resp.StatusCode != 404 {
			t.Errorf("another administration's agent on %s = %d", path, resp.StatusCode)
		}
	}
	if resp, _ := postForm(t, oc, base+"/blocs", url.Values{"_csrf": {ot}, "kind": {"text"}}); resp.StatusCode != 404 {
		t.Errorf("another administration's agent adding a block = %d", resp.StatusCode)
	}
}

func signInAsAdmin(t *testing.T, p *program) *http.Client {
	c, _ := signInAs(t, p, "admin@ministere-demo.vivier.test")
	return c
}

func adminID(t *testing.T, p *program, slug string) int64 {
	t.Helper()
	a, err := p.Store().AdministrationBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

var (
	ogRE     = regexp.MustCompile(`<meta property="og:([a-z]+)" content="([^"]*)">`)
	jsonldRE = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)
)

func TestBrandDemoOpenGraphAndJSONLD(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"BASE_URL": "https://vivier.exemple.gouv.fr", "METRICS_TOKEN": "s3cret"})
	ctx := context.Background()
	if n, err := p.seedDemoBrands(ctx); err != nil || n != 4 {
		t.Fatalf("seedDemoBrands = %d, %v", n, err)
	}
	if n, err := p.seedDemoBrands(ctx); err != nil || n != 0 {
		t.Fatalf("seedDemoBrands again = %d, %v; want nothing new", n, err)
	}
	c := newClient(t)
	resp, body := get(t, c, p.URL+"/employeurs/ministere-demo-dnum")
	if resp.StatusCode != 200 {
		t.Fatalf("demo page = %d", resp.StatusCode)
	}
	og := map[string]string{}
	for _, m := range ogRE.FindAllStringSubmatch(body, -1) {
		og[m[1]] = m[2]
	}
	if og["title"] != "La direction du numérique" || og["type"] != "website" || og["description"] == "" ||
		og["url"] != "https://vivier.exemple.gouv.fr/employeurs/ministere-demo-dnum" ||
		!strings.HasPrefix(og["image"], "https://vivier.exemple.gouv.fr/employeurs/ministere-demo-dnum/images/") {
		t.Errorf("OpenGraph = %v", og)
	}
	m := jsonldRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no JSON-LD")
	}
	var org struct {
		Type    string `json:"@type"`
		Name    string `json:"name"`
		URL     string `json:"url"`
		Logo    string `json:"logo"`
		Address struct {
			Street string `json:"streetAddress"`
		} `json:"address"`
		Parent struct {
			Name string `json:"name"`
			URL  string `json:"url"`
		} `json:"parentOrganization"`
	}
	if err := json.Unmarshal([]byte(m[1]), &org); err != nil {
		t.Fatalf("JSON-LD: %v\n%s", err, m[1])
	}
	if org.Type != "Organization" || org.Name != "Direction du numérique du ministère de la Démonstration" || org.Logo == "" ||
		!strings.Contains(org.Address.Street, "Lyon") || org.Parent.Name != "Ministère de la Démonstration" ||
		org.Parent.URL != "https://vivier.exemple.gouv.fr/employeurs/ministere-demo" {
		t.Errorf("Organization = %+v", org)
	}
	// The ministry links to its directions; a direction links back.
	if !strings.Contains(body, `href="/employeurs/ministere-demo"`) {
		t.Error("a direction's page does not link to its parent")
	}
	_, body = get(t, c, p.URL+"/employeurs/ministere-demo")
	if !strings.Contains(body, "Nos directions") || !strings.Contains(body, `href="/employeurs/ministere-demo-drh"`) {
		t.Error("the ministry's page does not list its directions")
	}
	_, sitemap := get(t, c, p.URL+"/sitemap.xml")
	for _, want := range []string{"/employeurs</loc>", "/employeurs/ville-demo</loc>"} {
		if !strings.Contains(sitemap, want) {
			t.Errorf("sitemap lacks %s", want)
		}
	}
}

func TestEmployersFilters(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	if _, err := p.seedDemoBrands(context.Background()); err != nil {
		t.Fatal(err)
	}
	countRE := regexp.MustCompile(`id="employeurs-resultats"[^>]*>(\d+) employeur`)
	for _, tc := range []struct {
		query string
		want  string
		must  string
	}{
		{"", "4", "Ville de Démo-sur-Loire"},
		{"versant=territoriale", "1", "Ville de Démo-sur-Loire"},
		{"versant=etat", "3", "Direction des ressources humaines"},
		{"region=84", "1", "Direction du numérique"},          // Auvergne-Rhône-Alpes: Lyon
		{"versant=etat&region=24", "0", "Aucun employeur ne"}, // Centre-Val de Loire has only the city
		{"region=24", "1", `<option value="territoriale">Territoriale (1)</option>`},
	} {
		resp, body := get(t, newClient(t), p.URL+"/employeurs?"+tc.query)
		m := countRE.FindStringSubmatch(body)
		if resp.StatusCode != 200 || m == nil || m[1] != tc.want || !strings.Contains(body, tc.must) {
			t.Errorf("/employeurs?%s = %d, %v employers, want %s with %q", tc.query, resp.StatusCode, m, tc.want, tc.must)
		}
	}
}
