package templates

import (
	"strings"
	"testing"
	"testing/fstest"

	"vivier"
)

// emailTemplatesPage is the data of admin/email_templates as a typed model.
type emailTemplatesPage struct {
	Page
	Templates []vivier.EmailTemplate
}

func TestAdminLayoutFramesBackOfficePages(t *testing.T) {
	t.Parallel()
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	adm := &vivier.Administration{Name: "Ministère <démo>", Slug: "ministere-demo"}
	nav := []NavItem{{URL: "/admin/ministere-demo", Label: "Tableau de bord"}, {URL: "/admin/ministere-demo/modeles", Label: "Modèles", Current: true}}
	for name, data := range map[string]any{
		"model": &emailTemplatesPage{Page: Page{Adm: adm, Nav: nav, Flash: "Modèle enregistré.", Error: "Le modèle n'a pas été enregistré.",
			Fields: map[string]string{"subject": "Saisissez un objet."}}},
		"map": Map{"Adm": adm, "Nav": nav, "Flash": "Modèle enregistré.", "Error": "Le modèle n'a pas été enregistré.",
			"Fields": map[string]string{"subject": "Saisissez un objet."}},
	} {
		var b strings.Builder
		if err := r.Render(&b, "admin/email_templates", data); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out := b.String()
		// The frame's parts, in reading order: navigation, heading, flash,
		// error summary, then the page's own content.
		order := []string{
			`<nav class="fr-sidemenu"`,
			`<div class="fr-sidemenu__title" id="sidemenu-title">Ministère &lt;démo&gt;</div>`,
			`<a class="fr-sidemenu__link" href="/admin/ministere-demo/modeles" aria-current="page">Modèles</a>`,
			`<div class="fr-col-12 fr-col-md-9">`,
			`<h1>Modèles de courriels</h1>`,
			`<div class="fr-alert fr-alert--success fr-alert--sm fr-mb-3w" role="status"><p>Modèle enregistré.</p></div>`,
			`role="alert"><h2 class="fr-alert__title">Le modèle n&#39;a pas été enregistré.</h2><p>Corrigez le ou les champs signalés ci-dessous.</p>`,
			`<p>Les courriels envoyés aux personnes candidates suivent ces modèles.`,
		}
		at := 0
		for _, want := range order {
			i := strings.Index(out[at:], want)
			if i < 0 {
				t.Fatalf("%s: %q missing, or out of order, in:\n%s", name, want, out)
			}
			at += i + len(want)
		}
		if strings.Count(out, "<h1>") != 1 || strings.Count(out, `id="sidemenu-title"`) != 1 {
			t.Errorf("%s: the frame is shown more than once", name)
		}
	}
}

func TestPageChoosesItsLayout(t *testing.T) {
	t.Parallel()
	r, err := New()
	if err != nil {
		t.Fatal(err)
	}
	l, err := r.parseLayouts()
	if err != nil {
		t.Fatal(err)
	}
	pages := fstest.MapFS{
		"back.html": {Data: []byte(`{{define "title"}}T{{end}}{{define "back"}}<p id="retour">Retour</p>{{end}}` +
			`{{define "heading"}}Titre{{end}}{{define "main"}}<p id="propre">Contenu</p>{{end}}`)},
		"plain.html":     {Data: []byte(`{{define "title"}}T{{end}}{{define "content"}}<p id="propre">Contenu</p>{{end}}`)},
		"both.html":      {Data: []byte(`{{define "title"}}T{{end}}{{define "content"}}C{{end}}{{define "heading"}}H{{end}}{{define "main"}}M{{end}}`)},
		"noheading.html": {Data: []byte(`{{define "title"}}T{{end}}{{define "main"}}M{{end}}`)},
		"notitle.html":   {Data: []byte(`{{define "heading"}}H{{end}}{{define "main"}}M{{end}}`)},
		"nothing.html":   {Data: []byte(`{{define "title"}}T{{end}}`)},
	}
	for _, bad := range []string{"both.html", "noheading.html", "notitle.html", "nothing.html"} {
		if _, err := parsePage(l, pages, bad); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
	data := Map{"Adm": &vivier.Administration{Name: "Ville"}, "CSRF": "jeton"}
	render := func(p string) string {
		t.Helper()
		set, err := parsePage(l, pages, p)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := set.ExecuteTemplate(&b, "base", data); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	// The page's "back" replaces the layout's empty default, above the heading.
	out := render("back.html")
	if !strings.Contains(out, `<p id="retour">Retour</p>`+"\n      <h1>Titre</h1>") || !strings.Contains(out, `id="sidemenu-title"`) ||
		!strings.Contains(out, `<p id="propre">Contenu</p>`) {
		t.Errorf("the admin layout does not frame the page:\n%s", out)
	}
	if out := render("plain.html"); strings.Contains(out, `id="sidemenu-title"`) || !strings.Contains(out, `<p id="propre">Contenu</p>`) {
		t.Errorf("a page defining content is framed by the admin layout:\n%s", out)
	}
}
