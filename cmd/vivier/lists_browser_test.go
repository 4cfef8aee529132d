package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The offers list, the talent pool and the choice of an offer for a
// spontaneous application, as a recruiter of a ministry with directions
// sees them: each passes axe with JavaScript and without, at a laptop's
// and a phone's size, and the search works from the keyboard.
func TestListsInBrowser(t *testing.T) {
	t.Parallel()
	w := newListWorld(t)
	w.bulkOffers(t, w.ministry, "LST", "published", 60)
	drh := secondOffer(t, w.p, w.drh, "DRH-1", "Gestionnaire de paie de la DRH")
	applyTo(t, w.p, drh, "ines@exemple.fr", "Inès", "Moreau", true)
	for i := 1; i <= 55; i++ {
		w.poolPerson(t, w.ministry, fmt.Sprintf("p%03d@exemple.fr", i), "Prénom", fmt.Sprintf("Nom%03d", i))
	}
	app := spontaneousTo(t, w.p, w.ministry, "sam@exemple.fr", "Sam", "Spontané")
	base := w.p.URL + "/admin/ministere-demo"
	pages := []struct{ name, path, wait string }{
		{"offres", "/offres", "#offers-table"},
		{"vivier", "/vivier", "#pool-table"},
		{"rattachement", fmt.Sprintf("/candidatures/%d/offre", app.ID), "#choice-table"},
	}
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, signInActions(w.p, "recruteur@ministere-demo.vivier.test")...); err != nil {
		t.Fatal(err)
	}
	for _, pg := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+pg.path), chromedp.WaitVisible(pg.wait)); err != nil {
			t.Fatal(err)
		}
		axeCheck(t, ctx, pg.name)
		screenshot(t, ctx, laptop, pg.name)
		screenshot(t, ctx, phone, pg.name)
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(laptop[0], laptop[1])); err != nil {
			t.Fatal(err)
		}
	}
	// The search from the keyboard: type, Enter, the one offer.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/offres?page=2"), chromedp.WaitVisible(`#offers-q`),
		chromedp.SendKeys(`#offers-q`, "paie\r"),
		chromedp.WaitVisible(`//caption[contains(., "1 offre de")]`)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ctx, chromedp.Text(`#offers-table`)); !strings.Contains(got, "Gestionnaire de paie de la DRH") ||
		!strings.Contains(got, "DRH") {
		t.Errorf("search from the keyboard: %q", got)
	}
	// The pager from the keyboard: Tab to "Page suivante", Enter.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/vivier"), chromedp.WaitVisible(`#pool-table`),
		chromedp.Focus(`//a[contains(., "Page suivante")]`), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(`//caption[contains(., "page 2 sur 2")]`)); err != nil {
		t.Fatal(err)
	}
	noConsoleErrors(t, console)

	// Without JavaScript: each page loads with scripts off, as it was
	// rendered, then axe (a script) runs on what loaded.
	scripts := func(on bool) {
		t.Helper()
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
			t.Fatal(err)
		}
	}
	for _, pg := range pages {
		scripts(false)
		if err := chromedp.Do(ctx, chromedp.Navigate(base+pg.path), chromedp.WaitVisible(pg.wait)); err != nil {
			t.Fatal(err)
		}
		scripts(true)
		axeCheck(t, ctx, pg.name+" sans JavaScript")
	}
	scripts(false)
	// The choice posts without JavaScript too.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+fmt.Sprintf("/candidatures/%d/offre?q=LST-007", app.ID)),
		chromedp.WaitVisible(`#choice-table`),
		chromedp.Click(`//button[contains(., "Rattacher")]`),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "rattachée à l'offre")]`)); err != nil {
		t.Fatal(err)
	}
}
