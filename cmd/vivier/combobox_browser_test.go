package main

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// The typing help in a browser: on /offres, the place field suggests
// communes as one types, the arrows move through them, Enter chooses, and
// the search runs around the commune chosen; the search box suggests
// employers and places; the offer form's commune field does the same.
// Without JavaScript the fields are plain ones the server reads, with a
// French error when a place names several communes. axe at each state.
func TestTypingHelpComboboxInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil)
	publishOffer(t, p, "COMBO-1", "Jardinier·ère des parcs")
	ctx, console := browser(t)
	attr := func(sel, name string) string {
		return read(t, ctx, chromedp.Evaluate[string](`document.querySelector('`+sel+`').getAttribute('`+name+`') || ""`))
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/offres"), chromedp.WaitVisible("footer"),
		chromedp.WaitVisible(`#f-lieu[role="combobox"]`),
		chromedp.SendKeys(`#f-lieu`, "lyo"),
		chromedp.WaitVisible(`#f-lieu[aria-expanded="true"]`),
		// Every option answers "lyo" (not an earlier "ly" still shown).
		chromedp.WaitVisible(settled("Lyo", "Lyon (69)"))); err != nil {
		t.Fatal(err)
	}
	if attr("#f-lieu", "aria-activedescendant") != "" {
		t.Error("an option is active before any arrow")
	}
	axeCheck(t, ctx, "place suggestions open")
	screenshot(t, ctx, laptop, "place-suggestions")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	active := attr("#f-lieu", "aria-activedescendant")
	if active == "" || attr("#"+active, "aria-selected") != "true" ||
		!strings.HasPrefix(read(t, ctx, chromedp.Evaluate[string](`document.getElementById('`+active+`').textContent`)), "Lyon (69)") {
		t.Fatalf("after ArrowDown: active %q", active)
	}
	stay(t, ctx)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	stayed(t, ctx, "Enter on an option of the place field")
	if v := read(t, ctx, chromedp.Value("#f-lieu")); v != "Lyon (69)" || attr("#f-lieu", "aria-expanded") != "false" {
		t.Fatalf("after Enter: value %q, expanded %q, at %s", v, attr("#f-lieu", "aria-expanded"), read(t, ctx, chromedp.Evaluate[string](`location.href + " " + document.querySelector('#f-lieu').outerHTML`)))
	}
	// Enter chose without sending the form; the button sends it, and the
	// next page carries the place in its field's value attribute.
	if err := chromedp.Do(ctx, chromedp.Click(`//button[contains(., "Appliquer les filtres")]`),
		chromedp.WaitVisible(`#f-lieu[value="Lyon (69)"]`)); err != nil {
		t.Fatal(err)
	}
	if u := read(t, ctx, chromedp.Evaluate[string](`location.search`)); !strings.Contains(u, "lieu=Lyon+%2869%29") {
		t.Errorf("search URL = %s", u)
	}
	axeCheck(t, ctx, "search around Lyon")

	// The search box: employers with published offers, and places.
	if err := chromedp.Do(ctx, chromedp.SendKeys(`#q`, "ville"),
		chromedp.WaitVisible(settled("ille", "Lieu : Villeurbanne (69)")),
		chromedp.WaitVisible(`//li[@role="option"][contains(., "Employeur")]`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "search box suggestions")
	screenshot(t, ctx, laptop, "search-suggestions")
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	if attr("#q", "aria-expanded") != "false" {
		t.Error("Escape left the list open")
	}

	// The offer form: the commune of a place.
	if err := chromedp.Do(ctx, signInActions(p, "recruteur@ville-demo.vivier.test",
		chromedp.Navigate(p.URL+"/admin/ville-demo/offres/nouvelle"),
		chromedp.WaitVisible(`#lieu_commune_0[role="combobox"]`),
		chromedp.SendKeys(`#lieu_commune_0`, "annec"),
		chromedp.WaitVisible(settled("Annec", "Annecy (74)")))...); err != nil {
		t.Fatal(err)
	}
	stay(t, ctx)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	stayed(t, ctx, "Enter on an option of the form's commune")
	if v := read(t, ctx, chromedp.Value("#lieu_commune_0")); v != "Annecy (74)" {
		t.Errorf("the form's commune = %q", v)
	}
	axeCheck(t, ctx, "offer form with a commune chosen")
	screenshot(t, ctx, laptop, "offer-form-commune")

	// Without JavaScript: plain fields, and the server's French error.
	scripts(t, ctx, false)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/offres?lieu=Saint-Denis&rayon=20"),
		chromedp.WaitVisible(`//p[contains(., "Plusieurs communes répondent à « Saint-Denis »")]`)); err != nil {
		t.Fatal(err)
	}
	if attr("#f-lieu", "role") != "" || attr("#q", "role") != "" {
		t.Error("without JavaScript the fields are comboboxes")
	}
	screenshot(t, ctx, laptop, "place-ambiguous-without-js")
	scripts(t, ctx, true)
	axeCheck(t, ctx, "ambiguous place without JavaScript")
	noConsoleErrors(t, console)
}

// settled is the XPath of the option holding want in a list whose every
// option contains part: the list of the last text typed, not of an earlier
// prefix whose answer came first.
func settled(part, want string) string {
	return `//ul[@role="listbox"][not(li[not(contains(., "` + part + `"))])]/li[@role="option"][contains(., "` + want + `")]`
}

// stay marks the page; stayed checks the mark is still there: no
// navigation (a form sent) happened in between.
func stay(t *testing.T, ctx context.Context) {
	t.Helper()
	read(t, ctx, chromedp.Evaluate[bool](`window.vivierStay = true`))
}

func stayed(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	if !read(t, ctx, chromedp.Evaluate[bool](`window.vivierStay === true`)) {
		t.Errorf("%s sent the form", what)
	}
}
