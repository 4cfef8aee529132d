package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"vivier"
	"vivier/jobs/jobstest"
)

// An identity belongs to the application it was sent with: what one
// administration sees never changes because someone typed the same address
// elsewhere. See the README, "Candidates and their identity".

// openOfferOf publishes an offer of the administration that asks for a CV
// and one question.
func openOfferOf(t testing.TB, p *program, slug, ref, title string) *vivier.Offer {
	t.Helper()
	ctx := context.Background()
	adm, err := p.Store().AdministrationBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: ref, Versant: adm.Versant, Title: title,
		Mission: "Une mission.", CVPolicy: "required",
		Questions: vivier.JSONB[[]vivier.Question]{V: []vivier.Question{{ID: "permis", Label: "Avez-vous le permis B ?", Kind: "yesno", Required: true}}}}
	if err := p.Store().CreateOffer(ctx, adm.ID, o, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if o, err = p.Store().OfferByID(ctx, adm.ID, o.ID); err != nil {
		t.Fatal(err)
	}
	return o
}

// applyWith fills the offer's form as a new visitor would and sends it.
func applyWith(t *testing.T, p *program, o *vivier.Offer, email, first, last, phone string) (*http.Response, string) {
	t.Helper()
	c := newClient(t)
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	_, page := get(t, c, formURL)
	fields := applyFields(t, page, email)
	fields["first_name"], fields["last_name"], fields["phone"] = first, last, phone
	return postApplication(t, c, formURL, fields, map[string][]byte{"cv": pdfBytes(t, "", first+" "+last)})
}

// mailTo waits for an email to the address whose subject or text contains
// want.
func mailTo(t *testing.T, smtp *jobstest.SMTP, to, want string) jobstest.Message {
	t.Helper()
	var found jobstest.Message
	jobstest.Eventually(t, fmt.Sprintf("an email to %s about %q", to, want), func() (bool, error) {
		for _, m := range smtp.Messages() {
			if m.To[0] == to && strings.Contains(m.Subject+"\n"+m.Text, want) {
				found = m
				return true, nil
			}
		}
		return false, nil
	})
	return found
}

func TestAnonymousApplicationCannotChangeAnotherIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "dev", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	oa := openOfferOf(t, p, "ville-demo", "ID-A", "Jardinier·ère des parcs")
	ob := openOfferOf(t, p, "ministere-demo", "ID-B", "Chargé·e de mission numérique")

	// Camille applies to A; then anyone applies to B with her address and
	// another name and phone.
	if resp, body := applyWith(t, p, oa, "camille@exemple.fr", "Camille", "Martin", "06 12 34 56 78"); resp.StatusCode != 303 {
		t.Fatalf("Camille's application = %d %s", resp.StatusCode, body)
	}
	if resp, body := applyWith(t, p, ob, "camille@exemple.fr", "Mallory", "Usurpe", "07 99 99 99 99"); resp.StatusCode != 303 {
		t.Fatalf("the other application = %d %s", resp.StatusCode, body)
	}
	var appA, appB int64
	if err := p.Store().DB().Get(&appA, `SELECT id FROM applications WHERE offer_id = $1`, oa.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().DB().Get(&appB, `SELECT id FROM applications WHERE offer_id = $1`, ob.ID); err != nil {
		t.Fatal(err)
	}
	shows := func(what, page string, want, not []string) {
		t.Helper()
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("%s lacks %q", what, w)
			}
		}
		for _, n := range not {
			if strings.Contains(page, n) {
				t.Errorf("%s shows %q", what, n)
			}
		}
	}
	// Pages escape the "+" of a phone number.
	camille, mallory := []string{"Camille", "Martin", "33612345678"}, []string{"Mallory", "Usurpe", "33799999999"}

	// A: the application page, the list, the CSV export.
	rc, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	appURL := p.URL + "/admin/ville-demo/candidatures/" + itoa(appA)
	_, page := get(t, rc, appURL)
	shows("A's application page", page, camille, mallory)
	_, page = get(t, rc, p.URL+"/admin/ville-demo/candidatures")
	shows("A's list", page, camille[:2], mallory[:2])
	_, page = get(t, rc, p.URL+"/admin/ville-demo/offres/"+itoa(oa.ID)+"/candidatures")
	shows("A's offer list", page, camille[:2], mallory[:2])
	resp, csv := postForm(t, rc, p.URL+"/admin/ville-demo/offres/"+itoa(oa.ID)+"/candidatures/export",
		url.Values{"_csrf": {token}, "ids": {itoa(appA)}})
	if resp.StatusCode != 200 {
		t.Fatalf("CSV export = %d", resp.StatusCode)
	}
	shows("A's CSV export", csv, camille[:2], mallory[:2])

	// A hires her: the SIRH export carries what was sent to A.
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	hire := url.Values{"_csrf": {token}, "stage": {strconv.FormatInt(stepID(t, p, adm.ID, "Recrutée"), 10)}, "notify": {"non"},
		"start_date": {"2027-03-01"}, "nature": {"titulaire"}}
	if resp, body := postForm(t, rc, appURL+"/etape", hire); resp.StatusCode != 303 {
		t.Fatalf("hire = %d %s", resp.StatusCode, body)
	}
	var hireID int64
	if err := p.Store().DB().Get(&hireID, `SELECT id FROM sirh_hires WHERE application_id = $1`, appA); err != nil {
		t.Fatal(err)
	}
	b, err := p.Store().BatchHire(ctx, adm.ID, hireID)
	if err != nil {
		t.Fatal(err)
	}
	_, file := get(t, rc, p.URL+"/admin/ville-demo/exports/"+strconv.FormatInt(b.ID, 10)+"/fichier")
	shows("A's SIRH export", file, camille, mallory)

	// B sees what was sent to B, and nothing of A.
	mc, _ := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	_, page = get(t, mc, p.URL+"/admin/ministere-demo/candidatures/"+itoa(appB))
	shows("B's application page", page, mallory, []string{"Martin", "33612345678", "Jardinier"})
	if resp, _ := get(t, mc, p.URL+"/admin/ministere-demo/candidatures/"+itoa(appA)); resp.StatusCode != 404 {
		t.Errorf("B opens A's application = %d", resp.StatusCode)
	}

	// Camille is told: the tracking link for B reached her address.
	m := mailTo(t, p.SMTP, "camille@exemple.fr", ob.Title)
	if trackRE.FindString(m.Text) == "" {
		t.Errorf("the receipt for B carries no tracking link: %s", m.Text)
	}
}

func TestApplyingAgainRevealsNothing(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferOf(t, p, "ville-demo", "AGAIN-1", "Jardinier·ère des parcs")
	if resp, _ := applyWith(t, p, o, "connue@exemple.fr", "Camille", "Martin", "06 12 34 56 78"); resp.StatusCode != 303 {
		t.Fatal("first application")
	}
	// A second application to the offer with the known address, and a first
	// one with an unknown address: the same answer, byte for byte.
	type answer struct {
		status         int
		location, body string
	}
	var answers []answer
	for _, email := range []string{"connue@exemple.fr", "inconnue@exemple.fr"} {
		resp, body := applyWith(t, p, o, email, "Autre", "Personne", "06 11 22 33 44")
		answers = append(answers, answer{resp.StatusCode, resp.Header.Get("Location"), body})
	}
	if answers[0] != answers[1] || answers[0].status != 303 {
		t.Fatalf("known %+v, unknown %+v", answers[0], answers[1])
	}
	c := newClient(t)
	_, sent := get(t, c, p.URL+answers[0].location)
	if !strings.Contains(sent, "Votre candidature est envoyée") {
		t.Fatal("the confirmation page")
	}
	// The known address's first application is unchanged; its owner is
	// told, with the link to it.
	var first string
	if err := p.Store().DB().Get(&first, `SELECT a.first_name FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE c.email = 'connue@exemple.fr'`); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, p, "applications"); n != 2 || first != "Camille" {
		t.Fatalf("%d applications, the known one says %q", n, first)
	}
	m := mailTo(t, p.SMTP, "connue@exemple.fr", "Vous avez déjà postulé")
	if trackRE.FindString(m.Text) == "" || !strings.Contains(m.Text, "la nouvelle n'est pas enregistrée") {
		t.Errorf("notice = %s", m.Text)
	}
}

var detailsAppRE = regexp.MustCompile(`name="applications" value="(\d+)"( checked)?`)

func TestCandidateChangesDetailsFromSpace(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	oa := openOfferOf(t, p, "ville-demo", "DET-A", "Jardinier·ère des parcs")
	ob := openOfferOf(t, p, "ministere-demo", "DET-B", "Chargé·e de mission numérique")
	applyWith(t, p, oa, "ines@exemple.fr", "Inès", "Moreau", "06 12 34 56 78")
	applyWith(t, p, ob, "ines@exemple.fr", "Inès", "Moreau", "06 12 34 56 78")
	var appA, appB int64
	if err := p.Store().DB().Get(&appA, `SELECT id FROM applications WHERE offer_id = $1`, oa.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().DB().Get(&appB, `SELECT id FROM applications WHERE offer_id = $1`, ob.ID); err != nil {
		t.Fatal(err)
	}

	// The link of A's receipt: A's application is ticked, B's offered.
	link := trackRE.FindString(mailTo(t, p.SMTP, "ines@exemple.fr", oa.Title).Text)
	c := newClient(t)
	_, page := get(t, c, p.URL+link)
	ticks := map[string]bool{}
	for _, m := range detailsAppRE.FindAllStringSubmatch(page, -1) {
		ticks[m[1]] = m[2] != ""
	}
	if len(ticks) != 2 || !ticks[itoa(appA)] || ticks[itoa(appB)] {
		t.Fatalf("choices = %v", ticks)
	}
	form := url.Values{"_csrf": {csrfToken(t, page)}, "civility": {"madame"}, "first_name": {"Inès"}, "last_name": {"Moreau-Petit"},
		"phone": {"12"}, "applications": {itoa(appA)}}
	if resp, body := postForm(t, c, p.URL+link+"/coordonnees", form); resp.StatusCode != 422 ||
		!strings.Contains(body, "Saisissez un numéro de téléphone valide") || !strings.Contains(body, `value="Moreau-Petit"`) {
		t.Fatalf("a bad phone = %d", resp.StatusCode)
	}
	form.Set("phone", "06 98 76 54 32")
	if resp, _ := postForm(t, c, p.URL+link+"/coordonnees", form); resp.StatusCode != 303 {
		t.Fatalf("change = %d", resp.StatusCode)
	}
	var got []struct {
		ID    int64  `db:"id"`
		Last  string `db:"last_name"`
		Phone string `db:"phone"`
	}
	if err := p.Store().DB().Select(&got, `SELECT id, last_name, phone FROM applications ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	for _, a := range got {
		changed := a.Last == "Moreau-Petit" && a.Phone == "+33698765432"
		if changed != (a.ID == appA) {
			t.Errorf("application %d: %+v", a.ID, a)
		}
	}
	// A's recruiters are told, and read it in the history.
	mailTo(t, p.SMTP, "recruteur@ville-demo.vivier.test", "Coordonnées mises à jour")
	rc, _ := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	if _, page := get(t, rc, p.URL+"/admin/ville-demo/candidatures/"+itoa(appA)); !strings.Contains(page, "Moreau-Petit") ||
		!strings.Contains(page, "Coordonnées modifiées par la personne candidate : civilité, nom, téléphone") {
		t.Error("A's page does not show the change and its history")
	}
	// A's agent corrects a typo; it is audited.
	_, page = get(t, rc, p.URL+"/admin/ville-demo/candidatures/"+itoa(appA))
	fix := url.Values{"_csrf": {csrfToken(t, page)}, "civility": {"madame"}, "first_name": {"Inès"}, "last_name": {"Moreau-Petitjean"},
		"phone": {"06 98 76 54 32"}}
	if resp, _ := postForm(t, rc, p.URL+"/admin/ville-demo/candidatures/"+itoa(appA)+"/coordonnees", fix); resp.StatusCode != 303 {
		t.Fatalf("correction = %d", resp.StatusCode)
	}
	// B's agents cannot correct A's.
	mc, mtoken := signInAs(t, p, "admin@ministere-demo.vivier.test")
	fix.Set("_csrf", mtoken)
	for _, u := range []string{"/admin/ministere-demo/candidatures/", "/admin/ville-demo/candidatures/"} {
		if resp, _ := postForm(t, mc, p.URL+u+itoa(appA)+"/coordonnees", fix); resp.StatusCode != 404 && resp.StatusCode != 403 {
			t.Errorf("%s by B = %d", u, resp.StatusCode)
		}
	}
	var audit int
	if err := p.Store().DB().Get(&audit, `SELECT count(*) FROM audit_log WHERE action = 'application.identity_corrected'`); err != nil {
		t.Fatal(err)
	}
	if audit != 1 {
		t.Errorf("%d audit entries", audit)
	}
}

// The person confirms a merge from both addresses; the second confirmation,
// from the address merged away, ends on a page that says where the
// applications are now (that address's links end with the merge).
func TestMergeConfirmedFromBothAddresses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	ville, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	o1 := openOfferOf(t, p, "ville-demo", "MRG-1", "Jardinier·ère des parcs")
	o2 := openOfferOf(t, p, "ville-demo", "MRG-2", "Agent·e d'accueil")
	x := applyTo(t, p, o1, "camille@exemple.fr", "Camille", "Martin", false)
	y := applyTo(t, p, o2, "camille.martin@exemple.fr", "Camille", "Martin", false)
	id, err := p.Store().RequestMerge(ctx, ville.ID, x.CandidateID, y.CandidateID, vivier.Actor{Email: "admin@ville-demo.vivier.test"})
	if err != nil {
		t.Fatal(err)
	}
	link := func(cand int64) string {
		token, hash := vivier.NewToken()
		if err := p.Store().CreateTrackingLink(ctx, cand, nil, hash); err != nil {
			t.Fatal(err)
		}
		return p.URL + "/suivi/" + token
	}
	confirm := func(space string) (*http.Response, string) {
		c := newClient(t)
		_, page := get(t, c, space)
		return postForm(t, c, space+"/regroupements/"+strconv.FormatInt(id, 10)+"/confirmation", url.Values{"_csrf": {csrfToken(t, page)}})
	}
	if resp, _ := confirm(link(x.CandidateID)); resp.StatusCode != 303 {
		t.Fatalf("first confirmation = %d", resp.StatusCode)
	}
	ySpace := link(y.CandidateID)
	resp, page := confirm(ySpace)
	if resp.StatusCode != 200 || !strings.Contains(page, "Vos candidatures sont regroupées") || !strings.Contains(page, "c•••••@exemple.fr") {
		t.Fatalf("second confirmation = %d", resp.StatusCode)
	}
	var owner int64
	if err := p.Store().DB().Get(&owner, `SELECT candidate_id FROM applications WHERE id = $1`, y.ID); err != nil {
		t.Fatal(err)
	}
	if owner != x.CandidateID {
		t.Error("confirmed from both addresses, the application did not move")
	}
	if resp, _ := get(t, newClient(t), ySpace); resp.StatusCode != 404 {
		t.Errorf("the merged-away address's link = %d", resp.StatusCode)
	}
}
