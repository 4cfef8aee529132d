package main

import (
	"net/url"
	"strings"
	"testing"
)

const legalEdit = "/admin/plateforme/pages-legales"

// legalForm returns a form for one section of the legal pages' editor, every
// field filled in, with over's values replacing them.
func legalForm(token, section string, over map[string]string) url.Values {
	full := map[string]map[string]string{
		"mentions-legales": {
			"publisher_name": "Direction interministérielle du numérique", "publisher_address": "20 avenue de Ségur\n75007 Paris",
			"publication_director": "Camille Directrice", "host_name": "Hébergeur souverain SAS",
			"host_address": "1 rue du Centre de données\n59000 Lille", "host_contact": "01 23 45 67 89",
		},
		"donnees-personnelles": {
			"controller_name": "Ministère de la Transformation publique", "controller_address": "101 rue de Grenelle, 75007 Paris",
			"dpo_email": "dpd@transformation.gouv.fr", "dpo_address": "DPD, 101 rue de Grenelle, 75007 Paris",
			"purposes": "Publier les offres et recevoir les candidatures.", "legal_basis": "Mission d'intérêt public (article 6-1-e du RGPD).",
		},
		"accessibilite": {
			"conformance": "partielle", "conformance_rate": "72,5", "rgaa_version": "4.1.2", "audit_date": "2026-03-12",
			"audited_by": "Cabinet Accès Pour Tous", "audit_scope": "Accueil, recherche d'offres, offre, candidature, suivi",
			"technologies": "HTML5\nCSS\nJavaScript", "non_compliant": "Le graphique des statistiques n'a pas d'alternative\nL'éditeur de page employeur",
			"derogations": "", "exempt": "Les PDF envoyés par les employeurs avant 2026",
			"accessibility_email": "accessibilite@vivier.gouv.fr", "accessibility_other": "Formulaire : https://vivier.gouv.fr/contact",
			"declared_on": "2026-03-20",
		},
	}[section]
	f := url.Values{"_csrf": {token}}
	for k, v := range full {
		f.Set(k, v)
	}
	for k, v := range over {
		f.Set(k, v)
	}
	return f
}

// The platform administrator fills in the legal pages; visitors read them,
// with a notice "à compléter" as long as a required field is empty; every
// change is audited.
func TestLegalPagesEditedByThePlatform(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	visitor := newClient(t)
	for _, path := range []string{"/mentions-legales", "/donnees-personnelles", "/accessibilite"} {
		resp, body := get(t, visitor, p.URL+path)
		if resp.StatusCode != 200 || !strings.Contains(body, `id="page-incomplete"`) || !strings.Contains(body, "à compléter") {
			t.Fatalf("%s before any setting = %d, without the notice", path, resp.StatusCode)
		}
	}

	c, token := signInAs(t, p, "plateforme@demo.vivier.test")
	resp, page := get(t, c, p.URL+legalEdit)
	if resp.StatusCode != 200 || !strings.Contains(page, `action="`+legalEdit+`/mentions-legales"`) ||
		!strings.Contains(page, `action="`+legalEdit+`/donnees-personnelles"`) || !strings.Contains(page, `action="`+legalEdit+`/accessibilite"`) {
		t.Fatalf("editor = %d", resp.StatusCode)
	}
	if !strings.Contains(page, `href="`+legalEdit+`" aria-current="page"`) {
		t.Error("the platform navigation does not lead to the editor")
	}

	// Mentions légales: saved, shown, the notice gone.
	if resp, _ := postForm(t, c, p.URL+legalEdit+"/mentions-legales", legalForm(token, "mentions-legales", nil)); resp.StatusCode != 303 {
		t.Fatalf("save mentions légales = %d", resp.StatusCode)
	}
	_, body := get(t, visitor, p.URL+"/mentions-legales")
	for _, want := range []string{"Direction interministérielle du numérique", "20 avenue de Ségur", "Camille Directrice",
		"Hébergeur souverain SAS", "59000 Lille", "01 23 45 67 89"} {
		if !strings.Contains(body, want) {
			t.Errorf("mentions légales lack %q", want)
		}
	}
	if strings.Contains(body, `id="page-incomplete"`) {
		t.Error("mentions légales filled in still say they are incomplete")
	}

	// One field emptied: the page says what is missing.
	if resp, _ := postForm(t, c, p.URL+legalEdit+"/mentions-legales", legalForm(token, "mentions-legales", map[string]string{"host_contact": " "})); resp.StatusCode != 303 {
		t.Fatalf("save with an empty field = %d", resp.StatusCode)
	}
	_, body = get(t, visitor, p.URL+"/mentions-legales")
	if !strings.Contains(body, `id="page-incomplete"`) || !strings.Contains(body, "Contact de l&#39;hébergeur") {
		t.Error("an empty field does not bring the notice back")
	}

	// Données personnelles: a bad address is refused beside its field,
	// what was typed is kept.
	resp, page = postForm(t, c, p.URL+legalEdit+"/donnees-personnelles", legalForm(token, "donnees-personnelles", map[string]string{"dpo_email": "pas-une-adresse"}))
	if resp.StatusCode != 422 || !strings.Contains(page, `aria-describedby="dpo_email-error"`) || !strings.Contains(page, `id="dpo_email-error"`) ||
		!strings.Contains(page, `value="pas-une-adresse"`) || !strings.Contains(page, "Mission d&#39;intérêt public") {
		t.Fatalf("a bad DPO address = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, p.URL+legalEdit+"/donnees-personnelles", legalForm(token, "donnees-personnelles", nil)); resp.StatusCode != 303 {
		t.Fatalf("save données personnelles = %d", resp.StatusCode)
	}
	_, body = get(t, visitor, p.URL+"/donnees-personnelles")
	for _, want := range []string{"Ministère de la Transformation publique", "dpd@transformation.gouv.fr", "Publier les offres et recevoir les candidatures.",
		"article 6-1-e du RGPD"} {
		if !strings.Contains(body, want) {
			t.Errorf("données personnelles lack %q", want)
		}
	}
	if strings.Contains(body, `id="page-incomplete"`) || strings.Contains(body, "deux ans") {
		t.Error("données personnelles filled in: still incomplete, or a fixed duration")
	}

	// Accessibility: a state that the rate contradicts is refused.
	resp, page = postForm(t, c, p.URL+legalEdit+"/accessibilite", legalForm(token, "accessibilite", map[string]string{"conformance": "totale"}))
	if resp.StatusCode != 422 || !strings.Contains(page, `conformance-error`) || !strings.Contains(page, "partiellement conforme") {
		t.Fatalf("a state that the rate contradicts = %d", resp.StatusCode)
	}
	resp, page = postForm(t, c, p.URL+legalEdit+"/accessibilite", legalForm(token, "accessibilite", map[string]string{"conformance_rate": "120"}))
	if resp.StatusCode != 422 || !strings.Contains(page, `aria-describedby="conformance_rate-error"`) {
		t.Fatalf("a rate over 100 = %d", resp.StatusCode)
	}
	resp, page = postForm(t, c, p.URL+legalEdit+"/accessibilite", legalForm(token, "accessibilite", map[string]string{"audit_date": "12 mars 2026"}))
	if resp.StatusCode != 422 || !strings.Contains(page, `aria-describedby="audit_date-error"`) {
		t.Fatalf("a malformed date = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, p.URL+legalEdit+"/accessibilite", legalForm(token, "accessibilite", nil)); resp.StatusCode != 303 {
		t.Fatalf("save the accessibility statement = %d", resp.StatusCode)
	}
	_, body = get(t, visitor, p.URL+"/accessibilite")
	for _, want := range []string{"partiellement conforme", "72,5&nbsp;%", "4.1.2", "12 mars 2026", "Cabinet Accès Pour Tous",
		"<li>JavaScript</li>", "<li>L&#39;éditeur de page employeur</li>", "Les PDF envoyés par les employeurs avant 2026",
		"accessibilite@vivier.gouv.fr", "20 mars 2026", "https://formulaire.defenseurdesdroits.fr/", "Libre réponse 71120"} {
		if !strings.Contains(body, want) {
			t.Errorf("the accessibility statement lacks %q", want)
		}
	}
	if strings.Contains(body, `id="page-incomplete"`) {
		t.Error("the accessibility statement filled in still says it is incomplete")
	}

	var n int
	if err := p.Store().DB().Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'legal_page.updated' AND administration_id IS NULL
		AND agent_email = 'plateforme@demo.vivier.test'`); err != nil || n != 4 {
		t.Fatalf("audit entries = %d, %v (want one per save)", n, err)
	}
}

// Only platform administrators reach the editor, and only with the form's
// CSRF token.
func TestLegalPagesEditorIsGuarded(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	count := func() int {
		t.Helper()
		var n int
		if err := p.Store().DB().Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'legal_page.updated'`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	sections := []string{"mentions-legales", "donnees-personnelles", "accessibilite"}

	// An administration's administrator: refused as on every platform
	// route (the page does not exist for them).
	a, token := signInAs(t, p, "admin@ministere-demo.vivier.test")
	if resp, body := get(t, a, p.URL+legalEdit); !denied(resp.StatusCode, body) {
		t.Errorf("an administration's administrator opens the editor = %d", resp.StatusCode)
	}
	for _, s := range sections {
		if resp, body := postForm(t, a, p.URL+legalEdit+"/"+s, legalForm(token, s, nil)); !denied(resp.StatusCode, body) {
			t.Errorf("an administration's administrator saves %s = %d", s, resp.StatusCode)
		}
	}
	// Without the CSRF token, the platform administrator is refused too.
	c, _ := signInAs(t, p, "plateforme@demo.vivier.test")
	for _, s := range sections {
		form := legalForm("", s, nil)
		form.Del("_csrf")
		if resp, _ := postForm(t, c, p.URL+legalEdit+"/"+s, form); resp.StatusCode != 403 {
			t.Errorf("save %s without a CSRF token = %d, want 403", s, resp.StatusCode)
		}
	}
	if n := count(); n != 0 {
		t.Fatalf("%d changes went through", n)
	}
	_, body := get(t, newClient(t), p.URL+"/mentions-legales")
	if strings.Contains(body, "Direction interministérielle du numérique") {
		t.Fatal("a refused change shows on the public page")
	}
}

// The retention period of each administration, as its administrator sets it,
// is what the personal data page and the apply form say.
func TestLegalRetentionFollowsAdministrations(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	offer := openOfferWithQuestion(t, p) // ville-demo's
	visitor := newClient(t)
	row := func(body, name string) string {
		t.Helper()
		i := strings.Index(body, "<th scope=\"row\">"+name+"</th>")
		if i < 0 {
			t.Fatalf("no row for %s in the retention table", name)
		}
		return body[i : i+strings.Index(body[i:], "</tr>")]
	}
	_, body := get(t, visitor, p.URL+"/donnees-personnelles")
	if r := row(body, "Ville de Démo-sur-Loire"); !strings.Contains(r, "24 mois") {
		t.Fatalf("before any change: %s", r)
	}
	if !strings.Contains(body, `id="retention-default"`) {
		t.Error("the platform default is not given")
	}
	_, form := get(t, visitor, p.URL+"/offres/"+itoa(offer.ID)+"/postuler")
	if strings.Contains(form, "deux ans") || !strings.Contains(form, "24 mois") {
		t.Error("the apply form does not give ville-demo's retention")
	}

	a, token := signInAs(t, p, "admin@ville-demo.vivier.test")
	if resp, _ := postForm(t, a, p.URL+"/admin/ville-demo/administration/conservation", url.Values{"_csrf": {token}, "retention_months": {"9"}}); resp.StatusCode != 303 {
		t.Fatalf("set the retention = %d", resp.StatusCode)
	}
	_, body = get(t, visitor, p.URL+"/donnees-personnelles")
	if r := row(body, "Ville de Démo-sur-Loire"); !strings.Contains(r, "9 mois") {
		t.Errorf("after the change: %s", r)
	}
	if r := row(body, "Ministère de la Démonstration"); !strings.Contains(r, "24 mois") {
		t.Errorf("another administration moved too: %s", r)
	}
	_, form = get(t, visitor, p.URL+"/offres/"+itoa(offer.ID)+"/postuler")
	if !strings.Contains(form, "9 mois") || strings.Contains(form, "24 mois") {
		t.Error("the apply form does not follow the new retention")
	}
}
