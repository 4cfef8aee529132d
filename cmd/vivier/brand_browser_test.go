package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"vivier/jobs/jobstest"
)

// An agent with the marque role builds a page with every kind of block,
// previews it and publishes it; the public sees it. The editor, the preview,
// the public page and the list of employers pass axe.
func TestBrandEditorInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	publishOffers(t, p)
	ctx, console := browser(t)
	photo := filepath.Join(t.TempDir(), "photo.png")
	if err := os.WriteFile(photo, testPNG(t, 120, 90), 0o600); err != nil {
		t.Fatal(err)
	}
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	// flashed waits for the page that follows a form to say msg.
	flashed := func(msg string) {
		t.Helper()
		expr := `(document.querySelector('.fr-alert--success') || {textContent: ''}).textContent.includes(` + jsString(msg) + `)`
		jobstest.Eventually(t, fmt.Sprintf("the message %q", msg), func() (bool, error) {
			// While the form's answer loads, an evaluation fails on the
			// page that goes away: it is tried again.
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
			return err == nil && ok, nil
		})
	}
	do("sign in", signInActions(p, "marque@ministere-demo.vivier.test")...)
	do("open the editor", chromedp.Click(`a.fr-sidemenu__link[href="/admin/ministere-demo/marque"]`), chromedp.WaitVisible("#add-block"))

	add := func(kind, label string) string {
		t.Helper()
		do("add "+kind, chromedp.SetValue("#new-kind", kind), chromedp.Click("#add-block"))
		flashed("Bloc « " + label + " » ajouté")
		loc := read(t, ctx, chromedp.Location())
		m := blockLocationRE.FindStringSubmatch(loc)
		if m == nil {
			t.Fatalf("after adding %s: %s", kind, loc)
		}
		return m[1]
	}
	fill := func(label, id string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		actions = append(actions, chromedp.Click(`#bloc-`+id+` > form button[type="submit"]`))
		do("fill "+label, actions...)
		flashed("Bloc « " + label + " » enregistré")
	}
	keys := func(id, field, text string) chromedp.Action[chromedp.Void] {
		return chromedp.SetValue("#b-"+id+"-"+field, text) // typing key by key is slow on a busy machine
	}
	upload := func(id, field string) chromedp.Action[chromedp.Void] {
		return chromedp.SetUploadFiles("#b-"+id+"-"+field, []string{photo})
	}

	id := add("hero", "Bandeau d'accueil")
	fill("Bandeau d'accueil", id, keys(id, "title", "Construire l'État de demain"), keys(id, "text", "Des métiers utiles, partout en France."), upload(id, "image-file"))
	id = add("text", "Texte")
	fill("Texte", id, keys(id, "title", "Qui sommes-nous"), keys(id, "text", "Un ministère **engagé** pour tous."))
	id = add("figures", "Chiffres clés")
	fill("Chiffres clés", id, keys(id, "i0-title", "3 000"), keys(id, "i0-text", "agents"))
	id = add("testimonials", "Témoignages")
	fill("Témoignages", id, keys(id, "i0-title", "Léa"), keys(id, "i0-role", "Juriste"), keys(id, "i0-text", "Un travail qui a du sens."), upload(id, "i0-image-file"))
	id = add("video", "Vidéo")
	fill("Vidéo", id, keys(id, "title", "Nos équipes"), keys(id, "url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"), keys(id, "transcript", "Une équipe se présente."))
	id = add("benefits", "Avantages")
	fill("Avantages", id, keys(id, "i0-title", "Formation"), keys(id, "i0-text", "Tout au long de la carrière."))
	id = add("gallery", "Galerie d'images")
	fill("Galerie d'images", id, upload(id, "i0-image-file"), keys(id, "i0-alt", "Des agents en réunion"))
	id = add("places", "Lieux")
	fill("Lieux", id, keys(id, "i0-title", "Siège"), keys(id, "i0-text", "1 place de la République, Paris"), chromedp.SetValue("#b-"+id+"-i0-departement", "75"))
	add("offers", "Offres en cours")
	do("theme", chromedp.SetValue("#accent", "#1f4e79"), chromedp.SetUploadFiles("#logo-file", []string{photo}),
		chromedp.Click(`form[action$="/marque/theme"] button[type="submit"]`))
	flashed("Thème enregistré")
	axeCheck(t, ctx, "brand editor with every block")

	do("preview", chromedp.Click("#brand-preview"), chromedp.WaitVisible(".fr-notice"))
	if h1 := read(t, ctx, chromedp.Text("h1")); h1 != "Construire l'État de demain" {
		t.Fatalf("preview shows %q", h1)
	}
	axeCheck(t, ctx, "brand preview")
	do("publish", chromedp.Navigate(p.URL+"/admin/ministere-demo/marque"), chromedp.WaitVisible("#brand-publish"),
		chromedp.Click("#brand-publish"))
	flashed("Version 1 publiée")

	do("public page", chromedp.Navigate(p.URL+"/employeurs/ministere-demo"), chromedp.WaitVisible("footer"))
	text := read(t, ctx, chromedp.Text("main"))
	for _, want := range []string{"Construire l'État de demain", "engagé", "3 000", "Léa", "Formation", "Siège", "Nos offres en cours", "Transcription de la vidéo"} {
		if !strings.Contains(text, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('main img').length`)); n < 4 {
		t.Errorf("public page shows %d images, want the logo, cover, photo and gallery", n)
	}
	axeCheck(t, ctx, "public brand page")
	do("employers", chromedp.Navigate(p.URL+"/employeurs"), chromedp.WaitVisible("#employeurs-resultats"))
	axeCheck(t, ctx, "/employeurs")
	do("filter", chromedp.SetValue("#f-versant", "etat"), chromedp.Click(`#employeurs-filtres button[type="submit"]`),
		chromedp.WaitVisible(`a[href="/employeurs/ministere-demo"]`))

	// The test machines have no Internet access: the video players' frames
	// fail to load, which is not the page's fault.
	noConsoleErrors(t, func() []string {
		var out []string
		for _, msg := range console() {
			if !strings.Contains(msg, "youtube-nocookie.com") {
				out = append(out, msg)
			}
		}
		return out
	})
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
