package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An administrator opens the steps editor, moves a step up with the
// keyboard, then the talent pool and the duplicates: each page passes axe.
func TestPoolPagesInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	applyTo(t, p, o, "ines@exemple.fr", "Inès", "Moreau", true)
	applyTo(t, p, o, "camille@exemple.fr", "Camille", "Martin", false)
	o2 := secondOffer(t, p, o.AdministrationID, "CONC-B", "Concours d'agent de maîtrise")
	applyTo(t, p, o2, "camille.martin@exemple.fr", "Camille", "Martin", false)
	base := p.URL + "/admin/ville-demo"
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, signInActions(p, "admin@ville-demo.vivier.test")...); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/etapes"), chromedp.WaitVisible(`#motifs`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "steps editor")
	if err := chromedp.Do(ctx,
		chromedp.Focus(`//button[contains(., "Monter") and contains(., "Jury")]`),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "L'étape est déplacée.")]`),
	); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/vivier?q=haies"), chromedp.WaitVisible(`#pool-table`)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ctx, chromedp.Text(`#pool-table`)); !strings.Contains(got, "Inès Moreau") {
		t.Errorf("pool = %q", got)
	}
	axeCheck(t, ctx, "talent pool")
	// The invitation chooses the offer on a page of its own.
	if err := chromedp.Do(ctx, chromedp.Click(`//a[contains(., "Inviter à postuler")]`), chromedp.WaitVisible(`#choice-table`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "pool invitation")
	if err := chromedp.Do(ctx,
		chromedp.Click(`//button[contains(., "Inviter à postuler")]`),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "invitation à postuler est enregistrée")]`),
	); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/doublons"), chromedp.WaitVisible(`//button[contains(., "Demander à la personne de confirmer")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "duplicates")
	noConsoleErrors(t, console)
}
