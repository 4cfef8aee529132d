package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// An administrator creates a token, sees it once, and revokes it after
// confirming in the DSFR dialog; the form with errors, the new token and the
// dialog pass axe (fewer runs: the browser has two minutes in all).
func TestAPITokenPageInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, signInActions(p, "admin@ministere-demo.vivier.test",
		chromedp.Navigate(p.URL+"/admin/ministere-demo/api"),
		chromedp.WaitVisible("#token-name"),
	)...); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`form[action$="/api/jetons"] button[type="submit"]`), chromedp.WaitVisible(".fr-alert--error")); err != nil {
		t.Fatalf("create without a name: %v", err)
	}
	axeCheck(t, ctx, "tokens page with an error")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#token-name", "SIRH"),
		chromedp.Click(`form[action$="/api/jetons"] button[type="submit"]`),
		chromedp.WaitVisible("#new-token"),
	); err != nil {
		t.Fatalf("create: %v", err)
	}
	secret := read(t, ctx, chromedp.Value("#new-token"))
	if !strings.HasPrefix(secret, "viv_") {
		t.Fatalf("token shown: %q", secret)
	}
	axeCheck(t, ctx, "token just created")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/admin/ministere-demo/api"),
		chromedp.WaitVisible("#api-tokens-table"),
	); err != nil {
		t.Fatal(err)
	}
	// The dialog is the DSFR's: its script must have started.
	if ok, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.documentElement.hasAttribute('data-fr-js')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil || !ok {
		t.Fatalf("the DSFR script did not start: %v", err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`#api-tokens-table button[aria-controls^="revoke-"]`),
		chromedp.WaitVisible(`.fr-modal--opened button[type="submit"]`),
	); err != nil {
		html := read(t, ctx, chromedp.OuterHTML("#api-tokens-table dialog"))
		t.Fatalf("open the confirmation: %v\n%s", err, html)
	}
	axeCheck(t, ctx, "revocation dialog")
	if err := chromedp.Do(ctx, chromedp.Click(`.fr-modal--opened button[type="submit"]`), chromedp.WaitVisible(".fr-alert--success")); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if table := read(t, ctx, chromedp.Text("#api-tokens-table")); !strings.Contains(strings.ToLower(table), "révoqué le") {
		t.Fatalf("after revoking: %q", table)
	}
	noConsoleErrors(t, console)
}
