package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// upload posts a file to the import form.
func upload(t *testing.T, c *http.Client, u, token, name string, content []byte) (*http.Response, string) {
	t.Helper()
	return sendMultipart(t, c, u, nil, map[string]string{"_csrf": token}, map[string][]byte{"file": content}, func(string) string { return name })
}

func TestConcoursImportOverHTTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", nil)
	c, token := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	if resp, page := get(t, c, p.URL+"/admin/ministere-demo/offres/import"); resp.StatusCode != 200 || !strings.Contains(page, `type="file"`) {
		t.Fatalf("import page = %d", resp.StatusCode)
	}
	csv := "\uFEFFN° NOR;Corps;Grade;Ministère;Intitulé;Nombre de postes\n" +
		"INTA2612345A;Attachés;Attaché;Intérieur;Concours d'attaché <b>2027</b>;12\n" +
		"FAUX;Attachés;Attaché;Intérieur;;\n"
	resp, page := upload(t, c, p.URL+"/admin/ministere-demo/offres/import", token, "concours.csv", []byte(csv))
	if resp.StatusCode != 200 || !strings.Contains(page, "1 concours créé(s) en brouillon, 0 mis à jour, 1 ligne(s) refusée(s)") ||
		!strings.Contains(page, "<td>3</td><td>FAUX</td>") || !strings.Contains(page, "&lt;b&gt;2027&lt;/b&gt;") {
		t.Fatalf("import = %d\n%s", resp.StatusCode, page)
	}
	csv = "N° NOR;Corps;Grade;Ministère;Nombre de postes\nINTA2612345A;Attachés;Attaché principal;Intérieur;15\n"
	resp, page = upload(t, c, p.URL+"/admin/ministere-demo/offres/import", token, "maj.csv", []byte(csv))
	if resp.StatusCode != 200 || !strings.Contains(page, "0 concours créé(s) en brouillon, 1 mis à jour") {
		t.Fatalf("second import = %d", resp.StatusCode)
	}
	adm, err := p.Store().AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	list, err := p.Store().OffersOf(ctx, adm.ID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Details.V.Posts != 15 || list[0].Details.V.Grade != "Attaché principal" {
		t.Fatalf("offers after the imports = %+v", list)
	}
	for name, content := range map[string][]byte{"latin1.csv": []byte("N\xb0 NOR;Corps;Grade;Minist\xe8re\n"), "image.png": {0x89, 'P', 'N', 'G', 0, 0}} {
		resp, page := upload(t, c, p.URL+"/admin/ministere-demo/offres/import", token, name, content)
		if resp.StatusCode != 422 || !strings.Contains(page, "UTF-8") || !strings.Contains(page, `aria-describedby="file-error"`) {
			t.Errorf("%s = %d", name, resp.StatusCode)
		}
	}
	if resp, _ := postForm(t, c, p.URL+"/admin/ministere-demo/offres/import", url.Values{"_csrf": {token}}); resp.StatusCode != 422 {
		t.Errorf("no file = %d", resp.StatusCode)
	}
}
