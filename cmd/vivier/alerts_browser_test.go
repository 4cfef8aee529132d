package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The alert pages in a browser, with an axe scan of each: from /offres to
// the form, a wrong address, the page that asks to confirm, the
// confirmation page and its button, an unusable link, then the unsubscribe
// page and its button.
func TestJobAlertInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil)
	publishOffer(t, p, "ALERT-B", "Jardinier des parcs")
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/offres?q=jardinier"), chromedp.WaitVisible("footer"),
		chromedp.Click(`//a[contains(., "Créer une alerte pour cette recherche")]`),
		chromedp.WaitVisible(`//h1[contains(., "Recevoir les nouvelles offres")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "alert form")
	if err := chromedp.Do(ctx, chromedp.SendKeys(`#email`, "pas une adresse"), chromedp.Click(`//button[contains(., "Créer l'alerte")]`),
		chromedp.WaitVisible(`#email-error`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "alert form with an error")
	if err := chromedp.Do(ctx, chromedp.SetValue(`#email`, "lou@exemple.fr"), chromedp.Click(`//button[contains(., "Créer l'alerte")]`),
		chromedp.WaitVisible(`//h2[contains(., "Confirmez votre adresse")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "alert asks for confirmation")
	confirm := alertConfirmRE.FindString(p.SMTP.Wait(t, 1, 30*time.Second)[0].Text)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+confirm), chromedp.WaitVisible(`//button[contains(., "Activer mon alerte")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "alert confirmation page")
	if err := chromedp.Do(ctx, chromedp.Click(`//button[contains(., "Activer mon alerte")]`),
		chromedp.WaitVisible(`//h1[contains(., "Votre alerte est activée")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "alert confirmed")
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/alertes/confirmation/inconnu"), chromedp.WaitVisible(`//h1[contains(., "Lien inutilisable")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "alert link unusable")
	publishOffer(t, p, "ALERT-C", "Jardinier des squares")
	if _, err := p.worker.RunJobAlerts(context.Background(), time.Now().AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	unsubscribe := alertUnsubscribeRE.FindString(p.SMTP.Wait(t, 2, 30*time.Second)[1].Text)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+unsubscribe), chromedp.WaitVisible(`//button[contains(., "Me désinscrire")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "unsubscribe page")
	if err := chromedp.Do(ctx, chromedp.Click(`//button[contains(., "Me désinscrire")]`),
		chromedp.WaitVisible(`//h1[contains(., "Vous êtes désinscrit·e")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "unsubscribed")
	noConsoleErrors(t, console)
}
