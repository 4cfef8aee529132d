package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vivier/jobs/jobstest"
)

// A recruiter writes an offer in the browser and schedules it; it is not
// public before its date and is once the date has come and the periodic work
// has run; a candidate then finds it by a word typed without accents, narrows
// the search with two filters, opens it and sees the apply button.
func TestScheduledOfferFoundByCandidate(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	ctx, console := browser(t)
	when := time.Now().In(parisTZ(t)).Add(2 * time.Hour).Format("2006-01-02T15:04")
	if err := chromedp.Do(ctx, signInActions(p, "recruteur@ville-demo.vivier.test",
		chromedp.Navigate(p.URL+"/admin/ville-demo/offres/nouvelle"),
		chromedp.WaitVisible("#title"),
		chromedp.SendKeys("#title", "Développeur·se d'applications mobiles"),
		chromedp.SendKeys("#reference", "VDL-MOB-1"),
		chromedp.Click(`label[for="cat-A"]`),
		chromedp.SendKeys("#lieu_commune_0", "Nantes (44)"),
		chromedp.SetValue("#publish_at", when),
		chromedp.Click(`form[action="/admin/ville-demo/offres"] > button[type="submit"]`),
		chromedp.WaitVisible(".fr-alert--success"),
		chromedp.Click(`//button[contains(., "Programmer la publication")]`),
		chromedp.WaitVisible(`//strong[contains(., "programmée")]`),
	)...); err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	if _, body := get(t, c, p.URL+"/offres?q=developpeur+mobile"); strings.Contains(body, "applications mobiles") {
		t.Fatal("the offer is public before its date")
	}
	// Its date comes: the periodic task publishes it.
	if _, err := p.Store().DB().Exec(`UPDATE offers SET publish_at = now() - interval '1 second' WHERE reference = 'VDL-MOB-1'`); err != nil {
		t.Fatal(err)
	}
	if n, _, err := p.Store().PublishDueOffers(context.Background()); err != nil || n != 1 {
		t.Fatalf("PublishDueOffers = %d, %v", n, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/offres"),
		chromedp.SendKeys("#q", "developpeur mobile"),
		chromedp.SetValue("#f-type", "emploi"),
		chromedp.SetValue("#f-categorie", "A"),
		chromedp.Click(`#offres-recherche button`),
	); err != nil {
		t.Fatal(err)
	}
	// The page before the search has cards too: wait for the search's
	// address, then for its cards.
	jobstest.Eventually(t, "the URL holds the search", func() (bool, error) {
		u, err := chromedp.Run(ctx, chromedp.Location())
		return strings.Contains(u, "type=emploi") && strings.Contains(u, "categorie=A"), err
	})
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`.fr-card__title a`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`//a[contains(., "applications mobiles")]`), chromedp.WaitVisible(`h1`)); err != nil {
		t.Fatal(err)
	}
	h1 := read(t, ctx, chromedp.Text("h1"))
	apply := read(t, ctx, chromedp.Text(`a[href$="/postuler"]`))
	if h1 != "Développeur·se d'applications mobiles" || apply != "Postuler" {
		t.Fatalf("opened %q, apply button %q", h1, apply)
	}
	noConsoleErrors(t, console)
}
