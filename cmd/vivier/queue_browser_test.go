package main

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"vivier/jobs/jobstest"
)

// The ministry's recruiter reads "Ma file" on the dashboard, opens a kind
// of it, and filters the list with its form; both pages pass axe with
// JavaScript on and off.
func TestQueueAndListInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemoWithApplications(t)
	seedQueue(t, p)
	ctx, console := browser(t)
	dashboard, list := p.URL+"/admin/ministere-demo", p.URL+"/admin/ministere-demo/candidatures"
	if err := chromedp.Do(ctx, signInActions(p, "recruteur@ministere-demo.vivier.test",
		chromedp.Navigate(dashboard), chromedp.WaitVisible(`#ma-file`))...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "dashboard")
	screenshot(t, ctx, laptop, "dashboard")
	screenshot(t, ctx, phone, "dashboard")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(laptop[0], laptop[1]),
		chromedp.Click(`//h3[contains(@class, "fr-tile__title")]/a[contains(., "Délai de réponse proche")]`),
		chromedp.WaitVisible(`#applications-table`)); err != nil {
		t.Fatal(err)
	}
	if u := read(t, ctx, chromedp.Location()); !strings.HasSuffix(u, "/admin/ministere-demo/candidatures?delai=proche") {
		t.Errorf("the tile leads to %s", u)
	}
	if !read(t, ctx, chromedp.Evaluate[bool](`document.querySelector("#f-delai").checked`)) {
		t.Errorf("the list's form does not show the tile's filter")
	}
	// The form, by keyboard: the sort and one more filter, then Enter.
	if err := chromedp.Do(ctx, chromedp.Navigate(list), chromedp.WaitVisible(`#applications-table`),
		chromedp.SetValue(`#tri`, "nom"),
		chromedp.Focus(`#f-decision`), chromedp.KeyEvent(" "),
		chromedp.Focus(`#q`), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	// The list before the submission is still there for a moment: wait for
	// the new address, then for its table.
	jobstest.Eventually(t, "the filtered list", func() (bool, error) {
		u, err := chromedp.Run(ctx, chromedp.Location())
		return strings.Contains(u, "tri=nom") && strings.Contains(u, "decision=attente"), err
	})
	if err := chromedp.Do(ctx, chromedp.WaitVisible(`#applications-table`)); err != nil {
		t.Fatal(err)
	}
	caption := read(t, ctx, chromedp.Text(`#applications-table caption`))
	if !strings.Contains(caption, "page 1 sur") || !strings.Contains(caption, "et ses directions") {
		t.Errorf("caption %q", caption)
	}
	axeCheck(t, ctx, "applications list")
	screenshot(t, ctx, laptop, "list")
	screenshot(t, ctx, phone, "list")
	noConsoleErrors(t, console)

	// Without JavaScript: every script of ours is a file (the CSP forbids
	// inline ones), so blocking the .js files is the page without
	// JavaScript, while axe still runs from the test (with the page's
	// scripts disabled by emulation, axe's own promise never settles).
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
		URLPatterns: []*network.BlockPattern{{URLPattern: "*://*:*/*.js", Block: true}}}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{dashboard, list + "?page=2&direction=" + itoa(adminID(t, p, "ministere-demo-dnum"))} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(laptop[0], laptop[1]), chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS(`main`))); err != nil {
			t.Fatal(err)
		}
		if read(t, ctx, chromedp.Evaluate[bool](`document.documentElement.hasAttribute("data-fr-js")`)) {
			t.Fatalf("%s: the design system's script ran", u)
		}
		axeCheck(t, ctx, u+" without JavaScript")
	}
	screenshot(t, ctx, phone, "list-without-javascript")
}
