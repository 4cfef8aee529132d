package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A recruiter opens an offer's list and board, moves one application with
// the keyboard, rejects several at once, and reads the application page.
func TestPipelineInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 6)
	base := fmt.Sprintf("%s/admin/ville-demo/offres/%d", p.URL, o.ID)
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, signInUntil(p, "recruteur@ville-demo.vivier.test", `footer`,
		chromedp.Navigate(base+"/candidatures"),
		chromedp.WaitVisible(`#pipeline-table`),
	)...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "pipeline list")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/tableau"), chromedp.WaitVisible(`.vivier-board`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "pipeline board")
	// By keyboard: the card's menu of steps.
	card := fmt.Sprint(ids[0])
	moveCardByKeys(t, ctx, ids[0], "Entretien RH")
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "1 candidature déplacée")]`),
	); err != nil {
		t.Fatal(err)
	}
	column := read(t, ctx, chromedp.Text(`section[aria-labelledby] li[data-card="`+card+`"]`))
	if !strings.Contains(column, "Prénom0") {
		t.Fatalf("moved card: %q", column)
	}
	if heading := read(t, ctx, chromedp.Evaluate[string](
		`document.querySelector('li[data-card="`+card+`"]').closest("section").querySelector("h2").textContent`)); !strings.Contains(heading, "Entretien RH") {
		t.Errorf("the card is in column %q", heading)
	}
	// Several rejected at once, with a reason and an email.
	reasons, err := p.Store().RefusalReasons(t.Context(), o.AdministrationID)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/candidatures"), chromedp.WaitVisible(`#pipeline-table`),
		chromedp.Focus(fmt.Sprintf(`#sel-%d`, ids[1])), chromedp.KeyEvent(" "),
		chromedp.Focus(fmt.Sprintf(`#sel-%d`, ids[2])), chromedp.KeyEvent(" "),
		chromedp.Focus(fmt.Sprintf(`#sel-%d`, ids[3])), chromedp.KeyEvent(" "),
		chromedp.SetValue(`#bulk-stage`, fmt.Sprint(stepID(t, p, o.AdministrationID, "Non retenue"))),
		chromedp.SetValue(`#bulk-reason`, fmt.Sprint(reasons[1].ID)),
		chromedp.Click(`//button[contains(., "Appliquer aux candidatures cochées")]`),
		// The email is read before it goes.
		chromedp.WaitVisible(`#email-preview`),
		chromedp.Click(`//button[contains(., "Refuser et envoyer 3 courriels")]`),
		// The preview page has an h1 too: wait for the outcome itself.
		chromedp.WaitVisible(`//*[contains(@class, "fr-alert") or contains(@class, "fr-error-text")]`),
	); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ctx, chromedp.Text(`main`)); !strings.Contains(got, "3 candidatures déplacées, 3 courriels mis en envoi") {
		t.Fatalf("after the bulk refusal: %q", got)
	}
	axeCheck(t, ctx, "pipeline list after a bulk refusal")
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, ids[1])),
		chromedp.WaitVisible(`//td[contains(., "Poste pourvu")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "application page")
	noConsoleErrors(t, console)
}
