package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A candidate applies with a CV and an answer, gets the email, opens the
// link, sees the application received, withdraws it, sees it withdrawn; then
// asks for a link for an unknown and a known address and gets the same page.
func TestApplyInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil)
	o := openOfferWithQuestion(t, p)
	cvPath := filepath.Join(t.TempDir(), "mon-cv.pdf")
	if err := os.WriteFile(cvPath, pdfBytes(t, "", "Camille Martin, jardiniere"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, console := browser(t)
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	if err := chromedp.Do(ctx, chromedp.Navigate(formURL), chromedp.WaitVisible("footer")); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "apply form")
	// Sent empty: every error listed, the summary first; in the page by the
	// script, then by the server when the script does not run.
	for _, tc := range []struct{ label, submit, summary string }{
		{"checked in the browser", `document.querySelector("#candidature button[type=submit]").click()`, `#erreurs-js`},
		{"checked by the server", `document.getElementById("candidature").submit()`, `#erreurs`},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(formURL), chromedp.WaitVisible("footer")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](tc.submit+";true")); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible(tc.summary)); err != nil {
			t.Fatalf("%s: %v", tc.label, err)
		}
		summary := read(t, ctx, chromedp.Text(tc.summary))
		for _, want := range []string{"Saisissez votre prénom", "Joignez votre CV", "permis B", "Acceptez le traitement"} {
			if !strings.Contains(summary, want) {
				t.Errorf("%s: the error summary lacks %q: %q", tc.label, want, summary)
			}
		}
		axeCheck(t, ctx, "apply form with errors "+tc.label)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(`#first_name`, "Camille"),
		chromedp.SendKeys(`#last_name`, "Martin"),
		chromedp.SendKeys(`#email`, "camille@exemple.fr"),
		chromedp.SetUploadFiles(`#cv`, []string{cvPath}),
		chromedp.Click(`label[for="q_permis-0"]`),
		chromedp.Click(`label[for="consent"]`),
		chromedp.Click(`#candidature button[type=submit]`),
		chromedp.WaitVisible(`//h1[contains(., "Votre candidature est envoyée")]`),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "apply confirmation")
	var link string
	for _, m := range p.SMTP.Wait(t, 3, 15*time.Second) {
		if m.To[0] == "camille@exemple.fr" {
			link = trackRE.FindString(m.Text)
		}
	}
	if link == "" {
		t.Fatal("no link emailed")
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+link), chromedp.WaitVisible(`.fr-badge`)); err != nil {
		t.Fatal(err)
	}
	if badge := read(t, ctx, chromedp.Text(`.fr-badge`)); strings.ToLower(badge) != "reçue" {
		t.Fatalf("status %q", badge)
	}
	axeCheck(t, ctx, "candidate space")
	if err := chromedp.Do(ctx,
		chromedp.Click(`//summary[contains(., "Retirer ma candidature")]`),
		chromedp.SendKeys(`textarea[name=reason]`, "J'ai trouvé un poste."),
		chromedp.Click(`//button[contains(., "Retirer cette candidature")]`),
		chromedp.WaitVisible(`//p[contains(., "Votre candidature est retirée")]`),
	); err != nil {
		t.Fatal(err)
	}
	if badge := read(t, ctx, chromedp.Text(`.fr-badge`)); strings.ToLower(badge) != "retirée" {
		t.Fatalf("status after withdrawal %q", badge)
	}
	var pages []string
	for _, email := range []string{"personne@exemple.fr", "camille@exemple.fr"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/suivi"), chromedp.WaitVisible(`#email`)); err != nil {
			t.Fatal(err)
		}
		if email == "personne@exemple.fr" {
			axeCheck(t, ctx, "/suivi")
		}
		if err := chromedp.Do(ctx, chromedp.SendKeys(`#email`, email), chromedp.Click(`main form button`),
			chromedp.WaitVisible(`.fr-alert--success`)); err != nil {
			t.Fatal(err)
		}
		text := read(t, ctx, chromedp.Text(`main`))
		pages = append(pages, text)
	}
	if pages[0] != pages[1] || !strings.Contains(pages[0], "Si des candidatures existent pour cette adresse") {
		t.Fatalf("the two answers differ:\n%s\n---\n%s", pages[0], pages[1])
	}
	noConsoleErrors(t, console)
}
