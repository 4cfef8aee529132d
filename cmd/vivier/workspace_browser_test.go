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

	"vivier/jobs/jobstest"
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
// documents'), once the DSFR, which runs the tabs, has started. The DSFR
// marks the page started before each component listens: on a loaded
// machine a click can come before the tabs do, so it is made again until
// the panel shows (selecting the selected tab changes nothing).
func openTab(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	if ok, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.documentElement.hasAttribute('data-fr-js')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil || !ok {
		t.Fatalf("tab %s: the DSFR did not start: %v", id, err)
	}
	selected := fmt.Sprintf(`document.getElementById('panel-%s').classList.contains('fr-tabs__panel--selected')`, id)
	var err error
	for try := 0; try < 5; try++ {
		if err = chromedp.Do(ctx, chromedp.Click("#tab-"+id)); err != nil {
			t.Fatalf("tab %s: %v", id, err)
		}
		var ok bool
		if ok, err = chromedp.Run(ctx, chromedp.Poll[bool](selected, chromedp.WithPollingTimeout(3*time.Second))); err == nil && ok {
			return
		}
	}
	t.Fatalf("tab %s: %s: %v", id, selected, err)
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
	// The design system's tabs size their panel from a resize observer: the
	// page grows with the opened text a frame or two later.
	jobstest.Eventually(t, "the page grows with the extracted text", func() (bool, error) {
		return chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollHeight > window.innerHeight + 2000`))
	})
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
