package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An administrator creates a token, sees it once, and revokes it after
// confirming in the DSFR dialog; each state of the page passes axe.
func TestAPITokenPageInBrowser(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", nil)
	seedDemo(t, p)
	ctx, console := browser(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/admin/connexion"),
		chromedp.SendKeys("#email", "admin@ministere-demo.vivier.test"),
		chromedp.SendKeys("#password-input", DemoPassword),
		chromedp.Click(`#login-fieldset ~ ul button[type="submit"]`),
		chromedp.WaitVisible(`#sidemenu-title`),
		chromedp.Navigate(p.URL+"/admin/ministere-demo/api"),
		chromedp.WaitVisible("#token-name"),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "tokens page, empty")
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
	secret, _ := chromedp.Run(ctx, chromedp.Value("#new-token"))
	if !strings.HasPrefix(secret, "viv_") {
		t.Fatalf("token shown: %q", secret)
	}
	axeCheck(t, ctx, "token just created")
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/admin/ministere-demo/api"),
		chromedp.WaitVisible("#api-tokens-table"),
		chromedp.Click(`#api-tokens-table button[aria-controls^="revoke-"]`),
		chromedp.WaitVisible(`dialog[open] button[type="submit"]`),
	); err != nil {
		t.Fatalf("open the confirmation: %v", err)
	}
	axeCheck(t, ctx, "revocation dialog")
	if err := chromedp.Do(ctx, chromedp.Click(`dialog[open] button[type="submit"]`), chromedp.WaitVisible(".fr-alert--success")); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if table, _ := chromedp.Run(ctx, chromedp.Text("#api-tokens-table")); !strings.Contains(table, "révoqué le") {
		t.Fatalf("after revoking: %q", table)
	}
	axeCheck(t, ctx, "token revoked")
	noConsoleErrors(t, console)
}
