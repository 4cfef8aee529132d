package main

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// Platform administrators keep the métiers and skills referentials; every
// change is in the audit log.
func TestReferentialsPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", nil)
	c, token := signInAs(t, p, "plateforme@demo.vivier.test")
	resp, page := get(t, c, p.URL+"/admin/plateforme/metiers")
	if resp.StatusCode != 200 || !strings.Contains(page, "Aucun métier pour l'instant") {
		t.Fatalf("métiers page = %d", resp.StatusCode)
	}
	resp, page = postForm(t, c, p.URL+"/admin/plateforme/metiers", url.Values{"_csrf": {token}, "label": {"Développeur ou développeuse"}, "domaine": {""}})
	if resp.StatusCode != 422 || !strings.Contains(page, `aria-describedby="new-domaine-error"`) || !strings.Contains(page, `value="Développeur ou développeuse"`) {
		t.Fatalf("a métier without domaine = %d", resp.StatusCode)
	}
	resp, _ = postForm(t, c, p.URL+"/admin/plateforme/metiers", url.Values{"_csrf": {token}, "label": {"Développeur ou développeuse"}, "domaine": {"NUM"}})
	if resp.StatusCode != 303 {
		t.Fatalf("add a métier = %d", resp.StatusCode)
	}
	ms, err := p.Store().Metiers(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 {
		t.Fatalf("métiers = %+v", ms)
	}
	id := itoa(ms[0].ID)
	if resp, _ := postForm(t, c, p.URL+"/admin/plateforme/metiers/"+id, url.Values{"_csrf": {token}, "label": {"Développeur·se"}}); resp.StatusCode != 303 {
		t.Fatalf("rename = %d", resp.StatusCode)
	}
	if resp, page := postForm(t, c, p.URL+"/admin/plateforme/metiers/"+id, url.Values{"_csrf": {token}, "label": {" "}}); resp.StatusCode != 422 ||
		!strings.Contains(page, `aria-describedby="rename-`+id+`-error"`) {
		t.Fatalf("rename to nothing = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, p.URL+"/admin/plateforme/metiers/"+id+"/statut", url.Values{"_csrf": {token}, "active": {"false"}}); resp.StatusCode != 303 {
		t.Fatalf("deactivate = %d", resp.StatusCode)
	}
	if active, err := p.Store().Metiers(ctx, true); err != nil || len(active) != 0 {
		t.Fatalf("active métiers = %+v (%v)", active, err)
	}
	if resp, _ := postForm(t, c, p.URL+"/admin/plateforme/competences", url.Values{"_csrf": {token}, "label": {"Qualité des données"}, "family": {"Numérique"}}); resp.StatusCode != 303 {
		t.Fatalf("add a skill = %d", resp.StatusCode)
	}
	_, page = get(t, c, p.URL+"/admin/plateforme/competences")
	if !strings.Contains(page, "Qualité des données") {
		t.Fatal("the new skill is not listed")
	}
	if resp, _ := postForm(t, c, p.URL+"/admin/plateforme/competences/abc", url.Values{"_csrf": {token}, "label": {"x"}}); resp.StatusCode != 400 {
		t.Fatalf("a bad id = %d", resp.StatusCode)
	}
	var n int
	if err := p.Store().DB().Get(&n, `SELECT count(*) FROM audit_log WHERE action LIKE 'metier.%' OR action LIKE 'competence.%'`); err != nil || n != 4 {
		t.Fatalf("audit entries = %d, %v", n, err)
	}

	// A skill's synonyms, edited from its row.
	skills, err := p.Store().Competences(ctx, false)
	if err != nil || len(skills) == 0 {
		t.Fatalf("skills: %d, %v", len(skills), err)
	}
	sid := itoa(skills[0].ID)
	if resp, _ := postForm(t, c, p.URL+"/admin/plateforme/competences/"+sid+"/synonymes", url.Values{"_csrf": {token},
		"synonyms": {"premier synonyme, second synonyme"}}); resp.StatusCode != 303 {
		t.Fatalf("synonyms = %d", resp.StatusCode)
	}
	if _, page := get(t, c, p.URL+"/admin/plateforme/competences"); !strings.Contains(page, "premier synonyme, second synonyme</textarea>") {
		t.Error("the synonyms are not shown in their field")
	}
	if resp, page := postForm(t, c, p.URL+"/admin/plateforme/competences/"+sid+"/synonymes", url.Values{"_csrf": {token},
		"synonyms": {strings.Repeat("x", 101)}}); resp.StatusCode != 422 || !strings.Contains(page, `aria-describedby="synonyms-`+sid+`-error"`) {
		t.Errorf("a synonym too long = %d", resp.StatusCode)
	}

	// The métiers imported from a file: the good lines kept, the bad one
	// named by its number; a file that is not text refused next to its field.
	csv := "Code;Libellé;Domaine;Famille\nERNUM001;Développeur / Développeuse;NUM;Développement\n;Sans code;NUM;\nERSAN010;Infirmier / Infirmière;SAN;Soins\n"
	if resp, _ := postMultipart(t, c, p.URL+"/admin/plateforme/metiers/import", map[string]string{"_csrf": token},
		map[string][]byte{"file": []byte(csv)}); resp.StatusCode != 303 {
		t.Fatalf("import = %d", resp.StatusCode)
	}
	_, page = get(t, c, p.URL+"/admin/plateforme/metiers")
	for _, want := range []string{"2 métiers ajoutés", "1 ligne écartée : ligne 3 : code absent", "Infirmier / Infirmière", "importé"} {
		if !strings.Contains(page, want) {
			t.Errorf("after the import, the page lacks %q", want)
		}
	}
	resp, page = postMultipart(t, c, p.URL+"/admin/plateforme/metiers/import", map[string]string{"_csrf": token},
		map[string][]byte{"file": testPNG(t, 4, 4)})
	if resp.StatusCode != 422 || !strings.Contains(page, `id="import-file-error"`) || !strings.Contains(page, "UTF-8") {
		t.Errorf("an image as the métiers' file = %d", resp.StatusCode)
	}
	if resp, _ := postMultipart(t, c, p.URL+"/admin/plateforme/metiers/import", nil, map[string][]byte{"file": []byte(csv)}); resp.StatusCode != 403 {
		t.Errorf("an import without its CSRF token = %d", resp.StatusCode)
	}
	// An administration's agents do not see these pages.
	lc, ltoken := signInAs(t, p, "admin@ministere-demo.vivier.test")
	if resp, _ := get(t, lc, p.URL+"/admin/plateforme/metiers"); resp.StatusCode != 404 {
		t.Fatalf("an administrator opens the métiers = %d", resp.StatusCode)
	}
	if resp, _ := postMultipart(t, lc, p.URL+"/admin/plateforme/metiers/import", map[string]string{"_csrf": ltoken},
		map[string][]byte{"file": []byte(csv)}); resp.StatusCode != 404 {
		t.Errorf("an administrator imports métiers = %d", resp.StatusCode)
	}
}
