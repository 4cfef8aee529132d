package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"vivier"
)

// The candidates' pages on a phone (390×844) and a laptop: /offres shows
// its results first and its filters in a modal that the keyboard opens and
// closes, applied filters are tags that remove them, the map's links and
// its table carry the search's département counts, an offer opens with its
// facts and keeps "Postuler" within reach; Marianne arrives after the first
// paint without moving the page, and without JavaScript from <noscript>; axe
// passes with JavaScript and without.
func TestCandidatePagesOnAPhone(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	bg := context.Background()
	if _, err := p.seedDemoOffers(bg, []string{"ministere-demo", "ministere-demo-dnum", "ministere-demo-drh", "ville-demo"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.seedDemoBrands(bg); err != nil {
		t.Fatal(err)
	}
	all, err := p.store.SearchOffers(bg, vivier.OfferSearch{Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	emplois, err := p.store.SearchOffers(bg, vivier.OfferSearch{Kind: "emploi", Page: 1})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total == emplois.Total || emplois.Total < 2 || len(emplois.Facets["departement"]) < 2 {
		t.Fatalf("the demo offers do not tell the filter apart: %d offers, %d emplois in %d départements",
			all.Total, emplois.Total, len(emplois.Facets["departement"]))
	}
	ctx, console := browser(t)
	viewport := func(size [2]int64) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
			t.Fatal(err)
		}
	}
	// Marianne is applied after the first paint (js/fonts.js), in place of
	// a local font scaled to its widths: once it is there, the page is
	// nearly as long without it (within 2 %), so the swap moved no block.
	marianne := func(page string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.fonts].some(f => f.family === 'Marianne' && f.status === 'loaded')`,
			chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Errorf("%s: Marianne is never applied: %v", page, err)
			return
		}
		heights := read(t, ctx, chromedp.Evaluate[[]float64](`(async () => {
			await document.fonts.ready;
			const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
			const h = () => document.querySelector('main').getBoundingClientRect().height;
			const faces = [...document.fonts].filter(f => f.family === 'Marianne');
			const with_ = h();
			faces.forEach(f => document.fonts.delete(f)); await frame();
			const without = h();
			faces.forEach(f => document.fonts.add(f)); await frame();
			return [with_, without];
		})()`, chromedp.EvalAwaitPromise))
		if d := heights[1]/heights[0] - 1; d > 0.02 || d < -0.02 {
			t.Errorf("%s: the page is %.0f px high in Marianne, %.0f px in its stand-in: the swap moves the page", page, heights[0], heights[1])
		}
	}
	count := func(n int) string {
		if n > 1 {
			return fmt.Sprintf("%d offres", n)
		}
		return fmt.Sprintf("%d offre", n)
	}

	// /offres on a phone: the count, "Filtrer (1)" and the first result
	// within the first screen; the filters hidden.
	viewport(phone)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/offres?type=emploi"), chromedp.WaitVisible(`#filtrer`)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ctx, chromedp.Text(`#filtrer`)); got != "Filtrer (1)" {
		t.Errorf("filter button = %q", got)
	}
	if top := read(t, ctx, chromedp.Evaluate[float64](`document.querySelector('#resultats ~ ul .fr-card, #resultats').closest('.fr-col-md-8').querySelector('.fr-card').getBoundingClientRect().top`)); top > float64(phone[1]) {
		t.Errorf("the first result starts at %.0f px, below the first screen", top)
	}
	if vis := read(t, ctx, chromedp.Evaluate[string](`getComputedStyle(document.getElementById('filtres')).visibility`)); vis != "hidden" {
		t.Errorf("the filters show before they are asked for: visibility %s", vis)
	}
	marianne("/offres (téléphone)")
	axeCheck(t, ctx, "/offres (téléphone)")
	screenshot(t, ctx, phone, "offres")

	// The modal from the keyboard: Enter opens it, focus inside; Escape
	// closes it and gives the focus back to the button.
	js, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.documentElement.hasAttribute('data-fr-js')`, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !js {
		t.Fatalf("the DSFR script did not start: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(`#filtrer`), chromedp.KeyEvent("\r"), chromedp.WaitVisible(`#filtres.fr-modal--opened #f-type`)); err != nil {
		t.Fatal(err)
	}
	if in, _ := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('filtres').contains(document.activeElement)`,
		chromedp.WithPollingTimeout(10*time.Second))); !in {
		t.Error("the focus is not in the opened filters")
	}
	// The modal fades in: axe measures contrasts once it is opaque.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`getComputedStyle(document.getElementById('filtres')).opacity === '1'`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("the opened filters never become opaque: %v", err)
	}
	axeCheck(t, ctx, "/offres, filtres ouverts")
	screenshot(t, ctx, phone, "filtres")
	// A closed modal keeps its box (visibility: hidden): its state is its class.
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	if closed, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.getElementById('filtres').classList.contains('fr-modal--opened')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil || !closed {
		t.Fatalf("Escape does not close the filters: %v", err)
	}
	if back, _ := chromedp.Run(ctx, chromedp.Poll[bool](`document.activeElement && document.activeElement.id === 'filtrer'`,
		chromedp.WithPollingTimeout(10*time.Second))); !back {
		t.Error("closing the filters does not give the focus back to their button")
	}

	// The map and its table: the figures of the search's facet.
	want := map[string]int{}
	for _, f := range emplois.Facets["departement"] {
		want[f.Value] = f.Count
	}
	var areas []struct {
		Code, Href string
		Count      int
	}
	raw := read(t, ctx, chromedp.Evaluate[string](`JSON.stringify([...document.querySelectorAll('.vivier-map__svg a[data-code]')].map(a =>
		({Code: a.dataset.code, Href: a.getAttribute('href'), Count: +a.dataset.count})))`))
	if err := json.Unmarshal([]byte(raw), &areas); err != nil {
		t.Fatal(err)
	}
	if len(areas) != 101 {
		t.Errorf("the map has %d départements, want 101 (96 and the 5 DROM)", len(areas))
	}
	// Each area's outline comes from the sprite: drawn, it has a size.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`[...document.querySelectorAll('.vivier-map__svg use')].filter(u => u.getBBox().width > 0).length === 101`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Errorf("the map does not draw its 101 outlines from its sprite: %v", err)
	}
	for _, a := range areas {
		if a.Count != want[a.Code] {
			t.Errorf("map: %s shows %d offers, the search counts %d", a.Code, a.Count, want[a.Code])
		}
		if a.Href != "/offres?departement="+a.Code+"&type=emploi" {
			t.Errorf("map: %s links to %s", a.Code, a.Href)
		}
	}
	var rows map[string]string
	raw = read(t, ctx, chromedp.Evaluate[string](`JSON.stringify(Object.fromEntries([...document.querySelectorAll('#carte-tableau tr[data-code]')].map(r =>
		[r.dataset.code, r.querySelector('td').textContent])))`))
	if err := json.Unmarshal([]byte(raw), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(want) {
		t.Errorf("the table lists %d départements, the search %d", len(rows), len(want))
	}
	for code, n := range want {
		if rows[code] != fmt.Sprint(n) {
			t.Errorf("table: %s reads %q, the search counts %d", code, rows[code], n)
		}
	}
	// A département from the table, from the keyboard: its offers and a
	// tag for it.
	dep := emplois.Facets["departement"][0]
	if err := chromedp.Do(ctx, chromedp.Focus(`#carte-tableau summary`), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(`#carte-tableau table`),
		chromedp.Focus(`#carte-tableau tr[data-code="`+dep.Value+`"] a`), chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(`//h2[@id="resultats"][normalize-space()="`+count(dep.Count)+`"]`),
		chromedp.WaitVisible(`//a[contains(@class, "fr-tag--dismiss")][contains(., "Département")]`)); err != nil {
		t.Fatal(err)
	}
	if got := read(t, ctx, chromedp.Text(`#filtrer`)); got != "Filtrer (2)" {
		t.Errorf("after a département: filter button = %q", got)
	}

	// A tag removes its filter: the type's tag leaves the département.
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/offres?type=emploi"), chromedp.WaitVisible(`#filtres-actifs`),
		chromedp.Click(`//a[contains(@class, "fr-tag--dismiss")][contains(., "Type")]`),
		chromedp.WaitVisible(`//h2[@id="resultats"][normalize-space()="`+count(all.Total)+`"]`)); err != nil {
		t.Fatal(err)
	}
	if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#filtres-actifs').length`)); n != 0 {
		t.Error("a removed filter left its tags")
	}
	if got := read(t, ctx, chromedp.Text(`#filtrer`)); got != "Filtrer" {
		t.Errorf("without filters: filter button = %q", got)
	}

	// An offer: its facts first, "Postuler" at the bottom of the screen, and
	// at the end of the page the bar covers nothing.
	offer := emplois.Hits[0]
	if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/offres/%d", p.URL, offer.ID)), chromedp.WaitVisible(`#postuler-barre`)); err != nil {
		t.Fatal(err)
	}
	if top := read(t, ctx, chromedp.Evaluate[float64](`document.querySelector('.vivier-facts').getBoundingClientRect().top`)); top > float64(phone[1])-200 {
		t.Errorf("the offer's facts start at %.0f px, not on the first screen", top)
	}
	bar := `(() => { const r = document.querySelector('#postuler-barre a').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`
	if !read(t, ctx, chromedp.Evaluate[bool](bar)) {
		t.Error("Postuler is not on the first screen")
	}
	read(t, ctx, chromedp.Evaluate[bool](`scrollTo(0, document.body.scrollHeight / 2); true`))
	if !read(t, ctx, chromedp.Evaluate[bool](bar)) {
		t.Error("Postuler is out of reach half-way down the offer")
	}
	screenshot(t, ctx, phone, "offre")
	covered := read(t, ctx, chromedp.Evaluate[string](`(() => { scrollTo(0, document.body.scrollHeight);
		const ref = [...document.querySelectorAll('main p')].find(p => p.textContent.includes("Référence de l'offre"));
		const r = ref.getBoundingClientRect(), b = document.querySelector('#postuler-barre').getBoundingClientRect();
		return r.bottom > b.top && r.top < b.bottom ? JSON.stringify(r) + " under " + JSON.stringify(b) : ""; })()`))
	if covered != "" {
		t.Errorf("at the end of the offer, the Postuler bar covers its reference: %s", covered)
	}
	marianne("offre (téléphone)")
	axeCheck(t, ctx, "offre (téléphone)")

	// Home and an employer's page.
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/"), chromedp.WaitVisible(`#dernieres-offres`)); err != nil {
		t.Fatal(err)
	}
	if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('[aria-labelledby="dernieres-offres"] .fr-card').length`)); n != 6 {
		t.Errorf("home: %d latest offers, want 6", n)
	}
	if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#recherche-region option').length + document.querySelectorAll('[aria-labelledby="employeurs"] .fr-tile').length`)); n < 4 {
		t.Errorf("home: régions and employers: %d", n)
	}
	marianne("accueil (téléphone)")
	axeCheck(t, ctx, "accueil (téléphone)")
	screenshot(t, ctx, phone, "accueil")
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/employeurs/ministere-demo"), chromedp.WaitVisible(`#toutes-les-offres`)); err != nil {
		t.Fatal(err)
	}
	if n := read(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('a[href^="/offres/"]').length`)); n != 6 {
		t.Errorf("employer page: %d offers, want its 6 newest", n)
	}
	if href := read(t, ctx, chromedp.Evaluate[string](`document.getElementById('toutes-les-offres').getAttribute('href')`)); href != "/offres?employeur=ministere-demo" {
		t.Errorf("employer page: all its offers at %q", href)
	}
	marianne("employeur (téléphone)")
	axeCheck(t, ctx, "employeur (téléphone)")
	screenshot(t, ctx, phone, "employeur")

	// A laptop: the filters at the side, no button.
	viewport(laptop)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/offres?type=emploi"), chromedp.WaitVisible(`#f-type`), chromedp.WaitNotVisible(`#filtrer`)); err != nil {
		t.Fatal(err)
	}
	marianne("/offres (ordinateur)")
	axeCheck(t, ctx, "/offres (ordinateur)")
	screenshot(t, ctx, laptop, "offres")
	noConsoleErrors(t, console)

	// Without JavaScript: the filters are in the page on a phone too, and
	// each page passes axe as it loaded.
	scripts := func(on bool) {
		t.Helper()
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on}); err != nil {
			t.Fatal(err)
		}
	}
	viewport(phone)
	for _, path := range []string{"/offres?type=emploi", "/", fmt.Sprintf("/offres/%d", offer.ID), "/employeurs/ministere-demo"} {
		scripts(false)
		if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+path), chromedp.WaitVisible(`footer`)); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(path, "/offres?") {
			if err := chromedp.Do(ctx, chromedp.WaitVisible(`#f-type`), chromedp.WaitNotVisible(`#filtrer`)); err != nil {
				t.Fatalf("without JavaScript the filters are out of reach: %v", err)
			}
			screenshot(t, ctx, phone, "offres-nojs")
		}
		scripts(true)
		// Marianne comes from the <noscript> stylesheet.
		if !read(t, ctx, chromedp.Evaluate[bool](`[...document.styleSheets].some(s => /\/dsfr\/fonts\.css$/.test(s.href || '') && !s.disabled && s.media.mediaText === '')`)) {
			t.Errorf("%s without JavaScript: the fonts' stylesheet does not apply", path)
		}
		axeCheck(t, ctx, path+" sans JavaScript")
	}
}
