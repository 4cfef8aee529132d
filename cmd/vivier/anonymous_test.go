package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"vivier"
)

// The identity of the applicant of the anonymised screening tests, and the
// forms it takes in pages, files and exports.
var anonNeedles = []string{"clémentine", "clementine", "vauquelin", "c.vauquelin@exemple.fr", "06 47 21 93 58", "0647219358",
	"647219358", "rue des tilleuls", "69003", "04/05/1990", "linkedin.com/in/cvauquelin"}

// identityPDF is a real PDF whose lines name its author, as a CV or a
// letter does.
func identityPDF(t testing.TB, title string) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.AddPage()
	f.SetFont("Helvetica", "", 11)
	for _, line := range []string{
		"Clementine VAUQUELIN - " + title,
		"27 rue des Tilleuls, 69003 Lyon",
		"c.vauquelin@exemple.fr - 06 47 21 93 58",
		"Nee le 04/05/1990 - https://linkedin.com/in/cvauquelin",
		"Jardiniere paysagiste depuis 2015 : taille des haies, massifs fleuris, arrosage raisonne.",
		"Vauquelin Clementine, permis B.",
	} {
		f.MultiCell(0, 6, line, "", "L", false)
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// leaks returns the needles a page holds, whatever their case.
func leaks(page string) []string {
	low := strings.ToLower(page)
	var found []string
	for _, n := range anonNeedles {
		if strings.Contains(low, n) {
			found = append(found, n)
		}
	}
	return found
}

// anonApply sends the identified application to o from the public form:
// names, email, phone, a CV and a letter that name the person too.
func anonApply(t *testing.T, p *program, o *vivier.Offer, first, last, email, phone string, cv, letter []byte) {
	t.Helper()
	c := newClient(t)
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	_, page := get(t, c, formURL)
	fields := applyFields(t, page, email)
	fields["first_name"], fields["last_name"], fields["phone"] = first, last, phone
	fields["civility"] = "madame"
	fields["letter_text"] = "Madame, Monsieur, je suis " + first + " " + last + ", joignable au " + phone + " ou à " + email + "."
	resp, body := sendMultipart(t, c, formURL, nil, fields, map[string][]byte{"cv": cv, "letter": letter},
		func(field string) string { return field + "_" + last + ".pdf" })
	if resp.StatusCode != 303 {
		t.Fatalf("apply = %d: %s", resp.StatusCode, body)
	}
}

func TestAnonymisedScreeningLeaksNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "dev", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	admBase := p.URL + "/admin/ville-demo"
	offerBase := fmt.Sprintf("%s/offres/%d", admBase, o.ID)
	rh := stepID(t, p, adm.ID, "Entretien RH")

	// The administration chooses the step, from the offer's list.
	ac, atoken := signInAs(t, p, "admin@ville-demo.vivier.test")
	if resp, _ := postForm(t, ac, offerBase+"/anonymat", url.Values{"_csrf": {atoken}, "anonymous_until": {strconv.FormatInt(rh, 10)}}); resp.StatusCode != 303 {
		t.Fatalf("anonymity on = %d", resp.StatusCode)
	}
	if _, page := get(t, ac, offerBase+"/candidatures"); !strings.Contains(page, "jusqu&#39;à l&#39;étape «&nbsp;Entretien RH&nbsp;»") &&
		!strings.Contains(page, "jusqu'à l'étape «&nbsp;Entretien RH&nbsp;»") {
		t.Fatalf("the list does not say the screening is anonymised: %s", page)
	}
	// A recruiter does not choose it.
	rc, rtoken := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	if resp, _ := postForm(t, rc, offerBase+"/anonymat", url.Values{"_csrf": {rtoken}, "anonymous_until": {""}}); resp.StatusCode != 403 {
		t.Errorf("a recruiter's change of the anonymity = %d", resp.StatusCode)
	}

	// Two applications: the one that names itself everywhere, and another.
	anonApply(t, p, o, "Clémentine", "Vauquelin", "c.vauquelin@exemple.fr", "06 47 21 93 58",
		identityPDF(t, "CV"), identityPDF(t, "Lettre de motivation"))
	anonApply(t, p, o, "Gaspard", "Ollivier", "g.ollivier@exemple.fr", "06 98 76 54 32", pdfBytes(t, "", "Gaspard Ollivier, CV"), pdfBytes(t, "", "Lettre"))
	var appID, otherID int64
	if err := p.Store().DB().Get(&appID, `SELECT id FROM applications WHERE last_name = 'Vauquelin'`); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().DB().Get(&otherID, `SELECT id FROM applications WHERE last_name = 'Ollivier'`); err != nil {
		t.Fatal(err)
	}
	var cvText string
	if err := p.Store().DB().Get(&cvText, `SELECT text FROM application_files WHERE application_id = $1 AND kind = 'cv'`, appID); err != nil ||
		!strings.Contains(cvText, "VAUQUELIN") {
		t.Fatalf("the CV's text was not extracted (%v): %q", err, cvText)
	}
	p.drained(t)
	// The recruiters' emails about the new applications name no one.
	recruiters := 0
	for _, m := range p.SMTP.Messages() {
		if m.To[0] == "c.vauquelin@exemple.fr" || m.To[0] == "g.ollivier@exemple.fr" {
			continue // the candidates' own receipts
		}
		recruiters++
		if l := leaks(m.Subject + m.Text + m.HTML); len(l) > 0 {
			t.Errorf("email %q to %s leaks %v", m.Subject, m.To[0], l)
		}
	}
	if recruiters == 0 {
		t.Error("no email told the recruiters of the new applications")
	}
	// The daily digest's list too.
	digest, err := p.Store().NewApplicationsBetween(ctx, adm.ID, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	if err != nil || len(digest) != 2 {
		t.Fatalf("digest = %d, %v", len(digest), err)
	}
	for _, r := range digest {
		if !strings.HasPrefix(r.FirstName, "Candidat·e ") || r.LastName != "" {
			t.Errorf("the digest names %s %s", r.FirstName, r.LastName)
		}
	}

	appURL := fmt.Sprintf("%s/candidatures/%d", admBase, appID)
	cvID := fileOf(t, p, appID)
	// A note that names the person, as a colleague who knows them would.
	if resp, _ := postForm(t, rc, appURL+"/notes", url.Values{"_csrf": {rtoken}, "body": {"Je connais Clémentine Vauquelin, joignable au 06 47 21 93 58."}}); resp.StatusCode != 303 {
		t.Fatalf("note = %d", resp.StatusCode)
	}
	// The preview of a bulk refusal shows the email of the first one.
	reasons, err := p.Store().RefusalReasons(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	resp, page := postForm(t, rc, offerBase+"/candidatures/lot", url.Values{"_csrf": {rtoken}, "ids": {itoa(appID)}, "notify": {"oui"},
		"stage": {strconv.FormatInt(stepID(t, p, adm.ID, "Non retenue"), 10)}, "reason": {strconv.FormatInt(reasons[0].ID, 10)}})
	if resp.StatusCode != 200 || !strings.Contains(page, "email-preview") {
		t.Errorf("bulk refusal preview = %d", resp.StatusCode)
	}
	if l := leaks(page); len(l) > 0 {
		t.Errorf("the bulk refusal's preview leaks %v", l)
	}
	pages := []string{admBase + "/candidatures", admBase + "/candidatures?q=Vauquelin", admBase + "/candidatures?q=c.vauquelin@exemple.fr",
		admBase + "/candidatures?q=0647219358", admBase + "/candidatures?tri=nom", offerBase + "/candidatures", offerBase + "/candidatures?q=Clémentine+Vauquelin",
		offerBase + "/candidatures?q=haies", offerBase + "/tableau", offerBase + "/tableau?q=vauquelin", appURL, admBase + "/statistiques",
		admBase + "/statistiques/export", admBase + "/vivier", admBase + "/vivier?q=Vauquelin", admBase + "/doublons", admBase + "/exports", admBase,
		admBase + "/notifications", offerBase + "/convocations", appURL + "/entretien"}
	lc, _ := signInAs(t, p, "lecteur@ville-demo.vivier.test")
	for _, who := range []struct {
		name   string
		c      *http.Client
		token  string
		export bool
	}{{"recruteur", rc, rtoken, true}, {"lecteur", lc, "", false}, {"admin", ac, atoken, true}} {
		opened := 0
		for _, u := range pages {
			resp, page := get(t, who.c, u)
			if resp.StatusCode == 403 || resp.StatusCode == 404 && !strings.Contains(u, "/candidatures") {
				continue // a page this role does not open
			}
			if resp.StatusCode != 200 {
				t.Errorf("%s: GET %s = %d", who.name, u, resp.StatusCode)
			}
			opened++
			// A search shows its words again: what it must not do is find
			// the masked application by them.
			if q, _ := url.Parse(u); q.Query().Get("q") != "" && q.Query().Get("q") != "haies" {
				if regexp.MustCompile(fmt.Sprintf(`/candidatures/%d\b`, appID)).MatchString(page) {
					t.Errorf("%s: GET %s finds the masked application", who.name, u)
				}
				for _, w := range strings.Fields(q.Query().Get("q")) {
					page = regexp.MustCompile(`(?i)`+regexp.QuoteMeta(w)).ReplaceAllString(page, "")
				}
			}
			if l := leaks(page); len(l) > 0 {
				t.Errorf("%s: GET %s leaks %v", who.name, u, l)
			}
		}
		if opened < 10 {
			t.Errorf("%s opened only %d pages", who.name, opened)
		}
		// The application view: the pseudonym, the redacted CV, no file.
		_, page := get(t, who.c, appURL)
		if !strings.Contains(page, "Candidat·e 1") || !strings.Contains(page, "Jardiniere paysagiste") || !strings.Contains(page, vivier.Retired) ||
			strings.Contains(page, "/fichiers/") || strings.Contains(page, "Civilité") {
			t.Errorf("%s: the masked view is not as expected: %s", who.name, page)
		}
		// A search by the name finds nothing; by a skill, the pseudonym.
		if _, page = get(t, who.c, offerBase+"/candidatures?q=Vauquelin"); !strings.Contains(page, "Aucune candidature ne correspond") {
			t.Errorf("%s: a search by the masked name found something", who.name)
		}
		if _, page = get(t, who.c, offerBase+"/candidatures?q=haies"); !strings.Contains(page, "Candidat·e 1") {
			t.Errorf("%s: a search by a skill does not show the pseudonym", who.name)
		}
		for _, u := range []string{appURL + "/fichiers/" + itoa(cvID), appURL + "/fichiers/" + itoa(cvID) + "/apercu"} {
			if resp, page := get(t, who.c, u); resp.StatusCode != 403 || !strings.Contains(page, "présélection anonyme") {
				t.Errorf("%s: GET %s = %d", who.name, u, resp.StatusCode)
			}
		}
		if who.export {
			form := url.Values{"_csrf": {who.token}, "ids": {itoa(appID), itoa(otherID)}}
			resp, csv := postForm(t, who.c, offerBase+"/candidatures/export", form)
			if resp.StatusCode != 200 || !strings.Contains(csv, "Candidat·e 1") || !strings.Contains(csv, "Candidat·e 2") {
				t.Errorf("%s: export = %d %q", who.name, resp.StatusCode, csv)
			}
			if l := leaks(csv); len(l) > 0 || strings.Contains(csv, "Ollivier") {
				t.Errorf("%s: the export leaks %v: %q", who.name, l, csv)
			}
		}
	}

	// Revealing: not for a recruiter; an administrator's needs a reason,
	// holds for them only, and goes to the audit log.
	if resp, _ := postForm(t, rc, appURL+"/levee-anonymat", url.Values{"_csrf": {rtoken}, "reason": {"curiosité"}}); resp.StatusCode != 403 {
		t.Errorf("a recruiter's reveal = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, ac, appURL+"/levee-anonymat", url.Values{"_csrf": {atoken}, "reason": {" "}}); resp.StatusCode != 422 {
		t.Errorf("a reveal without a reason = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, ac, appURL+"/levee-anonymat", url.Values{"_csrf": {atoken}, "reason": {"Conflit d'intérêts à vérifier"}}); resp.StatusCode != 303 {
		t.Fatalf("the administrator's reveal = %d", resp.StatusCode)
	}
	if _, page := get(t, ac, appURL); !strings.Contains(page, "Vauquelin") || !strings.Contains(page, "/fichiers/") {
		t.Errorf("the administrator does not see the revealed identity")
	}
	if _, page := get(t, rc, appURL); strings.Contains(page, "Vauquelin") {
		t.Errorf("the reveal holds for the recruiter too")
	}
	if n := count(t, p, `SELECT count(*) FROM audit_log WHERE action = 'application.identity_revealed' AND summary->>'motif' = 'Conflit d''intérêts à vérifier'`); n != 1 {
		t.Errorf("%d reveals in the audit log", n)
	}

	// Another administration learns nothing and changes nothing.
	mc, mtoken := signInAs(t, p, "admin@ministere-demo.vivier.test")
	for _, u := range []string{appURL, fmt.Sprintf("%s/admin/ministere-demo/candidatures/%d", p.URL, otherID)} {
		if resp, _ := get(t, mc, u); resp.StatusCode != 404 {
			t.Errorf("GET %s by another administration = %d", u, resp.StatusCode)
		}
	}
	for _, u := range []string{fmt.Sprintf("%s/admin/ministere-demo/candidatures/%d/levee-anonymat", p.URL, otherID),
		fmt.Sprintf("%s/admin/ministere-demo/offres/%d/anonymat", p.URL, o.ID)} {
		if resp, _ := postForm(t, mc, u, url.Values{"_csrf": {mtoken}, "reason": {"x"}}); resp.StatusCode != 404 {
			t.Errorf("POST %s by another administration = %d", u, resp.StatusCode)
		}
	}
	if n := count(t, p, `SELECT count(*) FROM identity_reveals`); n != 1 {
		t.Errorf("%d reveals", n)
	}

	// Past the step, the identity shows, and the files download.
	resp, _ = postForm(t, rc, appURL+"/etape", url.Values{"_csrf": {rtoken}, "stage": {strconv.FormatInt(rh, 10)}, "notify": {"non"}})
	if resp.StatusCode != 303 {
		t.Fatalf("move = %d", resp.StatusCode)
	}
	if _, page := get(t, rc, appURL); !strings.Contains(page, "Vauquelin") || !strings.Contains(page, "c.vauquelin@exemple.fr") {
		t.Errorf("the identity does not show past the step")
	}
	if _, page := get(t, rc, offerBase+"/candidatures"); !strings.Contains(page, "Vauquelin") || strings.Contains(page, "Ollivier") ||
		!strings.Contains(page, "Candidat·e 2") {
		t.Errorf("the list past the step: %s", page)
	}
	if resp, file := get(t, rc, appURL+"/fichiers/"+itoa(cvID)); resp.StatusCode != 200 || !strings.HasPrefix(file, "%PDF") {
		t.Errorf("download past the step = %d", resp.StatusCode)
	}
	// Turning the screening off shows everyone.
	if resp, _ := postForm(t, ac, offerBase+"/anonymat", url.Values{"_csrf": {atoken}, "anonymous_until": {""}}); resp.StatusCode != 303 {
		t.Fatalf("anonymity off = %d", resp.StatusCode)
	}
	if _, page := get(t, lc, offerBase+"/candidatures"); !strings.Contains(page, "Ollivier") {
		t.Errorf("the screening off still masks")
	}
}
