package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An administrator turns the anonymised screening on from the offer's list;
// the application view then shows the pseudonym, the redacted CV and the
// reveal form, free of axe violations.
func TestAnonymisedViewInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	anonApply(t, p, o, "Clémentine", "Vauquelin", "c.vauquelin@exemple.fr", "06 47 21 93 58",
		identityPDF(t, "CV"), identityPDF(t, "Lettre de motivation"))
	var appID int64
	if err := p.Store().DB().Get(&appID, `SELECT id FROM applications WHERE last_name = 'Vauquelin'`); err != nil {
		t.Fatal(err)
	}
	ctx, console := browser(t)
	list := fmt.Sprintf("%s/admin/ville-demo/offres/%d/candidatures", p.URL, o.ID)
	actions := signInActions(p, "admin@ville-demo.vivier.test",
		chromedp.Navigate(list),
		chromedp.WaitVisible(`#anonymous-until`),
		chromedp.SetValue(`#anonymous-until`, fmt.Sprint(stepID(t, p, adminID(t, p, "ville-demo"), "Entretien RH"))),
		chromedp.Click(`//section[@id="preselection-anonyme"]//button[contains(., "Enregistrer")]`),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "présélection anonyme est activée")]`),
	)
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "offer list with the anonymised screening")
	screenshot(t, ctx, laptop, "anonymous-list")
	if got := read(t, ctx, chromedp.Text(`main`)); strings.Contains(got, "Vauquelin") || !strings.Contains(got, "Candidat·e 1") {
		t.Errorf("the list: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, appID)),
		chromedp.WaitVisible(`#anonymat`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "anonymised application view")
	screenshot(t, ctx, laptop, "anonymous-application")
	screenshot(t, ctx, phone, "anonymous-application")
	got := read(t, ctx, chromedp.Text(`main`))
	for _, leak := range []string{"Vauquelin", "Clémentine", "Clementine", "vauquelin@", "47 21 93 58", "Tilleuls"} {
		if strings.Contains(got, leak) {
			t.Errorf("the view shows %q", leak)
		}
	}
	if !strings.Contains(got, "Candidat·e 1") {
		t.Errorf("no pseudonym: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`//summary[contains(., "Lever l'anonymat")]`), chromedp.WaitVisible(`#reveal-reason`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "anonymised application view with the reveal form")
	screenshot(t, ctx, laptop, "anonymous-reveal")
	noConsoleErrors(t, console)
}
