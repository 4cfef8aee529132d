package main

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Deciding from the application view: twenty applications triaged with the
// decision side, its shortcuts and the way along the list; and the view
// with the keyboard alone.
// walker drives the application view and counts what a recruiter does:
// the pages loaded, and each key pressed or click.
type walker struct {
	t            *testing.T
	ctx          context.Context
	loads, moves int
}

func (w *walker) key(k string) {
	w.t.Helper()
	w.moves++
	if err := chromedp.Do(w.ctx, chromedp.KeyEvent(k)); err != nil {
		w.t.Fatalf("key %q: %v", k, err)
	}
}

func (w *walker) click(sel string) {
	w.t.Helper()
	w.moves++
	if err := chromedp.Do(w.ctx, chromedp.Click(sel)); err != nil {
		w.t.Fatalf("click %s: %v", sel, err)
	}
}

// landed waits for the page that follows an action: the view of the
// application id, or (id 0) the list.
func (w *walker) landed(id int64) {
	w.t.Helper()
	w.loads++
	if id == 0 {
		waitFor(w.t, w.ctx, `#pipeline-table`)
		return
	}
	waitFor(w.t, w.ctx, fmt.Sprintf(`#decision[data-application="%d"] #move-button`, id))
	started(w.t, w.ctx)
}

var viewID = regexp.MustCompile(`/candidatures/(\d+)\?`)

// nextOf reads the view's "Suivante": the application that follows, 0 at
// the end of the list.
func (w *walker) nextOf() int64 {
	w.t.Helper()
	href := read(w.t, w.ctx, chromedp.Evaluate[string](`(document.getElementById('walk-next') || {href: ''}).href`))
	m := viewID.FindStringSubmatch(href)
	if m == nil {
		return 0
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

// openNewApplications starts the program with n new applications to an
// offer, and opens the offer's list of its new ones (with more query
// parameters) to a recruiter, at the size of a laptop.
func openNewApplications(t *testing.T, n int, more string) (*program, map[string]int64, *walker, func() []string) {
	t.Helper()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	seedApplications(t, p, o, n)
	steps := stepsOf(t, p, o.AdministrationID)
	ctx, console := browser(t)
	w := &walker{t: t, ctx: ctx}
	list := fmt.Sprintf("%s/admin/ville-demo/offres/%d/candidatures?etape=%d%s", p.URL, o.ID, steps["Nouvelle"], more)
	if err := chromedp.Do(ctx, signInActions(p, "recruteur@ville-demo.vivier.test",
		chromedp.EmulateViewport(laptop[0], laptop[1]), chromedp.Navigate(list))...); err != nil {
		t.Fatal(err)
	}
	w.landed(0)
	return p, steps, w, console
}

// Twenty new applications are decided from the view, as a recruiter
// triages: from the list filtered on "Nouvelle", the first one opened, then
// for each either the step menu ("d", Enter) or the refusal ("r", a reason,
// confirm); every decision goes on to the next of the list, and the last
// back to the list.
func TestTriageTwentyApplications(t *testing.T) {
	t.Parallel()
	p, steps, w, console := openNewApplications(t, 20, "")
	ctx := w.ctx
	first := read(t, ctx, chromedp.Evaluate[string](`document.querySelector('#pipeline-table tbody a').getAttribute('href')`))
	m := viewID.FindStringSubmatch(first)
	if m == nil || !strings.Contains(first, "de=offre") || !strings.Contains(first, fmt.Sprintf("etape=%d", steps["Nouvelle"])) {
		t.Fatalf("the list's rows do not open the view along the list: %q", first)
	}
	current, _ := strconv.ParseInt(m[1], 10, 64)
	w.click(`#pipeline-table tbody a`)
	w.landed(current)
	if got := strings.ReplaceAll(read(t, ctx, chromedp.Text(`.vivier-ws__walk`)), "\u00a0", " "); !strings.Contains(got, "1 / 20") {
		t.Errorf("the first of the list: %q", got)
	}
	wantStage := map[int64]string{}
	start := w.moves
	for i := range 20 {
		next := w.nextOf()
		if (next == 0) != (i == 19) {
			t.Fatalf("application %d of 20: next is %d", i+1, next)
		}
		if i%2 == 0 {
			wantStage[current] = "Présélection"
			w.key("d") // the step menu, on its first step
			w.key(kb.Enter)
		} else {
			wantStage[current] = "Non retenue"
			w.key("r")          // the refusal dialog, on its reason
			w.key(kb.ArrowDown) // the first reason
			w.click(`#refuse-confirm`)
		}
		w.landed(next)
		if next != 0 {
			// What was decided is out of the "Nouvelle" list: the next is first.
			got := strings.ReplaceAll(read(t, ctx, chromedp.Text(`main`)), "\u00a0", " ")
			if !strings.Contains(got, fmt.Sprintf("1 / %d", 19-i)) || !strings.Contains(got, "1 candidature déplacée") {
				t.Fatalf("after decision %d: %q", i+1, got)
			}
		}
		current = next
	}
	perApp := float64(w.moves-start) / 20
	t.Logf("20 applications decided: %d page loads (list and first view included), %d key presses and clicks in all, %d for the decisions: %.1f per application",
		w.loads, w.moves, w.moves-start, perApp)
	if perApp > 3 {
		t.Errorf("%.1f interactions per application, want 3 at most", perApp)
	}
	if got := read(t, ctx, chromedp.Text(`#pipeline-table caption`)); !strings.Contains(got, "0 candidature") {
		t.Errorf("the list after the last decision: %q", got)
	}
	for id, stage := range wantStage {
		var name string
		var reason sql.NullInt64
		if err := p.Store().DB().QueryRow(`SELECT st.name, (SELECT e.refusal_reason_id FROM application_events e WHERE e.application_id = a.id
			ORDER BY e.id DESC LIMIT 1) FROM applications a JOIN pipeline_steps st ON st.id = a.stage_id WHERE a.id = $1`, id).Scan(&name, &reason); err != nil {
			t.Fatal(err)
		}
		if name != stage || reason.Valid != (stage == "Non retenue") {
			t.Errorf("application %d: %s (reason %v), want %s", id, name, reason, stage)
		}
	}
	if len(wantStage) != 20 {
		t.Errorf("%d applications decided, want 20", len(wantStage))
	}
	noConsoleErrors(t, console)
}

// The view with the keyboard alone: Tab to the step menu, open it, move;
// "?" opens the shortcuts, which are turned off there, and then a key does
// nothing.
func TestApplicationViewKeyboard(t *testing.T) {
	t.Parallel()
	p, steps, w, console := openNewApplications(t, 2, "&tri=anciennes")
	ctx := w.ctx
	href := read(t, ctx, chromedp.Evaluate[string](`document.querySelector('#pipeline-table tbody a').href`))
	first, _ := strconv.ParseInt(viewID.FindStringSubmatch(href)[1], 10, 64)
	if err := chromedp.Do(ctx, chromedp.Navigate(href)); err != nil {
		t.Fatal(err)
	}
	w.landed(first)
	second := w.nextOf()
	active := func() string {
		return read(t, ctx, chromedp.Evaluate[string](`document.activeElement ? (document.activeElement.id || document.activeElement.className) : ''`))
	}
	// The document viewer's frame loads after the page and can take the
	// focus: the walk starts again until the focus stays on the menu.
	tabs := 0
	for {
		for active() != "move-button" {
			if tabs++; tabs > 200 {
				t.Fatalf("200 presses of Tab do not reach the step menu (at %q)", active())
			}
			w.key(kb.Tab)
		}
		if err := chromedp.Do(ctx, chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		if active() == "move-button" {
			break
		}
	}
	t.Logf("the step menu is %d presses of Tab from the top of the page", tabs)
	w.key(kb.Enter)
	// A person tabs on once the menu shows: a Tab sent before its items
	// are laid out goes past them (seen under load).
	opened, cancel := context.WithTimeout(ctx, 20*time.Second)
	err := chromedp.Do(opened, chromedp.WaitVisible(`#move-menu[open] .vivier-menu__item`))
	cancel()
	if err != nil {
		t.Fatalf("Enter on the step menu did not show it: %v", err)
	}
	w.key(kb.Tab)
	if got := active(); got != "vivier-menu__item" {
		t.Fatalf("Tab after opening the menu: %q (menu open: %v; focus on %s)", got,
			read(t, ctx, chromedp.Evaluate[bool](`document.getElementById('move-menu').open`)),
			read(t, ctx, chromedp.Evaluate[string](`(document.activeElement || document.body).outerHTML.slice(0, 200)`)))
	}
	w.key(kb.Enter)
	w.landed(second)
	if id := stageOf(t, p, first); id != steps["Présélection"] {
		t.Errorf("moved with the keyboard to step %d, want Présélection (%d)", id, steps["Présélection"])
	}
	// "Aller à la décision" takes the keyboard past the documents: the
	// step menu is then a press or two of Tab away, not twenty.
	if err := chromedp.Do(ctx, chromedp.Focus(`#walk-decide`)); err != nil {
		t.Fatal(err)
	}
	w.key(kb.Enter)
	for range 2 {
		if active() != "move-button" {
			w.key(kb.Tab)
		}
	}
	if got := active(); got != "move-button" {
		t.Errorf("two presses of Tab after \"Aller à la décision\" reach %q, not the step menu", got)
	}

	w.key("?")
	waitFor(t, ctx, `#shortcuts-dialog`)
	if got := active(); got != "shortcuts-on" {
		t.Fatalf("the shortcuts dialog opens on %q", got)
	}
	w.key(" ")
	w.key(kb.Escape)
	if err := chromedp.Do(ctx, chromedp.WaitNotVisible(`#shortcuts-dialog`)); err != nil {
		t.Fatal(err)
	}
	// The dialog's "close" event, which moves the focus back, comes after
	// the dialog is hidden: awaited, up to a bound.
	back, cancel := context.WithTimeout(ctx, 5*time.Second)
	_, _ = chromedp.Run(back, chromedp.Poll[bool](`document.activeElement && document.activeElement.id === 'shortcuts-button'`))
	cancel()
	if got := active(); got != "shortcuts-button" {
		t.Errorf("the focus after the dialog: %q", got)
	}
	if off := read(t, ctx, chromedp.Evaluate[string](`localStorage.getItem('vivier.raccourcis') || ''`)); off != "off" {
		t.Errorf("the choice is not kept: %q", off)
	}
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `#shortcuts-button`)
	// Off, the keys are the page's again: a synthetic "d" is left to the
	// page (not taken), and a real one neither opens the menu nor moves on.
	w.key("d")
	w.key("j")
	taken := read(t, ctx, chromedp.Evaluate[bool](`(() => { const e = new KeyboardEvent('keydown', {key: 'j', bubbles: true, cancelable: true});
		document.body.dispatchEvent(e); return e.defaultPrevented; })()`))
	if open := read(t, ctx, chromedp.Evaluate[bool](`document.getElementById('move-menu').open`)); open || taken {
		t.Errorf("shortcuts turned off still act: menu open %v, key taken %v", open, taken)
	}
	if id := read(t, ctx, chromedp.Evaluate[string](`document.getElementById('decision').dataset.application`)); id != strconv.FormatInt(second, 10) {
		t.Errorf("shortcuts turned off: the view moved to %s", id)
	}
	axeCheck(t, ctx, "application view after a keyboard move")
	noConsoleErrors(t, console)
}

func stageOf(t *testing.T, p *program, id int64) int64 {
	t.Helper()
	var stage int64
	if err := p.Store().DB().QueryRow(`SELECT stage_id FROM applications WHERE id = $1`, id).Scan(&stage); err != nil {
		t.Fatal(err)
	}
	return stage
}
