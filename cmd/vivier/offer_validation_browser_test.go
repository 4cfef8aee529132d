package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"vivier"
)

// In the browser: the ministry's administrator finds the direction's offer
// from the dashboard, in the queue, opens its review, is told that a return
// needs a comment, and returns it; the author reads the comment on the
// offer's page and submits it again. The settings, the queue, the review
// (refused and not) and the offer page pass axe.
func TestOfferValidationInBrowser(t *testing.T) {
	t.Parallel()
	p, dnum := validationProgram(t)
	ctx := context.Background()
	s := p.Store()
	if err := s.SetValidationSettings(ctx, agentAdmin(t, p, "ministere-demo"), vivier.ValidationSettings{Directions: true}, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	author, err := s.AgentByEmail(ctx, "recruteur@dnum.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	o := cspDraft("DNUM-VISA-B")
	o.Title = "Architecte des données de santé"
	if err := s.CreateOffer(ctx, dnum, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOffer(ctx, dnum, o.ID, vivier.OfferPending, vivier.Actor{AgentID: author.ID, Email: author.Email}); err != nil {
		t.Fatal(err)
	}

	tab, console := browser(t)
	if err := chromedp.Do(tab, signInActions(p, "admin@ministere-demo.vivier.test",
		chromedp.Navigate(p.URL+"/admin/ministere-demo/administration"),
		chromedp.WaitVisible("#validate_directions"),
	)...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, tab, "administration settings with validation")
	if err := chromedp.Do(tab,
		chromedp.Navigate(p.URL+"/admin/ministere-demo"),
		chromedp.Click(`//a[contains(., "1 offre à valider")]`),
		chromedp.WaitVisible("#validation-table"),
	); err != nil {
		t.Fatalf("from the dashboard to the queue: %v", err)
	}
	if rows := read(t, tab, chromedp.Text("#validation-table tbody")); !strings.Contains(rows, "Architecte des données de santé") ||
		!strings.Contains(rows, "recruteur@dnum.vivier.test") {
		t.Fatalf("queue = %q", rows)
	}
	axeCheck(t, tab, "validation queue")
	screenshot(t, tab, laptop, "validation-queue")
	if err := chromedp.Do(tab,
		chromedp.Click(`//a[contains(., "Examiner")]`),
		chromedp.WaitVisible("#comment"),
	); err != nil {
		t.Fatalf("open the review: %v", err)
	}
	axeCheck(t, tab, "validation review")
	if err := chromedp.Do(tab,
		chromedp.Click(`form[action$="/retour"] button[type="submit"]`),
		chromedp.WaitVisible("#comment-error"),
	); err != nil {
		t.Fatalf("return without a comment: %v", err)
	}
	if msg := read(t, tab, chromedp.Text("#comment-error")); !strings.Contains(msg, "commentaire est obligatoire") {
		t.Fatalf("error = %q", msg)
	}
	axeCheck(t, tab, "validation review refused")
	screenshot(t, tab, phone, "validation-review-refused")
	if err := chromedp.Do(tab,
		chromedp.SendKeys("#comment", "Indiquez la rémunération et le lieu exact."),
		chromedp.Click(`form[action$="/retour"] button[type="submit"]`),
		chromedp.WaitVisible(".fr-alert--success"),
	); err != nil {
		t.Fatalf("return: %v", err)
	}

	if _, err := chromedp.Call(tab, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab, signInActions(p, "recruteur@dnum.vivier.test",
		chromedp.Navigate(p.URL+"/admin/ministere-demo-dnum/offres/"+itoa(o.ID)),
		chromedp.WaitVisible("#offer-returned"),
	)...); err != nil {
		t.Fatal(err)
	}
	if text := read(t, tab, chromedp.Text("#offer-returned")); !strings.Contains(text, "Indiquez la rémunération et le lieu exact.") {
		t.Fatalf("returned notice = %q", text)
	}
	if hist := read(t, tab, chromedp.Text("#validation-history ~ ol")); !strings.Contains(hist, "Retournée à l'auteur") {
		t.Fatalf("history = %q", hist)
	}
	axeCheck(t, tab, "returned offer")
	screenshot(t, tab, laptop, "offer-returned")
	if err := chromedp.Do(tab,
		chromedp.Click(`//button[contains(., "Soumettre à validation")]`),
		chromedp.WaitVisible(`//strong[contains(., "à valider")]`),
	); err != nil {
		t.Fatalf("submit again: %v", err)
	}
	axeCheck(t, tab, "offer waiting for validation")
	screenshot(t, tab, laptop, "offer-pending")
	noConsoleErrors(t, console)
}
