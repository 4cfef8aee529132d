package templates_test

import (
	"strings"
	"testing"

	"vivier/templates"
)

func TestEveryPageRenders(t *testing.T) {
	t.Parallel()
	r, err := templates.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"home", "error", "admin/login", "legal/accessibilite", "legal/mentions-legales", "legal/donnees-personnelles"} {
		if !r.Has(name) {
			t.Errorf("page %s missing", name)
			continue
		}
		var b strings.Builder
		if err := r.Render(&b, name, templates.Map{"CSRF": "jeton", "Path": "/", "Status": 404, "Title": "T", "Message": "M"}); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		out := b.String()
		for _, must := range []string{`<html lang="fr"`, "<title>", `class="fr-header"`, `class="fr-footer"`, `id="contenu"`} {
			if !strings.Contains(out, must) {
				t.Errorf("%s lacks %s", name, must)
			}
		}
		// Same-named blocks of two pages must not overwrite each other.
		if name != "home" && strings.Contains(out, "Travailler pour le service public") {
			t.Errorf("%s shows the home page's content", name)
		}
	}
	if err := r.Render(&strings.Builder{}, "nope", nil); err == nil {
		t.Error("rendering an unknown page succeeded")
	}
}

func TestLoginFormCarriesCSRFToken(t *testing.T) {
	t.Parallel()
	r, _ := templates.New()
	var b strings.Builder
	if err := r.Render(&b, "admin/login", templates.Map{"CSRF": "abc<>\"", "Error": "Erreur <b>"}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, `name="_csrf" value="abc&lt;&gt;&#34;"`) || !strings.Contains(out, "Erreur &lt;b&gt;") {
		t.Fatal("values are not escaped, or the CSRF field is missing")
	}
	if !strings.Contains(out, `role="alert"`) {
		t.Fatal("the error is not announced to screen readers")
	}
}

func TestEmailsHaveSubjectHTMLAndText(t *testing.T) {
	t.Parallel()
	r, _ := templates.New()
	e, err := r.Email("test", map[string]string{"Host": "https://vivier.test", "Reference": "outbox-1"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Subject != "Courriel de test de Vivier" || !strings.Contains(e.HTML, `lang="fr"`) ||
		!strings.Contains(e.Text, "outbox-1") || strings.Contains(e.Text, "<") {
		t.Fatalf("email = %+v", e)
	}
	if _, err := r.Email("nope", nil); err == nil {
		t.Fatal("an unknown email rendered")
	}
}

func TestAssetURLsChangeWithContent(t *testing.T) {
	t.Parallel()
	r, _ := templates.New()
	a := r.Assets()
	if len(a.Version()) != 12 || a.URL("css/vivier.css") != "/static/"+a.Version()+"/css/vivier.css" {
		t.Fatalf("asset URL %q", a.URL("css/vivier.css"))
	}
}

func TestStatusFor(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]int{"invalid": 422, "not_found": 404, "conflict": 409, "unauthorized": 401,
		"forbidden": 403, "too_many": 429, "too_large": 413, "unavailable": 503, "internal": 500, "autre": 500} {
		if got := templates.StatusFor(code); got != want {
			t.Errorf("StatusFor(%q) = %d, want %d", code, got, want)
		}
	}
}

// BenchmarkNew measures what every start of the program pays to parse and
// check all pages and emails.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := templates.New(); err != nil {
			b.Fatal(err)
		}
	}
}
