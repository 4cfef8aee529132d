package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"

	"vivier"
	"vivier/jobs/csptest"
	"vivier/jobs/jobstest"
)

// An administrator turns CSP publication on with the contract-checking
// server's address and a key; a recruiter publishes an offer; its page says
// it was sent, with the date, and CSP received exactly one valid request for
// it. The settings page and the offer page pass axe.
func TestCSPPublicationInBrowser(t *testing.T) {
	t.Parallel()
	csp := csptest.New(t, "testdata/csplab-openapi.yaml", "cle-csp-de-test")
	// The fake CSP listens on the machine itself: the operator trusts it.
	p := startDemo(t, "dev", map[string]string{"CSP_SECRET_KEY": cspTestKey, "OUTBOUND_ALLOW": "127.0.0.1/32"})
	ctx := context.Background()
	adm, err := p.Store().AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	o := cspDraft("MIN-CSP-1")
	if err := p.Store().CreateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	source := uuid.NewString()
	tab, console := browser(t)
	if err := chromedp.Do(tab, signInActions(p, "admin@ministere-demo.vivier.test",
		chromedp.Navigate(p.URL+"/admin/ministere-demo/csp"),
		chromedp.WaitVisible("#csp-key"),
	)...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, tab, "CSP settings")
	if err := chromedp.Do(tab,
		chromedp.Click(`label[for="csp-enabled"]`),
		chromedp.SendKeys("#csp-url", csp.URL),
		chromedp.SendKeys("#csp-source", source),
		chromedp.SendKeys("#csp-key", "cle-csp-de-test"),
		chromedp.Click(`form[action$="/csp"] button[type="submit"]`),
		chromedp.WaitVisible(".fr-alert--success"),
	); err != nil {
		t.Fatalf("save the settings: %v", err)
	}
	hint := read(t, tab, chromedp.Text("#csp-key-hint"))
	html := read(t, tab, chromedp.OuterHTML("main"))
	if !strings.Contains(hint, "Clé enregistrée le") || strings.Contains(html, "cle-csp-de-test") {
		t.Fatalf("after saving: hint %q; the key must not be shown", hint)
	}
	axeCheck(t, tab, "CSP settings saved")

	offerURL := p.URL + "/admin/ministere-demo/offres/" + strconv.FormatInt(o.ID, 10)
	// Another agent in the same browser.
	if _, err := chromedp.Call(tab, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatalf("forget the administrator: %v", err)
	}
	if err := chromedp.Do(tab, signInActions(p, "recruteur@ministere-demo.vivier.test",
		chromedp.Navigate(offerURL),
		chromedp.WaitVisible(`#csp-state`),
		chromedp.Click(`form[action$="/statut"] input[value="published"] ~ button`),
		chromedp.WaitVisible(".fr-alert--success"),
	)...); err != nil {
		t.Fatalf("publish: %v", err)
	}
	// The worker sends it within moments; the page tells when.
	var state string
	jobstest.Eventually(t, "the offer page saying the offer was sent", func() (bool, error) {
		if err := chromedp.Do(tab, chromedp.Navigate(offerURL), chromedp.WaitVisible("#csp-state")); err != nil {
			return false, err
		}
		state = read(t, tab, chromedp.Text("#csp-state"))
		return strings.Contains(state, "envoyée à Choisir le Service Public"), nil
	})
	if !regexp.MustCompile(`envoyée à Choisir le Service Public le \d\d/\d\d/\d{4} à \d\d:\d\d`).MatchString(state) {
		t.Fatalf("offer page says %q", state)
	}
	axeCheck(t, tab, "offer sent to CSP")
	var sent []csptest.Call
	for _, c := range csp.Calls() {
		for _, off := range c.Offers {
			if id, _ := off["identification"].(map[string]any); id["reference"] == "MIN-CSP-1" {
				sent = append(sent, c)
			}
		}
	}
	if len(sent) != 1 || sent[0].Status != 201 || sent[0].SourceID != source || len(csp.Calls()) != 1 {
		t.Fatalf("CSP received %d requests for the offer (%d in all): %+v", len(sent), len(csp.Calls()), sent)
	}
	noConsoleErrors(t, console)
}
