package main

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vivier"
)

// fullConcoursForm fills every field of the offer form for a concours.
func fullConcoursForm(token string, skills []vivier.Competence) url.Values {
	return url.Values{
		"_csrf": {token}, "kind": {"concours"}, "title": {"Attaché·e d'administration de l'État"}, "reference": {"CONC-2027-01"},
		"versant": {"etat"}, "organisation_name": {"Ministère de la Démonstration"}, "domaine": {"DIR"},
		"categories": {"A"}, "contract_type": {"TITULAIRE_CONTRACTUEL"}, "contract_forms": {"PERMANENT"},
		"mission": {"Piloter des politiques publiques."}, "profile": {"Goût du service public."}, "employer_text": {"Un ministère."},
		"departement": {"75"}, "location_label": {"Paris"}, "workplace": {"SUR_SITE"}, "experience": {"DEBUTANT"},
		"diplome_niveau": {"6"}, "diplome": {"Licence"}, "specialisations": {"Droit public\r\nÉconomie\r\n"},
		"documents_requis": {"Copie du diplôme\nCurriculum vitae"}, "competences_requises": {"Rédaction\nAnalyse"},
		"langue_code_0": {"en"}, "langue_niveau_0": {"B2"}, "langue_code_1": {"de"}, "langue_niveau_1": {"A2"},
		"langue_code_2": {""}, "langue_niveau_2": {""},
		"salaire_titulaire": {"Selon la grille du corps"}, "salaire_contractuel": {"Sans objet"},
		"debut_contrat": {"2027-09-01"}, "fin_contrat": {"2030-08-31"}, "duree_contrat": {"3 ans"}, "temps_travail": {"TEMPS_PLEIN"},
		"ouvert_aux_militaires": {"OUI"}, "conditions_complements": {"Logement possible."}, "bases_legales": {"Décret n° 2011-1317"},
		"note_ouverture_poste_url": {"https://www.exemple.gouv.fr/note.pdf"},
		"contact_nom_0":            {"Camille Martin"}, "contact_fonction_0": {"Bureau des concours"}, "contact_email_0": {"concours@exemple.gouv.fr"},
		"contact_telephone_0": {"01 23 45 67 89"}, "contact_nom_1": {""}, "contact_fonction_1": {""}, "contact_email_1": {""}, "contact_telephone_1": {""},
		"nor": {"inta2612345a"}, "corps": {"Attachés d'administration de l'État"}, "grade": {"Attaché"}, "ministere": {"Intérieur"},
		"modalites_acces": {"EXTERNE", "TROISIEME_CONCOURS"}, "ouverture_inscriptions": {"2027-01-05"}, "cloture_inscriptions": {"2027-02-05"},
		"dates_epreuves": {"Écrits les 10 et 11 mars 2027"}, "nombre_postes": {"42"},
		"competences":          {strconv.FormatInt(skills[0].ID, 10), strconv.FormatInt(skills[1].ID, 10)},
		"open_to_contractuals": {"1"}, "cv_policy": {"none"}, "letter_policy": {"required"},
		"question_id_0": {""}, "question_label_0": {"Êtes-vous disponible en septembre ?"}, "question_kind_0": {"yesno"}, "question_required_0": {"1"},
		"question_id_1": {""}, "question_label_1": {"Quel centre d'examen ?"}, "question_kind_1": {"choice"}, "question_choices_1": {"Paris\nLyon\n\nMarseille"},
		"question_id_2": {""}, "question_label_2": {""}, "question_kind_2": {"short"},
		"publish_at": {""}, "end_at": {"2027-03-01T18:00"},
	}
}

func TestOfferFormRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", nil)
	s := p.Store()
	adm, err := s.AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	skills, err := s.Competences(ctx, true)
	if err != nil || len(skills) < 2 {
		t.Fatal(err)
	}
	c, token := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	resp, page := get(t, c, p.URL+"/admin/ministere-demo/offres/nouvelle?type=concours")
	if resp.StatusCode != 200 || !strings.Contains(page, `id="nor"`) || !strings.Contains(page, "Troisième concours exceptionnel") {
		t.Fatalf("new concours form = %d", resp.StatusCode)
	}
	form := fullConcoursForm(token, skills)
	resp, _ = postForm(t, c, p.URL+"/admin/ministere-demo/offres", form)
	if resp.StatusCode != 303 {
		t.Fatalf("create = %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	id, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.OfferByID(ctx, adm.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) *time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return &d
	}
	want := vivier.Criteria{DiplomaLevel: 6, Diploma: "Licence", Specialisations: []string{"Droit public", "Économie"},
		RequiredDocuments: []string{"Copie du diplôme", "Curriculum vitae"}, Skills: []string{"Rédaction", "Analyse"},
		Languages: []vivier.Language{{ISOCode: "en", Level: "B2"}, {ISOCode: "de", Level: "A2"}}}
	if !reflect.DeepEqual(o.Criteria.V, want) {
		t.Errorf("criteria = %+v", o.Criteria.V)
	}
	k := o.Conditions.V
	if k.SalaryTitulaire != "Selon la grille du corps" || k.SalaryContractuel != "Sans objet" || !k.ContractStart.Equal(*day("2027-09-01")) ||
		!k.ContractEnd.Equal(*day("2030-08-31")) || k.ContractDuration != "3 ans" || k.WorkingTime != "TEMPS_PLEIN" || k.OpenToMilitary != "OUI" ||
		k.Complements != "Logement possible." || k.LegalBases != "Décret n° 2011-1317" || k.OpeningNoteURL != "https://www.exemple.gouv.fr/note.pdf" {
		t.Errorf("conditions = %+v", k)
	}
	if !reflect.DeepEqual(o.Contacts.V, []vivier.Contact{{Name: "Camille Martin", Role: "Bureau des concours", Email: "concours@exemple.gouv.fr", Phone: "01 23 45 67 89"}}) {
		t.Errorf("contacts = %+v", o.Contacts.V)
	}
	d := o.Details.V
	if d.NOR != "INTA2612345A" || d.Corps != "Attachés d'administration de l'État" || d.Grade != "Attaché" || d.Ministry != "Intérieur" ||
		!reflect.DeepEqual(d.AccessModalities, []string{"EXTERNE", "TROISIEME_CONCOURS"}) || !d.RegistrationOpens.Equal(*day("2027-01-05")) ||
		!d.RegistrationCloses.Equal(*day("2027-02-05")) || d.ExamDates != "Écrits les 10 et 11 mars 2027" || d.Posts != 42 {
		t.Errorf("details = %+v", d)
	}
	if o.OpenToInternal || !o.OpenToContractuals || o.CVPolicy != "none" || o.LetterPolicy != "required" || o.EmployerText != "Un ministère." {
		t.Errorf("flags = %v %v %s %s", o.OpenToInternal, o.OpenToContractuals, o.CVPolicy, o.LetterPolicy)
	}
	qs := o.Questions.V
	if len(qs) != 2 || qs[0].Kind != "yesno" || !qs[0].Required || qs[0].ID != "q1" || !reflect.DeepEqual(qs[1].Choices, []string{"Paris", "Lyon", "Marseille"}) {
		t.Errorf("questions = %+v", qs)
	}
	if got, err := s.OfferCompetences(ctx, adm.ID, id); err != nil || len(got) != 2 {
		t.Errorf("skills = %+v (%v)", got, err)
	}

	// The form shows it all back; saving it unchanged changes nothing.
	_, page = get(t, c, p.URL+loc)
	for _, must := range []string{`value="INTA2612345A"`, `id="mod-TROISIEME_CONCOURS" name="modalites_acces" value="TROISIEME_CONCOURS" checked`,
		`value="2027-02-05"`, `value="42"`, "Droit public\nÉconomie", `<option value="B2" selected>`, `value="concours@exemple.gouv.fr"`,
		`<option value="none" selected>`, "Paris\nLyon\nMarseille", `name="question_id_0" value="q1"`} {
		if !strings.Contains(page, must) {
			t.Errorf("the form lacks %q", must)
		}
	}
	// Removing a question by emptying its label, and a contact by emptying its row.
	form.Set("question_label_0", "")
	form.Set("question_id_1", "q2")
	for _, f := range []string{"contact_nom_0", "contact_fonction_0", "contact_email_0", "contact_telephone_0"} {
		form.Set(f, "")
	}
	if resp, _ := postForm(t, c, p.URL+loc, form); resp.StatusCode != 303 {
		t.Fatalf("update = %d", resp.StatusCode)
	}
	if o, err = s.OfferByID(ctx, adm.ID, id); err != nil {
		t.Fatal(err)
	}
	if len(o.Questions.V) != 1 || o.Questions.V[0].ID != "q2" || len(o.Contacts.V) != 0 {
		t.Errorf("after removing: %+v %+v", o.Questions.V, o.Contacts.V)
	}

	// Errors come back next to their fields, in the summary, with the input kept.
	bad := fullConcoursForm(token, skills)
	bad.Set("reference", "CONC-2027-02")
	bad.Set("nombre_postes", "quarante")
	bad.Set("langue_niveau_0", "")
	resp, page = postForm(t, c, p.URL+"/admin/ministere-demo/offres", bad)
	if resp.StatusCode != 422 || !strings.Contains(page, `id="error-summary"`) || !strings.Contains(page, `href="#nombre_postes"`) ||
		!strings.Contains(page, `aria-describedby="nombre_postes-error"`) || !strings.Contains(page, `value="quarante"`) ||
		!strings.Contains(page, `value="Écrits les 10 et 11 mars 2027"`) {
		t.Fatalf("a form with a bad number = %d", resp.StatusCode)
	}
	bad.Set("nombre_postes", "40")
	resp, page = postForm(t, c, p.URL+"/admin/ministere-demo/offres", bad)
	if resp.StatusCode != 422 || !strings.Contains(page, `href="#langues"`) || !strings.Contains(page, "niveau de A1 à C2") ||
		!strings.Contains(page, `action="/admin/ministere-demo/offres"`) {
		t.Fatalf("a language without a level = %d", resp.StatusCode)
	}

	// Duplicate: a draft copy without dates, audited, opened.
	resp, _ = postForm(t, c, p.URL+loc+"/duplication", url.Values{"_csrf": {token}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") == loc {
		t.Fatalf("duplicate = %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page = get(t, c, p.URL+resp.Header.Get("Location"))
	if !strings.Contains(page, "Copie de Attaché·e d&#39;administration de l&#39;État") || !strings.Contains(page, `value="CONC-2027-01-copie"`) ||
		!strings.Contains(page, "Copie enregistrée en brouillon") {
		t.Errorf("the copy's form does not show the copy")
	}
	if log, err := s.AuditLog(ctx, adm.ID, vivier.AuditFilter{Action: "offer.duplicated"}); err != nil || len(log) != 1 {
		t.Errorf("duplication audit = %+v (%v)", log, err)
	}

	// An emploi made a concours: the flash says the concours fields are there now.
	resp, _ = postForm(t, c, p.URL+"/admin/ministere-demo/offres", url.Values{"_csrf": {token}, "kind": {"emploi"}, "title": {"Emploi"},
		"reference": {"EMP-1"}, "versant": {"etat"}, "cv_policy": {"required"}, "letter_policy": {"optional"}})
	emploi := resp.Header.Get("Location")
	resp, _ = postForm(t, c, p.URL+emploi, url.Values{"_csrf": {token}, "kind": {"concours"}, "title": {"Emploi"},
		"reference": {"EMP-1"}, "versant": {"etat"}, "cv_policy": {"required"}, "letter_policy": {"optional"}})
	if _, page := get(t, c, p.URL+emploi); resp.StatusCode != 303 || !strings.Contains(page, "champs propres au concours") || !strings.Contains(page, `id="nor"`) {
		t.Errorf("an emploi made a concours = %d", resp.StatusCode)
	}

	// Published, the offer shows its blocks in plain French.
	if err := s.MoveOffer(ctx, adm.ID, id, vivier.OfferPublished, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	_, page = get(t, newClient(t), p.URL+"/offres/"+itoa(id))
	for _, must := range []string{"Le concours", "Concours externe, Troisième concours", "Inscriptions du 05/01/2027 jusqu'au 05/02/2027",
		"Nombre de postes", "Niveau 6 (bac", "anglais (niveau B2)", "Rémunération pour un titulaire", "Temps plein",
		"Ouvert aux militaires", "Recrutement sans CV", "Lettre de motivation&nbsp;: demandée", "Copie du diplôme", "Ouvert aux contractuels",
		skills[0].Label} {
		if !strings.Contains(page, must) {
			t.Errorf("the public page lacks %q", must)
		}
	}
}

const xssScript, xssImg = `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`

// Every text field holding markup is shown as text: on the editor (also
// when the form comes back with errors), on the public page, and the
// JobPosting stays JSON.
func TestOfferFormEscapesEverything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", nil)
	s := p.Store()
	adm, err := s.AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	skills, err := s.Competences(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	c, token := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	form := fullConcoursForm(token, skills)
	text := []string{"title", "organisation_name", "mission", "profile", "employer_text", "location_label", "diplome", "specialisations",
		"documents_requis", "competences_requises", "salaire_titulaire", "salaire_contractuel", "duree_contrat", "conditions_complements",
		"bases_legales", "contact_nom_0", "contact_fonction_0", "contact_telephone_0", "corps", "grade", "ministere", "dates_epreuves",
		"question_label_0", "question_choices_1"}
	for i, f := range text {
		payload := xssScript
		if i%2 == 1 {
			payload = xssImg
		}
		form.Set(f, payload+" "+f)
	}
	form.Set("question_choices_1", xssScript+" un\n"+xssImg+" deux")
	form.Set("contact_telephone_0", xssScript) // 30 characters at most
	form.Set("reference", xssImg)
	form.Set("title", xssScript) // under 150 characters
	// Fields with a format: refused, shown back escaped.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	for _, f := range []string{"contact_email_0", "note_ouverture_poste_url", "nor", "nombre_postes", "debut_contrat"} {
		bad.Set(f, xssImg)
	}
	resp, page := postForm(t, c, p.URL+"/admin/ministere-demo/offres", bad)
	if resp.StatusCode != 422 {
		t.Fatalf("payloads in formatted fields = %d", resp.StatusCode)
	}
	assertEscaped(t, "the editor with errors", page)

	resp, page = postForm(t, c, p.URL+"/admin/ministere-demo/offres", form)
	if resp.StatusCode != 303 {
		t.Fatalf("create = %d\n%s", resp.StatusCode, regexp.MustCompile(`(?s)<div class="fr-alert fr-alert--error.*?</div>`).FindString(page))
	}
	loc := resp.Header.Get("Location")
	_, page = get(t, c, p.URL+loc)
	assertEscaped(t, "the editor", page)
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt; mission") {
		t.Error("the editor does not show the mission as text")
	}
	id, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOffer(ctx, adm.ID, id, vivier.OfferPublished, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	_, page = get(t, newClient(t), p.URL+"/offres/"+itoa(id))
	assertEscaped(t, "the public page", page)
	for _, f := range []string{"corps", "bases_legales", "contact_nom_0", "documents_requis"} {
		if !strings.Contains(page, " "+f) {
			t.Errorf("the public page lacks the %s field", f)
		}
	}
	m := regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no JobPosting")
	}
	var jp map[string]any
	if err := json.Unmarshal([]byte(m[1]), &jp); err != nil || jp["title"] != xssScript {
		t.Fatalf("JobPosting: %v, title %v", err, jp["title"])
	}
}

func assertEscaped(t *testing.T, where, page string) {
	t.Helper()
	// The JSON-LD holds the payloads escaped as \u003c; take it out first.
	page = regexp.MustCompile(`(?s)<script type="application/ld\+json">.*?</script>`).ReplaceAllString(page, "")
	for _, raw := range []string{"<script>alert(1)", "<img src=x", `"><img`} {
		if strings.Contains(page, raw) {
			t.Errorf("%s shows %q unescaped", where, raw)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(page, "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("%s does not show the payloads as text", where)
	}
}

// A recruiter fills the editor of a concours in a browser: the new form, the
// form with its errors and the import page pass axe.
func TestOfferFormInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, signInActions(p, "recruteur@ministere-demo.vivier.test",
		chromedp.Navigate(p.URL+"/admin/ministere-demo/offres/nouvelle?type=concours"),
		chromedp.WaitVisible("#nor"),
	)...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "new concours")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#title", "Concours externe d'attaché·e"),
		chromedp.SendKeys("#reference", "CONC-NAV-1"),
		chromedp.SendKeys("#nor", "PAS-UN-NOR"),
		chromedp.SendKeys("#corps", "Attachés d'administration de l'État"),
		chromedp.Click("#mod-EXTERNE"),
		chromedp.SetValue("#diplome_niveau", "6"),
		chromedp.SetValue("#langue_code_0", "en"),
		chromedp.SetValue("#langue_niveau_0", "B2"),
		chromedp.SendKeys("#contact_email_0", "concours@exemple.gouv.fr"),
		chromedp.SendKeys("#question_label_0", "Êtes-vous disponible ?"),
		chromedp.SetValue("#cv_policy", "none"),
		chromedp.Click(`form[action="/admin/ministere-demo/offres"] > button[type="submit"]`),
		chromedp.WaitVisible("#error-summary"),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "offer editor with errors")
	summary := read(t, ctx, chromedp.Text("#error-summary"))
	kept := read(t, ctx, chromedp.Value("#corps"))
	if !strings.Contains(summary, "NOR") || kept != "Attachés d'administration de l'État" {
		t.Fatalf("summary %q, corps kept %q", summary, kept)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue("#nor", "INTA2612345A"),
		chromedp.Click(`form[action="/admin/ministere-demo/offres"] > button[type="submit"]`),
		chromedp.WaitVisible(".fr-alert--success"),
	); err != nil {
		t.Fatal(err)
	}
	if v := read(t, ctx, chromedp.Value("#langue_niveau_0")); v != "B2" {
		t.Errorf("saved language level = %q", v)
	}
	axeCheck(t, ctx, "saved concours")
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/admin/ministere-demo/offres/import"), chromedp.WaitVisible("#file")); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "concours import")
	noConsoleErrors(t, console)
}
