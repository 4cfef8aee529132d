package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"vivier"
)

// The apply form with the offer's documents, the space where a requested
// document is added, and the application's checklist with its request form:
// each passes axe with JavaScript and without, at a laptop's and a phone's
// size.
func TestDocumentsInBrowser(t *testing.T) {
	t.Parallel()
	ctx0 := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithDocuments(t, p)
	dir := t.TempDir()
	file := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	diploma, id, cv := file("diplome.pdf", pdfBytes(t, "", "Diplome d'Etat")), file("identite.png", pngBytes(t)), file("cv.pdf", pdfBytes(t, "", "CV"))
	fake := file("domicile.pdf", []byte("Simple texte renommé en PDF"))
	ctx, console := browser(t)
	scripts := func(on bool) {
		t.Helper()
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
			t.Fatal(err)
		}
	}
	do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	shots := func(name, at string) {
		t.Helper()
		for _, size := range [][2]int64{laptop, phone} {
			screenshot(t, ctx, size, name)
			if at != "" {
				do("scroll to "+at, chromedp.ScrollIntoView(at))
				screenshot(t, ctx, size, name+"-detail")
			}
		}
		do("laptop", chromedp.EmulateViewport(laptop[0], laptop[1]))
	}

	// The apply form: one field per document, checked in the browser, then
	// by the server, then without JavaScript.
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	do("form", chromedp.Navigate(formURL), chromedp.WaitVisible("#piece_2"))
	axeCheck(t, ctx, "apply form with documents")
	shots("apply", "#piece_0")
	fill := []chromedp.Action[chromedp.Void]{chromedp.SendKeys(`#first_name`, "Léa"), chromedp.SendKeys(`#last_name`, "Durand"),
		chromedp.SendKeys(`#email`, "lea@exemple.fr"), chromedp.SetUploadFiles(`#cv`, []string{cv}),
		chromedp.SetUploadFiles(`#piece_1`, []string{id}), chromedp.Click(`label[for="consent"]`)}
	do("fill", fill...)
	do("send without the diploma", chromedp.Click(`#candidature button[type=submit]`), chromedp.WaitVisible(`#erreurs-js`))
	if got := read(t, ctx, chromedp.Text(`#erreurs-js`)); !strings.Contains(got, "Joignez « Copie du diplôme » (PDF ou image (JPEG, PNG ou WebP)).") ||
		strings.Contains(got, "Pièce d'identité") {
		t.Errorf("the browser's summary: %q", got)
	}
	axeCheck(t, ctx, "apply form, a document missing, checked in the browser")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("candidature").submit();true`)); err != nil {
		t.Fatal(err)
	}
	do("the server's refusal", chromedp.WaitVisible(`#piece_0-error`))
	if got := read(t, ctx, chromedp.Text(`#piece_0-error`)); got != "Joignez « Copie du diplôme » (PDF ou image (JPEG, PNG ou WebP))." {
		t.Errorf("the server's message: %q", got)
	}
	axeCheck(t, ctx, "apply form, a document missing, refused by the server")
	shots("apply-refused", "#piece_0")
	scripts(false)
	do("form without JavaScript", chromedp.Navigate(formURL), chromedp.WaitVisible("#piece_2"))
	scripts(true)
	axeCheck(t, ctx, "apply form with documents, without JavaScript")
	do("fill again", fill...)
	do("send", chromedp.SetUploadFiles(`#piece_0`, []string{diploma}), chromedp.Click(`#candidature button[type=submit]`),
		chromedp.WaitVisible(`//h1[contains(., "Votre candidature est envoyée")]`))

	// A recruiter asks for a document; the candidate adds it from the space.
	var appID int64
	if err := p.Store().DB().Get(&appID, `SELECT id FROM applications`); err != nil {
		t.Fatal(err)
	}
	sum, err := p.Store().ApplicationSummaryByID(ctx0, appID)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().In(vivier.Paris()).AddDate(0, 0, 8).Format("2006-01-02")
	if err := p.Store().RequestDocuments(ctx0, sum.AdministrationID, appID, vivier.DocumentRequestForm{Labels: []string{"Justificatif de domicile [PDF]"},
		Deadline: deadline, Message: "Pour le dossier d'embauche."}, vivier.Actor{Email: "recruteur@ville-demo.vivier.test"}); err != nil {
		t.Fatal(err)
	}
	token, hash := vivier.NewToken()
	if err := p.Store().CreateTrackingLink(ctx0, sum.CandidateID, &appID, hash); err != nil {
		t.Fatal(err)
	}
	space := p.URL + "/suivi/" + token
	pieces := fmt.Sprintf("#pieces-%d", appID)
	do("space", chromedp.Navigate(space), chromedp.WaitVisible(pieces))
	axeCheck(t, ctx, "space with a document requested")
	shots("space", pieces)
	field := fmt.Sprintf("#piece-%d-3", appID)
	send := fmt.Sprintf(`//input[@id="%s"]/ancestor::form//button`, field[1:])
	do("a text file", chromedp.SetUploadFiles(field, []string{fake}), chromedp.Click(send),
		chromedp.WaitVisible(field+"-error"))
	axeCheck(t, ctx, "space, a document refused")
	shots("space-refused", field)
	scripts(false)
	do("space without JavaScript", chromedp.Navigate(space), chromedp.WaitVisible(pieces))
	scripts(true)
	axeCheck(t, ctx, "space with a document requested, without JavaScript")
	do("the document", chromedp.SetUploadFiles(field, []string{diploma}), chromedp.Click(send),
		chromedp.WaitVisible(`//p[contains(., "Votre pièce est envoyée")]`))

	// The recruiter's checklist, and the request form unfolded.
	appURL := fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, appID)
	do("sign in", signInActions(p, "recruteur@ville-demo.vivier.test")...)
	do("application", chromedp.Navigate(appURL), chromedp.WaitVisible(`#pieces`))
	if got := read(t, ctx, chromedp.Text(`#dossier-etat`)); !strings.EqualFold(got, "Dossier complet") {
		t.Errorf("checklist: %q", got)
	}
	do("open", chromedp.Click(`#pieces > details > summary`), chromedp.WaitVisible(`#checklist`),
		chromedp.Click(`//summary[contains(., "Demander des pièces")]`), chromedp.WaitVisible(`#ask-deadline`))
	if got := read(t, ctx, chromedp.Text(`#checklist`)); !strings.Contains(got, "Justificatif de domicile") || !strings.Contains(got, "diplome.pdf") {
		t.Errorf("checklist: %q", got)
	}
	axeCheck(t, ctx, "application checklist with the request form")
	shots("checklist", "#pieces")
	do("ask", chromedp.SendKeys(`#ask-other`, "Casier judiciaire [pfd]"), chromedp.Click(`//button[contains(., "Envoyer la demande")]`),
		chromedp.WaitVisible(`#ask-documents-error`))
	axeCheck(t, ctx, "request form refused")
	// The same error comes back: wait for the new page before clearing
	// the field, or the clearing is lost with the page being left.
	askSend := `//button[contains(., "Envoyer la demande")]`
	do("ask again", append(append([]chromedp.Action[chromedp.Void]{chromedp.Click(`label[for="ask-doc-0"]`)},
		reloading(askSend)...), chromedp.WaitVisible(`#ask-documents-error`))...)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("ask-other").value = "";true`)); err != nil {
		t.Fatal(err)
	}
	do("ask right", chromedp.Click(askSend),
		chromedp.WaitVisible(`//td[contains(., "En retard") or contains(., "Manquante")]`))
	if got := read(t, ctx, chromedp.Text(`#dossier-etat`)); !strings.EqualFold(got, "Dossier incomplet") {
		t.Errorf("after the request: %q", got)
	}
	shots("checklist-asked", "#pieces")
	scripts(false)
	do("application without JavaScript", chromedp.Navigate(appURL), chromedp.WaitVisible(`#pieces`))
	scripts(true)
	axeCheck(t, ctx, "application checklist without JavaScript")
	screenshot(t, ctx, phone, "checklist-nojs")
	noConsoleErrors(t, console)
}
