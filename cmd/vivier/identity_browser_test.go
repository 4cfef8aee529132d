package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"vivier"
)

// The candidate's space with a transfer and a merge waiting, the details
// form with an error, and the back-office pages about them: each works with
// the keyboard's buttons and passes axe.
func TestConsentsInBrowser(t *testing.T) {
	t.Parallel()
	ctx0 := context.Background()
	p := startDemo(t, "serve", nil)
	ville, err := p.Store().AdministrationBySlug(ctx0, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	o1 := openOfferOf(t, p, "ville-demo", "CONS-1", "Jardinier·ère des parcs")
	o2 := openOfferOf(t, p, "ville-demo", "CONS-2", "Agent·e d'accueil")
	x := applyTo(t, p, o1, "camille@exemple.fr", "Camille", "Martin", false)
	y := applyTo(t, p, o2, "camille.martin@exemple.fr", "Camille", "Martin", false)
	agent := vivier.Actor{Email: "admin@ville-demo.vivier.test"}
	if _, err := p.Store().ProposeTransfer(ctx0, ville.ID, x.ID, "ministere-demo", agent); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store().RequestMerge(ctx0, ville.ID, x.CandidateID, y.CandidateID, agent); err != nil {
		t.Fatal(err)
	}
	token, hash := vivier.NewToken()
	if err := p.Store().CreateTrackingLink(ctx0, x.CandidateID, &x.ID, hash); err != nil {
		t.Fatal(err)
	}

	ctx, console := browser(t)
	space := p.URL + "/suivi/" + token
	if err := chromedp.Do(ctx, chromedp.Navigate(space), chromedp.WaitVisible(`[id^="transfer-"]`), chromedp.WaitVisible(`[id^="merge-"]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "space with a transfer and a merge waiting")
	// Details with a mistake: the field says what is wrong.
	if err := chromedp.Do(ctx,
		chromedp.SetValue("#phone", "12"),
		chromedp.Click(`#details button[type="submit"]`),
		chromedp.WaitVisible("#phone-error"),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "details form with an error")
	// Confirm the merge from this address, then accept the transfer.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(space),
		chromedp.Click(`form[action$="/confirmation"] button`),
		chromedp.WaitVisible(`//p[contains(., "il reste à confirmer depuis l'autre")]`),
		chromedp.Click(`form[action$="/acceptation"] button`),
		chromedp.WaitVisible(`//p[contains(., "Vous avez accepté le transfert")]`),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "space after the answers")
	inMinistere := count(t, p, `SELECT count(*) FROM applications a JOIN administrations d ON d.id = a.administration_id
		WHERE d.slug = 'ministere-demo' AND a.transferred_from = $1`, x.ID)
	if inMinistere != 1 {
		t.Errorf("the accepted transfer made %d applications", inMinistere)
	}
	// An unknown link: the page that sends a new one.
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/suivi/"+strings.Repeat("x", 43)), chromedp.WaitVisible("#email")); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "expired link")

	// The back-office: duplicates with the request's state, and the
	// application page with its transfers and the correction form.
	if err := chromedp.Do(ctx, signInActions(p, "admin@ville-demo.vivier.test")...); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/admin/ville-demo/doublons"), chromedp.WaitVisible(".merge-status")); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "duplicates")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/admin/ville-demo/candidatures/"+itoa(x.ID)),
		chromedp.WaitVisible("#transfers"),
		chromedp.Click(`#identite summary`),
		chromedp.WaitVisible("#fix-last-name"),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "application with transfers and the correction form")
	noConsoleErrors(t, console)
}
