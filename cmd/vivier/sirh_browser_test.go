package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"vivier"
)

// An administrator reads the hiring fields of the move form, the export
// history and its settings, and asks for a batch again, with axe on each
// page.
func TestSIRHExportsInBrowser(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 2)
	adm := o.AdministrationID
	if _, err := p.Store().MoveApplication(ctx, adm, ids[0], vivier.Move{StageID: stepID(t, p, adm, "Recrutée")}, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	var hire int64
	if err := p.Store().DB().Get(&hire, `SELECT id FROM sirh_hires WHERE application_id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	b, err := p.Store().BatchHire(ctx, adm, hire)
	if err != nil {
		t.Fatal(err)
	}
	tab, console := browser(t)
	steps := signInActions(p, "admin@ville-demo.vivier.test",
		chromedp.Navigate(fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, ids[1])),
		chromedp.WaitVisible(`#start-app`))
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, tab, "move form with the hiring fields")
	if err := chromedp.Do(tab, chromedp.Navigate(p.URL+"/admin/ville-demo/exports"), chromedp.WaitVisible(`#exports-table`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, tab, "export history")
	if err := chromedp.Do(tab,
		chromedp.Click(fmt.Sprintf(`form[action$="/exports/%d/relivraison"] button`, b.ID)),
		chromedp.WaitVisible(`.fr-alert--success`),
	); err != nil {
		t.Fatal(err)
	}
	if got := read(t, tab, chromedp.Text(`main`)); !strings.Contains(got, fmt.Sprintf("Nouvelle livraison du lot n° %d demandée", b.ID)) {
		t.Errorf("after Relivrer: %q", got)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(p.URL+"/admin/ville-demo/exports/reglages"), chromedp.WaitVisible(`#webhook_url`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, tab, "export settings")
	// A webhook in http: the error is tied to its field.
	if err := chromedp.Do(tab,
		chromedp.Click(`label[for="destination-webhook"]`),
		chromedp.SendKeys(`#webhook_url`, "http://sirh.ville.test"),
		chromedp.Click(`//button[contains(., "Enregistrer les réglages")]`),
		chromedp.WaitVisible(`#webhook_url-error`),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, tab, "export settings with an error")
	noConsoleErrors(t, console)
}
