package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"vivier"
)

// openOfferWithDocuments publishes an offer of ville-demo that asks for two
// documents and an optional third, and no CV.
func openOfferWithDocuments(t testing.TB, p *program) *vivier.Offer {
	t.Helper()
	ctx := context.Background()
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "DOCS-1", Versant: adm.Versant, Title: "Auxiliaire de puériculture",
		Mission: "Accueillir les enfants de la crèche.", CVPolicy: "optional", LetterPolicy: "optional",
		Criteria: vivier.JSONB[vivier.Criteria]{V: vivier.Criteria{RequiredDocuments: []string{
			"Copie du diplôme", "Pièce d'identité [PDF, image]", "Permis de conduire (facultatif) [image]"}}}}
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

// pngBytes is a small opaque picture, as a phone's photo of a document.
func pngBytes(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 60, 40))
	for x := range 60 {
		for y := range 40 {
			img.Set(x, y, color.RGBA{uint8(4 * x), uint8(6 * y), 145, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// renamedExe is a Windows program renamed as a PDF.
var renamedExe = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), []byte("This program cannot be run in DOS mode.")...)

func pieceName(field string) string {
	return map[string]string{"cv": "cv.pdf", "piece_0": "diplome.pdf", "piece_1": "identite.png", "piece_2": "permis.png", "piece": "domicile.pdf"}[field]
}

// linksTo says whether a list's page links to the application.
func linksTo(page string, appID int64) bool {
	return regexp.MustCompile(fmt.Sprintf(`/candidatures/%d[?"#]`, appID)).MatchString(page)
}

func TestRequiredDocumentsCheckedAndCompletedLater(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "dev", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithDocuments(t, p)
	c := newClient(t)
	// The offer's page lists the documents with their formats.
	if _, page := get(t, c, p.URL+"/offres/"+itoa(o.ID)); !strings.Contains(page, `<li>Permis de conduire (facultatif) <span class="fr-hint-text">image (JPEG, PNG ou WebP)</span></li>`) {
		t.Error("the offer's page does not list the documents")
	}
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	_, page := get(t, c, formURL)
	for _, want := range []string{`for="piece_0">Copie du diplôme`, "Pièce demandée par l'offre&nbsp;: PDF ou image (JPEG, PNG ou WebP)",
		`for="piece_2">Permis de conduire (facultatif)`, `name="piece_1" accept=".pdf,application/pdf,image/jpeg,image/png,image/webp" required`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the form lacks %q:\n%s", want, page[strings.Index(page, "docs-legend"):strings.Index(page, "plus-legend")])
		}
	}
	fields := applyFields(t, page, "lea@exemple.fr")
	fields["first_name"] = "Léa"
	// Without the diploma: refused with the diploma's own message, on its
	// own field, the form refilled.
	resp, body := sendMultipart(t, c, formURL, nil, fields, map[string][]byte{"piece_1": pngBytes(t)}, pieceName)
	if resp.StatusCode != 422 || !strings.Contains(body, `<p class="fr-error-text" id="piece_0-error">Joignez « Copie du diplôme » (PDF ou image (JPEG, PNG ou WebP)).</p>`) ||
		strings.Contains(body, "piece_1-error") || strings.Contains(body, "piece_2-error") || !strings.Contains(body, `value="Léa"`) ||
		!strings.Contains(body, `<a href="#piece_0">`) {
		t.Fatalf("without the diploma = %d", resp.StatusCode)
	}
	// A renamed program is refused by its content.
	resp, body = sendMultipart(t, c, formURL, nil, fields, map[string][]byte{"piece_0": renamedExe, "piece_1": pngBytes(t)}, pieceName)
	if resp.StatusCode != 422 || !strings.Contains(body, "Le fichier « diplome.pdf » n&#39;est pas accepté pour « Copie du diplôme »") {
		t.Fatalf("renamed program = %d", resp.StatusCode)
	}
	if n := countRows(t, p, "applications"); n != 0 {
		t.Fatalf("%d applications after refusals", n)
	}
	resp, body = sendMultipart(t, c, formURL, nil, fields, map[string][]byte{"piece_0": pdfBytes(t, "", "Diplome d'Etat"), "piece_1": pngBytes(t),
		"cv": pdfBytes(t, "", "Lea - auxiliaire")}, pieceName)
	if resp.StatusCode != 303 {
		t.Fatalf("apply = %d %s", resp.StatusCode, body)
	}
	var appID int64
	if err := p.Store().DB().Get(&appID, `SELECT id FROM applications`); err != nil {
		t.Fatal(err)
	}
	var pieces []string
	if err := p.Store().DB().Select(&pieces, `SELECT label || ' ' || content_type FROM application_files WHERE kind = 'piece' ORDER BY label`); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(pieces) != "[Copie du diplôme application/pdf Pièce d'identité image/jpeg]" {
		t.Fatalf("pieces: %q", pieces)
	}

	// The recruiter sees a complete file, and asks for another document.
	rc, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	appURL := fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, appID)
	_, page = get(t, rc, appURL)
	if !strings.Contains(page, `id="dossier-etat">Dossier complet`) || !strings.Contains(page, "Demander des pièces") {
		t.Fatal("the checklist is not complete")
	}
	lists := []string{p.URL + "/admin/ville-demo/candidatures?dossier=incomplet",
		fmt.Sprintf("%s/admin/ville-demo/offres/%d/candidatures?dossier=incomplet", p.URL, o.ID),
		fmt.Sprintf("%s/admin/ville-demo/offres/%d/tableau?dossier=incomplet", p.URL, o.ID)}
	for _, u := range lists {
		if resp, page := get(t, rc, u); resp.StatusCode != 200 || linksTo(page, appID) {
			t.Fatalf("%s = %d, lists the complete application", u, resp.StatusCode)
		}
	}
	deadline := time.Now().In(vivier.Paris()).AddDate(0, 0, 8).Format("2006-01-02")
	ask := url.Values{"_csrf": {token}, "other": {"Justificatif de domicile [PDF]"}, "deadline": {"2020-01-01"}, "message": {"Pour le dossier d'embauche."}}
	if resp, page := postForm(t, rc, appURL+"/pieces", ask); resp.StatusCode != 422 || !strings.Contains(page, "La date limite tombe entre demain et dans un an.") ||
		!strings.Contains(page, "Justificatif de domicile [PDF]</textarea>") {
		t.Fatalf("past deadline = %d", resp.StatusCode)
	}
	// Another administration's agent can neither ask nor see.
	mc, mtoken := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	foreign := url.Values{"_csrf": {mtoken}, "other": {"Casier judiciaire"}, "deadline": {deadline}}
	for _, u := range []string{fmt.Sprintf("%s/admin/ministere-demo/candidatures/%d/pieces", p.URL, appID), appURL + "/pieces"} {
		if resp, _ := postForm(t, mc, u, foreign); resp.StatusCode != 404 && resp.StatusCode != 403 {
			t.Errorf("ministere-demo asks through %s = %d", u, resp.StatusCode)
		}
	}
	if resp, page := get(t, mc, fmt.Sprintf("%s/admin/ministere-demo/candidatures/%d", p.URL, appID)); resp.StatusCode != 404 || strings.Contains(page, "Léa") {
		t.Errorf("ministere-demo sees the application = %d", resp.StatusCode)
	}
	if n := countRows(t, p, "document_requests"); n != 0 {
		t.Fatalf("%d requests after refusals", n)
	}
	ask.Set("deadline", deadline)
	if resp, _ := postForm(t, rc, appURL+"/pieces", ask); resp.StatusCode != 303 {
		t.Fatalf("ask = %d", resp.StatusCode)
	}
	_, page = get(t, rc, appURL)
	if !strings.Contains(page, `id="dossier-etat">Dossier incomplet`) || !strings.Contains(page, "Justificatif de domicile</th>") ||
		!strings.Contains(page, "Manquante") {
		t.Fatal("the checklist does not show the request")
	}
	for _, u := range lists {
		if resp, page := get(t, rc, u); resp.StatusCode != 200 || !linksTo(page, appID) {
			t.Fatalf("%s = %d, does not list the incomplete application", u, resp.StatusCode)
		}
	}
	if _, page := get(t, rc, lists[2]); !strings.Contains(page, "pièce manquante ou demandée") {
		t.Error("the board's card does not say what is missing")
	}

	// The candidate adds it from the space the email links to.
	link := trackRE.FindString(mailTo(t, p.SMTP, "lea@exemple.fr", "vous demande des pièces").Text)
	if link == "" {
		t.Fatal("no link in the request's email")
	}
	cand := newClient(t)
	_, space := get(t, cand, p.URL+link)
	if !strings.Contains(space, "Justificatif de domicile") || !strings.Contains(space, "Pour le dossier d&#39;embauche.") {
		t.Fatal("the space does not show the request")
	}
	m := regexp.MustCompile(`action="(/suivi/[^"]+/pieces)"[^>]*>\s*<input type="hidden" name="_csrf" value="([^"]+)">\s*<input type="hidden" name="document" value="(\d+)">\s*<div class="fr-upload-group">\s*<label class="fr-label" for="([^"]+)">Fichier pour «&nbsp;Justificatif`).FindStringSubmatch(space)
	if m == nil {
		t.Fatal("no upload form for the request")
	}
	upload := map[string]string{"_csrf": m[2], "document": m[3]}
	// Another candidate's link does not reach this application.
	other := otherCandidateSpace(t, p)
	if resp, _ := sendMultipart(t, cand, strings.Replace(p.URL+m[1], link, other, 1), nil, upload,
		map[string][]byte{"piece": pdfBytes(t, "", "Facture")}, pieceName); resp.StatusCode != 404 {
		t.Errorf("another candidate's link = %d", resp.StatusCode)
	}
	resp, body = sendMultipart(t, cand, p.URL+m[1], nil, upload, map[string][]byte{"piece": []byte("Simple texte renommé en PDF")}, pieceName)
	if resp.StatusCode != 422 || !strings.Contains(body, `id="`+m[4]+`-error">Le fichier « domicile.pdf » n&#39;est pas accepté pour « Justificatif de domicile » : son contenu n&#39;est pas au format attendu (PDF).`) {
		t.Fatalf("a text file = %d", resp.StatusCode)
	}
	if resp, _ = sendMultipart(t, cand, p.URL+m[1], nil, upload, map[string][]byte{"piece": pdfBytes(t, "", "Facture EDF")}, pieceName); resp.StatusCode != 303 {
		t.Fatalf("upload = %d", resp.StatusCode)
	}
	if n := count(t, p, `SELECT count(*) FROM application_files WHERE kind = 'piece' AND application_id = $1`, appID); n != 3 {
		t.Fatalf("%d pieces", n)
	}

	// The checklist turns complete; the filtered lists no longer show it.
	_, page = get(t, rc, appURL)
	if !strings.Contains(page, `id="dossier-etat">Dossier complet`) || !strings.Contains(page, "domicile.pdf<span class=\"fr-sr-only\"> (télécharger la pièce Justificatif de domicile)") ||
		!strings.Contains(page, "Pièce ajoutée : Justificatif de domicile") {
		t.Fatal("the checklist is not complete after the upload")
	}
	for _, u := range lists {
		if resp, page := get(t, rc, u); resp.StatusCode != 200 || linksTo(page, appID) {
			t.Fatalf("%s = %d, lists the completed application", u, resp.StatusCode)
		}
	}
	var audited int
	if err := p.Store().DB().GetContext(ctx, &audited, `SELECT count(*) FROM audit_log WHERE action = 'application.documents_requested'`); err != nil {
		t.Fatal(err)
	}
	if audited != 1 {
		t.Errorf("%d audit entries", audited)
	}
}

// otherCandidateSpace is the space of another candidate of ville-demo.
func otherCandidateSpace(t *testing.T, p *program) string {
	t.Helper()
	ctx := context.Background()
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 1)
	sum, err := p.Store().ApplicationSummaryByID(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	tok, hash := vivier.NewToken()
	if err := p.Store().CreateTrackingLink(ctx, sum.CandidateID, nil, hash); err != nil {
		t.Fatal(err)
	}
	return "/suivi/" + tok
}
