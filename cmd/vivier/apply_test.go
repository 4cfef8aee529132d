package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"vivier"
)

// openOfferWithQuestion publishes an offer of ville-demo that asks for a CV
// and one question.
func openOfferWithQuestion(t testing.TB, p *program) *vivier.Offer {
	t.Helper()
	ctx := context.Background()
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "APPLY-1", Versant: adm.Versant, Title: "Jardinier·ère des parcs",
		Mission: "Entretenir les parcs de la ville.", CVPolicy: "required",
		Questions: vivier.JSONB[[]vivier.Question]{V: []vivier.Question{{ID: "permis", Label: "Avez-vous le permis B ?", Kind: "yesno", Required: true}}}}
	if err := p.Store().CreateOffer(ctx, adm.ID, o, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	o, err = p.Store().OfferByID(ctx, adm.ID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func pdfBytes(t testing.TB, js string, text string) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	if js != "" {
		f.SetJavascript(js)
	}
	f.AddPage()
	f.SetFont("Helvetica", "", 12)
	f.Cell(0, 10, text)
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// postApplication sends a form with files, as a browser does.
func postApplication(t *testing.T, c *http.Client, u string, fields map[string]string, files map[string][]byte) (*http.Response, string) {
	t.Helper()
	return sendMultipart(t, c, u, nil, fields, files, func(string) string { return "cv.pdf" })
}

var idemRE = regexp.MustCompile(`name="idempotency_key" value="([^"]+)"`)

func applyFields(t *testing.T, page, email string) map[string]string {
	t.Helper()
	m := idemRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no idempotency key in the form")
	}
	return map[string]string{"_csrf": csrfToken(t, page), "idempotency_key": m[1], "first_name": "Camille", "last_name": "Martin",
		"email": email, "phone": "06 12 34 56 78", "q_permis": "oui", "consent": "oui", "source": "linkedin"}
}

// applyAs opens the offer's form as c and sends it for email, with cv.
func applyAs(t *testing.T, c *http.Client, p *program, o *vivier.Offer, email string, cv []byte) (*http.Response, string) {
	t.Helper()
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	_, page := get(t, c, formURL)
	return postApplication(t, c, formURL, applyFields(t, page, email), map[string][]byte{"cv": cv})
}

func countRows(t *testing.T, p *program, table string) int {
	t.Helper()
	return count(t, p, `SELECT count(*) FROM `+table)
}

var trackRE = regexp.MustCompile(`/suivi/[A-Za-z0-9_-]{43}`)

func TestApplyAndTrack(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil)
	o := openOfferWithQuestion(t, p)
	c := newClient(t)
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	_, page := get(t, c, formURL)
	fields := applyFields(t, page, "camille@exemple.fr")
	cv := pdfBytes(t, "", "Camille Martin - jardiniere")
	// Sent twice (a double click, a retried POST): one application.
	for i := 0; i < 2; i++ {
		resp, body := postApplication(t, c, formURL, fields, map[string][]byte{"cv": cv})
		if resp.StatusCode != 303 || resp.Header.Get("Location") != "/offres/"+itoa(o.ID)+"/postuler/envoyee" {
			t.Fatalf("apply #%d = %d %s", i, resp.StatusCode, body)
		}
	}
	if n := countRows(t, p, "applications"); n != 1 {
		t.Fatalf("%d applications", n)
	}
	if resp, body := get(t, c, p.URL+"/offres/"+itoa(o.ID)+"/postuler/envoyee"); resp.StatusCode != 200 || !strings.Contains(body, "Votre candidature est envoyée") {
		t.Fatalf("sent page = %d", resp.StatusCode)
	}
	// The same address from a new form: the same answer as a first
	// application (identity_test.go), nothing recorded.
	resp, _ := applyAs(t, c, p, o, "camille@exemple.fr", cv)
	if resp.StatusCode != 303 || countRows(t, p, "applications") != 1 {
		t.Fatalf("second application = %d", resp.StatusCode)
	}
	// Four emails: the receipt, the admin's and the recruiter's notices, and
	// the "already applied" notice, in any order.
	link := trackRE.FindString(mailTo(t, p.SMTP, "camille@exemple.fr", "bien reçue").Text)
	if link == "" {
		t.Fatal("no tracking link emailed")
	}
	resp, body := get(t, c, p.URL+link)
	if resp.StatusCode != 200 || !strings.Contains(body, "Jardinier·ère des parcs") || !strings.Contains(body, ">reçue</p>") ||
		resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("space = %d %v", resp.StatusCode, resp.Header)
	}
	appID := regexp.MustCompile(`/candidatures/(\d+)/retrait`).FindStringSubmatch(body)[1]
	resp, _ = postForm(t, c, p.URL+link+"/candidatures/"+appID+"/retrait", map[string][]string{"_csrf": {csrfToken(t, body)}, "reason": {"Poste trouvé"}})
	if resp.StatusCode != 303 {
		t.Fatalf("withdraw = %d", resp.StatusCode)
	}
	if _, body = get(t, c, p.URL+link+"?fait=retrait"); !strings.Contains(body, ">retirée</p>") || !strings.Contains(body, "Votre candidature est retirée") {
		t.Fatal("not shown as withdrawn")
	}
	// The data export has the JSON and the CV: a button, since taking a
	// copy tells the candidate by email.
	resp, zipped := postForm(t, c, p.URL+link+"/mes-donnees.zip", map[string][]string{"_csrf": {csrfToken(t, body)}})
	if resp.StatusCode != 200 || !strings.HasPrefix(zipped, "PK") || !strings.Contains(zipped, "mes-donnees.json") || !strings.Contains(zipped, "-cv-cv.pdf") {
		t.Fatalf("export = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Erasure: the link dies, the name is gone.
	_, body = get(t, c, p.URL+link)
	if resp, _ := postForm(t, c, p.URL+link+"/suppression", map[string][]string{"_csrf": {csrfToken(t, body)}, "confirm": {"oui"}}); resp.StatusCode != 200 {
		t.Fatalf("erase = %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, p.URL+link); resp.StatusCode != 404 {
		t.Fatalf("the link after erasure = %d", resp.StatusCode)
	}
	var n int
	if err := p.Store().DB().Get(&n, `SELECT (SELECT count(*) FROM applications WHERE first_name = 'Camille') + (SELECT count(*) FROM candidates WHERE email IS NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("the candidate is still there")
	}
}

func TestApplyRefusesBadFiles(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	c := newClient(t)
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	big := append(pdfBytes(t, "", "CV"), bytes.Repeat([]byte{'%'}, 30<<20)...)
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"text", "n&#39;est pas un PDF", []byte("Bonjour, voici mon CV en texte.")},
		{"big", "dépasse la taille autorisée (10 Mo)", big},
		{"script", "contient du JavaScript", pdfBytes(t, "app.alert(1)", "CV")},
		{"empty", "est vide", []byte{}},
	} {
		_, page := get(t, c, formURL)
		fields := applyFields(t, page, tc.name+"@exemple.fr")
		resp, body := postApplication(t, c, formURL, fields, map[string][]byte{"cv": tc.data})
		if resp.StatusCode != 422 || !strings.Contains(body, tc.want) || !strings.Contains(body, `value="Camille"`) ||
			!strings.Contains(body, `value="`+tc.name+`@exemple.fr"`) || !strings.Contains(body, `id="cv-error"`) {
			t.Errorf("%s: %d, want 422 with %q and the form kept", tc.name, resp.StatusCode, tc.want)
		}
	}
	if n := countRows(t, p, "applications") + countRows(t, p, "application_files") + countRows(t, p, "candidates"); n != 0 {
		t.Fatalf("%d rows stored", n)
	}
	entries, err := os.ReadDir(strings.TrimPrefix(p.Config.FilesURL, "file://"))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Fatalf("files stored: %v", entries)
	}
}

func TestTrackingLinkRequestTellsNothing(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	c := newClient(t)
	if resp, _ := applyAs(t, c, p, o, "connue@exemple.fr", pdfBytes(t, "", "CV")); resp.StatusCode != 303 {
		t.Fatalf("apply = %d", resp.StatusCode)
	}
	var bodies []string
	for _, email := range []string{"inconnue@exemple.fr", "connue@exemple.fr"} {
		_, page := get(t, c, p.URL+"/suivi")
		resp, body := postForm(t, c, p.URL+"/suivi", map[string][]string{"_csrf": {csrfToken(t, page)}, "email": {email}})
		if resp.StatusCode != 200 || !strings.Contains(body, "Si des candidatures existent pour cette adresse") {
			t.Fatalf("%s: %d", email, resp.StatusCode)
		}
		bodies = append(bodies, csrfRE.ReplaceAllString(regexp.MustCompile(`nonce="[^"]*"|data-request-id="[^"]*"`).ReplaceAllString(body, ""), ""))
	}
	if bodies[0] != bodies[1] {
		t.Fatal("the answer differs for a known and an unknown address")
	}
	if resp, _ := get(t, c, p.URL+"/suivi/"+strings.Repeat("x", 43)); resp.StatusCode != 404 {
		t.Fatalf("a guessed link = %d", resp.StatusCode)
	}
}

func TestCandidateFilesStayInTheirAdministration(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	visitor := newClient(t)
	// A spontaneous application, with a CV, to ville-demo.
	formURL := p.URL + "/employeurs/ville-demo/candidature-spontanee"
	_, page := get(t, visitor, formURL)
	fields := applyFields(t, page, "spontane@exemple.fr")
	fields["domaine"] = "NUM"
	cv := pdfBytes(t, "", "Candidature spontanee")
	if resp, body := postApplication(t, visitor, formURL, fields, map[string][]byte{"cv": cv}); resp.StatusCode != 303 {
		t.Fatalf("spontaneous = %d %s", resp.StatusCode, body)
	}
	var appID, fileID int64
	if err := p.Store().DB().QueryRow(`SELECT a.id, f.id FROM applications a JOIN application_files f ON f.application_id = a.id`).Scan(&appID, &fileID); err != nil {
		t.Fatal(err)
	}
	fileURL := "/candidatures/" + itoa(appID) + "/fichiers/" + itoa(fileID)
	rec := newClient(t)
	if s, _ := signInForm(t, p, rec, "recruteur@ville-demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	if _, body := get(t, rec, p.URL+"/admin/ville-demo/candidatures?type=spontanees"); !strings.Contains(body, "Camille Martin") {
		t.Fatal("not in the spontaneous list")
	}
	resp, body := get(t, rec, p.URL+"/admin/ville-demo"+fileURL)
	if resp.StatusCode != 200 || body != string(cv) || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
		resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download = %d %v", resp.StatusCode, resp.Header)
	}
	// Another administration's agent, by its own slug or by ville-demo's, and
	// a guessed URL: not found. No session: sent to sign in.
	other := newClient(t)
	if s, _ := signInForm(t, p, other, "admin@ministere-demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	for _, u := range []string{"/admin/ministere-demo" + fileURL, "/admin/ville-demo" + fileURL, "/admin/ministere-demo/candidatures/" + itoa(appID)} {
		if resp, _ := get(t, other, p.URL+u); resp.StatusCode != 404 {
			t.Errorf("%s by another administration = %d", u, resp.StatusCode)
		}
	}
	if resp, _ := get(t, rec, p.URL+"/admin/ville-demo/candidatures/"+itoa(appID)+"/fichiers/"+itoa(fileID+1)); resp.StatusCode != 404 {
		t.Errorf("a guessed file = %d", resp.StatusCode)
	}
	if resp, _ := get(t, visitor, p.URL+"/admin/ville-demo"+fileURL); resp.StatusCode != 303 {
		t.Errorf("without a session = %d", resp.StatusCode)
	}
	// Attached to an offer by the recruiter.
	_, body = get(t, rec, p.URL+"/admin/ville-demo/candidatures/"+itoa(appID))
	if resp, _ := postForm(t, rec, p.URL+"/admin/ville-demo/candidatures/"+itoa(appID)+"/offre",
		map[string][]string{"_csrf": {csrfToken(t, body)}, "offer": {itoa(o.ID)}}); resp.StatusCode != 303 {
		t.Fatalf("attach = %d", resp.StatusCode)
	}
	if _, body := get(t, rec, p.URL+"/admin/ville-demo/candidatures/"+itoa(appID)); !strings.Contains(body, "Jardinier·ère des parcs") {
		t.Fatal("not attached")
	}
}

// The administration sets the response time it promises; candidates see it.
func TestPromisedResponseTime(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	admin := newClient(t)
	if s, _ := signInForm(t, p, admin, "admin@ville-demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	_, page := get(t, admin, p.URL+"/admin/ville-demo/administration")
	if resp, body := postForm(t, admin, p.URL+"/admin/ville-demo/administration/delai", map[string][]string{"_csrf": {csrfToken(t, page)}, "response_days": {"0"}}); resp.StatusCode != 422 || !strings.Contains(body, "de 1 à 180") {
		t.Fatalf("0 days = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, admin, p.URL+"/admin/ville-demo/administration/delai", map[string][]string{"_csrf": {csrfToken(t, page)}, "response_days": {"10"}}); resp.StatusCode != 303 {
		t.Fatalf("10 days = %d", resp.StatusCode)
	}
	o := openOfferWithQuestion(t, p)
	app, _, err := p.Store().Apply(context.Background(), func() *vivier.Submission {
		s := &vivier.Submission{FirstName: "Léa", LastName: "Roux", Email: "lea@exemple.fr", Consent: true, IdempotencyKey: "6f1c2b8e-1d2a-4c53-9d0e-3b8c2f6a7e10",
			Answers: map[string]string{"permis": "non"}, CV: nil}
		o.CVPolicy = "optional"
		if err := s.Validate(o); err != nil {
			t.Fatal(err)
		}
		return s
	}(), o, p.files)
	if err != nil {
		t.Fatal(err)
	}
	apps, err := p.Store().CandidateApplications(context.Background(), app.CandidateID)
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 1 || apps[0].ResponseDays != 10 || !apps[0].AnswerDue().Equal(apps[0].CreatedAt.AddDate(0, 0, 10)) {
		t.Fatalf("apps = %+v", apps)
	}
}
