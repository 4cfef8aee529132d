package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"vivier"
)

// The application view as a workspace, in Chromium: the CV and the step
// control share the first screen of a laptop and the decision stays in view
// while the documents scroll; twenty applications are decided from it; it
// works with the keyboard alone, its shortcuts can be turned off, and it
// passes axe with and without JavaScript.

// box is an element's place in the viewport.
type box struct {
	Top, Bottom, Left, Right float64
	Found, OnTop             bool // OnTop: the element itself is what shows at its centre
}

func boxOf(t *testing.T, ctx context.Context, sel string) box {
	t.Helper()
	raw := read(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const e = document.querySelector(%q);
		if (!e) return JSON.stringify({Found: false});
		const r = e.getBoundingClientRect();
		const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		return JSON.stringify({Top: r.top, Bottom: r.bottom, Left: r.left, Right: r.right, Found: true,
			OnTop: !!at && (at === e || e.contains(at))});
	})()`, sel)))
	var b box
	if err := json.Unmarshal([]byte(raw), &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// waitFor waits for each selector to be visible, and shows the page when
// one does not come.
func waitFor(t *testing.T, ctx context.Context, sels ...string) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for _, sel := range sels {
		if err := chromedp.Do(wctx, chromedp.WaitVisible(sel)); err != nil {
			t.Fatalf("waiting for %s: %v; the page: %s", sel, err, read(t, ctx, chromedp.Text(`body`)))
		}
	}
}

// openTab opens a tab of the application view (the decision side's or the
// documents'), once the DSFR, which runs the tabs, has started.
func openTab(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	for _, step := range []struct{ do, check string }{
		{"", `document.documentElement.hasAttribute('data-fr-js')`},
		{"#tab-" + id, fmt.Sprintf(`document.getElementById('panel-%s').classList.contains('fr-tabs__panel--selected')`, id)},
	} {
		if step.do != "" {
			if err := chromedp.Do(ctx, chromedp.Click(step.do)); err != nil {
				t.Fatalf("tab %s: %v", id, err)
			}
		}
		if ok, err := chromedp.Run(ctx, chromedp.Poll[bool](step.check, chromedp.WithPollingTimeout(10*time.Second))); err != nil || !ok {
			t.Fatalf("tab %s: %s: %v", id, step.check, err)
		}
	}
}

// inView says whether b lies wholly in a viewport of the given height.
func (b box) inView(height float64) bool { return b.Found && b.Top >= 0 && b.Bottom <= height }

// withoutScripts runs steps in the tab with JavaScript off, then turns it
// back on for what follows (axe is a script the test runs, not the page):
// the page it left stays as it was built without JavaScript.
func withoutScripts(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false}); err != nil {
		t.Fatal(err)
	}
}

func TestApplicationWorkspaceLayout(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 3)
	// A long CV: its extracted text is longer than the screen many times.
	long := strings.Repeat("Entretien des espaces verts, taille des haies, arrosage raisonné.\n", 300)
	if _, err := p.Store().DB().Exec(`UPDATE application_files SET text = $2 WHERE application_id = $1`, ids[0], long); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store().DB().Exec(`UPDATE applications SET letter_text = 'Je souhaite rejoindre le service des parcs.' WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	ctx, console := browser(t)
	view := fmt.Sprintf("%s/admin/ville-demo/candidatures/%d?de=offre&offre=%d", p.URL, ids[0], o.ID)
	if err := chromedp.Do(ctx, signInActions(p, "recruteur@ville-demo.vivier.test",
		chromedp.EmulateViewport(laptop[0], laptop[1]),
		chromedp.Navigate(view))...); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, `#move-button`, `#shortcuts-button`)
	h := float64(laptop[1])
	if b := boxOf(t, ctx, `.vivier-ws__viewer`); !b.Found || b.Top < 0 || b.Top > h-200 {
		t.Errorf("the CV viewer is not in the first screen: %+v", b)
	}
	if b := boxOf(t, ctx, `#move-button`); !b.inView(h) || !b.OnTop {
		t.Errorf("the step control is not in the first screen: %+v", b)
	}
	screenshot(t, ctx, laptop, "application")
	axeCheck(t, ctx, "application view")

	// The extracted text opened, the documents scroll by 2 000 px: the
	// decision stays in view.
	if err := chromedp.Do(ctx, chromedp.Click(`.vivier-ws__text summary`), chromedp.WaitVisible(`.vivier-ws__text .vivier-text`)); err != nil {
		t.Fatal(err)
	}
	scrolled := read(t, ctx, chromedp.Evaluate[float64](`window.scrollBy(0, 2000), window.scrollY`))
	if scrolled < 2000 {
		t.Fatalf("the documents scrolled by %v px only", scrolled)
	}
	if b := boxOf(t, ctx, `#move-button`); !b.inView(h) || !b.OnTop {
		t.Errorf("after scrolling the documents, the step control is out of view: %+v", b)
	}
	if b := boxOf(t, ctx, `#refuse-button`); !b.inView(h) || !b.OnTop {
		t.Errorf("after scrolling the documents, the refusal is out of view: %+v", b)
	}
	screenshot(t, ctx, laptop, "application-scrolled")

	// The dialogs.
	read(t, ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0), true`))
	if err := chromedp.Do(ctx, chromedp.Click(`#refuse-button`),
		chromedp.WaitVisible(`#refuse-dialog #refuse-reason`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, laptop, "refusal-dialog")
	axeCheck(t, ctx, "refusal dialog")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\x1b"), chromedp.WaitNotVisible(`#refuse-dialog`),
		chromedp.Click(`#shortcuts-button`), chromedp.WaitVisible(`#shortcuts-dialog`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "shortcuts dialog")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\x1b"), chromedp.WaitNotVisible(`#shortcuts-dialog`),
		chromedp.Click(`#move-button`), chromedp.WaitVisible(`.vivier-menu__item`)); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "move menu")

	if err := chromedp.Do(ctx, chromedp.Navigate(view), chromedp.WaitVisible(`#move-button`)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, phone, "application")
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(laptop[0], laptop[1])); err != nil {
		t.Fatal(err)
	}

	// Without JavaScript: the tabs' panels one after the other, the refusal
	// in its disclosure, no shortcuts.
	withoutScripts(t, ctx, chromedp.Navigate(view), chromedp.WaitVisible(`#notes-titre`), chromedp.WaitVisible(`#historique`),
		chromedp.Click(`#refuse-button`), chromedp.WaitVisible(`#refuse-reason`))
	if b := boxOf(t, ctx, `#shortcuts-button`); b.Top != 0 || b.Bottom != 0 {
		t.Errorf("the shortcuts are offered without JavaScript: %+v", b)
	}
	screenshot(t, ctx, laptop, "application-nojs")
	axeCheck(t, ctx, "application view without JavaScript, refusal open")
	noConsoleErrors(t, console)
}

// stepsOf returns the id of each step of the administration by name.
func stepsOf(t *testing.T, p *program, adminID int64) map[string]int64 {
	t.Helper()
	steps, err := p.Store().Steps(context.Background(), adminID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, s := range steps {
		out[s.Name] = s.ID
	}
	return out
}

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
	tabs := 0
	for active() != "move-button" {
		if tabs++; tabs > 80 {
			t.Fatalf("80 presses of Tab do not reach the step menu (at %q)", active())
		}
		w.key(kb.Tab)
	}
	t.Logf("the step menu is %d presses of Tab from the top of the page", tabs)
	w.key(kb.Enter)
	w.key(kb.Tab)
	if got := active(); got != "vivier-menu__item" {
		t.Fatalf("Tab after opening the menu: %q", got)
	}
	w.key(kb.Enter)
	w.landed(second)
	if id := stageOf(t, p, first); id != steps["Présélection"] {
		t.Errorf("moved with the keyboard to step %d, want Présélection (%d)", id, steps["Présélection"])
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

// Over HTTP: the view's way along an offer's list keeps its filters; a list
// of another administration shows nothing of it; a malformed list is
// refused; and a decision goes on only to a page of this administration.
func TestApplicationViewWalkOverHTTP(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 3)
	steps := stepsOf(t, p, o.AdministrationID)
	// Another administration's offer, with an application.
	other, err := p.Store().AdministrationBySlug(t.Context(), "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	fo := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "AUTRE-1", Versant: other.Versant, Title: "Chargé·e d'études", Mission: "Étudier."}
	if err := p.Store().CreateOffer(t.Context(), other.ID, fo, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().MoveOffer(t.Context(), other.ID, fo.ID, vivier.OfferPublished, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if fo, err = p.Store().OfferByID(t.Context(), other.ID, fo.ID); err != nil {
		t.Fatal(err)
	}
	seedApplications(t, p, fo, 2)
	foreign := fo.ID
	c, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	view := func(id int64, query string) string {
		return fmt.Sprintf("%s/admin/ville-demo/candidatures/%d?%s", p.URL, id, query)
	}
	// Oldest first: the seeded order.
	order, _, err := p.Store().PipelineList(t.Context(), o.AdministrationID, o.ID, vivier.PipelineFilter{Sort: "anciennes"})
	if err != nil || len(order) != 3 {
		t.Fatalf("list: %v, %v", order, err)
	}
	query := fmt.Sprintf("de=offre&offre=%d&tri=anciennes", o.ID)
	resp, page := get(t, c, view(order[1].ID, query))
	next := fmt.Sprintf("/admin/ville-demo/candidatures/%d?de=offre&amp;offre=%d&amp;tri=anciennes", order[2].ID, o.ID)
	for _, want := range []string{"2&nbsp;/&nbsp;3", `id="walk-prev"`, `href="` + next + `"`, `name="suivante" value="` + next + `"`,
		fmt.Sprintf(`id="walk-list" href="/admin/ville-demo/offres/%d/candidatures?page=1&amp;tri=anciennes"`, o.ID)} {
		if resp.StatusCode != 200 || !strings.Contains(page, want) {
			t.Errorf("view in its list = %d, lacks %s", resp.StatusCode, want)
		}
	}
	if _, page = get(t, c, view(order[1].ID, fmt.Sprintf("de=offre&offre=%d", foreign))); !strings.Contains(page, "Hors de la liste (0)") ||
		strings.Contains(page, `id="walk-next"`) || strings.Contains(page, `id="walk-prev"`) {
		t.Errorf("another administration's offer as the list shows something of it")
	}
	if resp, _ = get(t, c, view(order[1].ID, "de=offre&offre=douze")); resp.StatusCode != 400 {
		t.Errorf("a malformed list = %d, want 400", resp.StatusCode)
	}

	move := func(id int64, next string) string {
		t.Helper()
		resp, _ := postForm(t, c, fmt.Sprintf("%s/admin/ville-demo/candidatures/%d/etape", p.URL, id), url.Values{
			"_csrf": {token}, "stage": {strconv.FormatInt(steps["Présélection"], 10)}, "suivante": {next}})
		if resp.StatusCode != 303 {
			t.Fatalf("move = %d", resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	own := fmt.Sprintf("/admin/ville-demo/candidatures/%d", ids[0])
	for _, next := range []string{"https://ailleurs.example/admin/ville-demo/candidatures/1", "//ailleurs.example/admin/ville-demo/candidatures/1",
		"/admin/ministere-demo/candidatures/1"} {
		if got := move(ids[0], next); got != own {
			t.Errorf("a decision went on to %q (asked %q), want its own page", got, next)
		}
		if _, err := p.Store().DB().Exec(`UPDATE applications SET stage_id = $2, category = 'nouvelle' WHERE id = $1`, ids[0], steps["Nouvelle"]); err != nil {
			t.Fatal(err)
		}
	}
	want := fmt.Sprintf("/admin/ville-demo/candidatures/%d?de=offre&offre=%d", ids[1], o.ID)
	if got := move(ids[0], want); got != want {
		t.Errorf("a decision went on to %q, want %q", got, want)
	}
}
