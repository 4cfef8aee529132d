package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser harness: headless Chromium (Debian's, installed by `make test`)
// driven with chromedp, and axe-core (AXE_PATH, installed by `make test`)
// injected into pages to check them against WCAG 2.1 A and AA.

// read runs a browser action that reads from the page, and fails the test
// if it fails.
func read[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// browser starts a headless Chromium for the test and returns a tab context.
// It also returns the console errors the pages log (CSP violations among
// them), which a test may assert on.
func browser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	path := os.Getenv("CHROME_PATH")
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path != "" {
			break
		}
		path, _ = exec.LookPath(name) // not there: the next name
	}
	if path == "" {
		t.Fatal("no Chromium found: run the tests with `make test`, which installs it (or set CHROME_PATH)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	// A deadline, not a speed target: a stuck page fails the test instead
	// of the package's timeout, while the longest flows still finish under
	// the race detector on a loaded two-core machine.
	ctx, cancelTimeout := context.WithTimeout(ctx, 10*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })

	var mu sync.Mutex
	var console []string
	add := func(msg string) { mu.Lock(); console = append(console, msg); mu.Unlock() }
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			add(fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, msg))
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				add("console.error")
			}
		case *cdplog.EventEntryAdded:
			// The 404 page is opened on purpose; its status is logged.
			if e.Entry.Level == cdplog.EntryLevelError && !strings.Contains(e.Entry.Text, "status of 404") {
				add(e.Entry.Text + " " + e.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enable the browser log: %v", err)
	}
	return ctx, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), console...) }
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// axeRun runs axe-core on the page the tab shows and returns the violations
// of WCAG 2.1 A/AA (the RGAA's base) and of axe's best practices.
func axeRun(t *testing.T, ctx context.Context, label string) []axeViolation {
	t.Helper()
	path := os.Getenv("AXE_PATH")
	if path == "" {
		t.Fatal("AXE_PATH is not set: run the tests with `make test`, which installs axe-core")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("axe-core: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(src)+";true")); err != nil {
		t.Fatalf("inject axe-core into %s: %v", label, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
			.then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s: %v", label, err)
	}
	var violations []axeViolation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	return violations
}

// signInActions signs an agent in through the sign-in page, as a person does,
// then runs the actions then.
func signInActions(p *program, email string, then ...chromedp.Action[chromedp.Void]) []chromedp.Action[chromedp.Void] {
	return signInUntil(p, email, `#sidemenu-title`, then...)
}

// signInUntil signs email in through the form, and waits until the page
// that follows shows landed (a selector).
func signInUntil(p *program, email, landed string, then ...chromedp.Action[chromedp.Void]) []chromedp.Action[chromedp.Void] {
	return append([]chromedp.Action[chromedp.Void]{
		chromedp.Navigate(p.URL + "/admin/connexion"),
		chromedp.SendKeys("#email", email),
		chromedp.SendKeys("#password-input", DemoPassword),
		chromedp.Click(`#login-fieldset ~ ul button[type="submit"]`),
		chromedp.WaitVisible(landed),
	}, then...)
}

// reloading clicks sel, which sends a form, and waits for the page that
// answers. The page being left is marked first: a wait that follows could
// otherwise be met by an element both pages hold (an error shown again), and
// the next action would then change the page that is going away.
func reloading(sel string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.SetAttributeValue("html", "data-leaving", "1"),
		press(sel),
		chromedp.WaitReady("html:not([data-leaving])"),
	}
}

// press clicks the element sel (CSS, or XPath when it starts with "/") as
// the page's own script would: a mouse click aims at where the element was
// when it was measured, and misses it when fonts or scripts arriving late
// move the page in between (seen under load).
func press(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(chromedp.WaitVisible(sel), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		ok, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
			const s = %q;
			const e = s.startsWith("/") ? document.evaluate(s, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue
				: document.querySelector(s);
			if (!e) return false;
			e.click();
			return true;
		})()`, sel))(ctx, t)
		if err == nil && !ok {
			err = fmt.Errorf("press: no %s on the page", sel)
		}
		return err
	}))
}

// submitting clicks what sends a form and waits for the answer's page,
// loaded with the DSFR's script started (as started does): a click made
// while that script still moves the page can miss its button under load.
func submitting(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		bounded, cancel := context.WithTimeout(ctx, 90*time.Second)
		defer cancel()
		_, err := chromedp.Steps(append(reloading(sel), pageStarted(60*time.Second))...)(bounded, t)
		if err != nil {
			shown, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			page, _ := chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 600)`)(shown, t)
			return fmt.Errorf("sending the form through %s: %w; the page:\n%s", sel, err, page)
		}
		return nil
	})
}

// pageStarted waits, up to limit, until the page has loaded and the DSFR's
// script has started.
func pageStarted(limit time.Duration) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](`document.readyState === 'complete' && document.documentElement.hasAttribute('data-fr-js')`,
			chromedp.WithPollingTimeout(limit))(ctx, t)
		return err
	})
}

// started waits until the page has loaded and the DSFR's script has
// started: keys pressed before that may land on a page whose scripts then
// move things (tabs, dialogs) under them.
func started(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := chromedp.Do(ctx, pageStarted(20*time.Second)); err != nil {
		t.Fatalf("the page did not finish loading: %v", err)
	}
}

// axeCheck fails the test for each axe violation on the page the tab shows.
func axeCheck(t *testing.T, ctx context.Context, label string) {
	t.Helper()
	for _, v := range axeRun(t, ctx, label) {
		var where []string
		for _, n := range v.Nodes {
			where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
		}
		t.Errorf("%s: axe %s (%s): %s\n  %s", label, v.ID, v.Impact, v.Help, strings.Join(where, "\n  "))
	}
}

func TestAccessibilityOfFoundationPages(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", nil)
	ctx, console := browser(t)
	for _, path := range []string{"/", "/admin/connexion", "/accessibilite", "/mentions-legales", "/donnees-personnelles", "/pas-de-page-ici"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+path), chromedp.WaitVisible("footer")); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		title, err := chromedp.Run(ctx, chromedp.Title())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(title, "— Vivier, recrutement public") {
			t.Errorf("%s: title %q", path, title)
		}
		axeCheck(t, ctx, path)
	}
	// The DSFR's script ran (it marks the page) and nothing was blocked by
	// the Content-Security-Policy.
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/"), chromedp.WaitVisible("footer")); err != nil {
		t.Fatal(err)
	}
	js, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.documentElement.hasAttribute('data-fr-js')`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !js {
		t.Errorf("the DSFR script did not start: %v", err)
	}
	for _, msg := range console() {
		t.Errorf("console error: %s", msg)
	}

	// The harness itself sees a violation when there is one.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="/x.png">'); true`)); err != nil {
		t.Fatal(err)
	}
	if v := axeRun(t, ctx, "broken page"); len(v) == 0 {
		t.Fatal("axe found nothing wrong with an image without alt text")
	}
}

// An administrator invites an agent; the agent accepts from the emailed link,
// chooses a password, signs in and sees only the administration invited to.
// Every page on the way passes axe.
func TestInvitationInBrowser(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil)
	ctx, console := browser(t)
	signIn := func(email, password string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Navigate(p.URL+"/admin/connexion"),
			chromedp.SendKeys("#email", email),
			chromedp.SendKeys("#password-input", password),
			chromedp.Click(`#login-fieldset ~ ul button[type="submit"]`),
			chromedp.WaitVisible(`#sidemenu-title`),
		); err != nil {
			t.Fatalf("sign in as %s: %v", email, err)
		}
	}
	signOut := func() {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click(`.fr-header__tools form[action="/admin/deconnexion"] button`),
			chromedp.WaitVisible(`#login-fieldset`)); err != nil {
			t.Fatalf("sign out: %v", err)
		}
	}

	// A wrong password first: the error is announced, the page passes axe.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/admin/connexion"),
		chromedp.SendKeys("#email", "admin@ville-demo.vivier.test"),
		chromedp.SendKeys("#password-input", "mauvais mot de passe"),
		chromedp.Click(`#login-fieldset ~ ul button[type="submit"]`),
		chromedp.WaitVisible(`.fr-alert--error`),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "sign-in with an error")

	signIn("admin@ville-demo.vivier.test", DemoPassword)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/admin/ville-demo/agents"), chromedp.WaitVisible("#invite-email")); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "agents list")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#invite-email", "nouvel.agent@ville-demo.vivier.test"),
		chromedp.SetValue("#invite-role", "recruteur"),
		chromedp.Click(`form[action$="/agents/invitations"] button[type="submit"]`),
		chromedp.WaitVisible(`.fr-alert--success`),
	); err != nil {
		t.Fatalf("invite: %v", err)
	}
	flash := read(t, ctx, chromedp.Text(".fr-alert--success"))
	if !strings.Contains(flash, "nouvel.agent@ville-demo.vivier.test") {
		t.Fatalf("after inviting: %q", flash)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/admin/ville-demo/journal"), chromedp.WaitVisible("#journal-table")); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "audit log")
	journal := read(t, ctx, chromedp.Text("#journal-table"))
	if !strings.Contains(journal, "Invitation envoyée") || !strings.Contains(journal, "nouvel.agent@ville-demo.vivier.test") {
		t.Fatalf("the audit log does not show the invitation:\n%s", journal)
	}
	signOut()

	// The email, through a real SMTP conversation, carries the link.
	msgs := p.SMTP.Wait(t, 1, 20*time.Second)
	link := regexp.MustCompile(`https?://\S+/admin/invitation/[A-Za-z0-9_-]+`).FindString(msgs[0].Text)
	if msgs[0].To[0] != "nouvel.agent@ville-demo.vivier.test" || link == "" {
		t.Fatalf("invitation email to %v:\n%s", msgs[0].To, msgs[0].Text)
	}
	link = p.URL + link[strings.Index(link, "/admin/"):]
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible("#first-name")); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "invitation")
	const password = "une phrase de passe bien longue"
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#first-name", "Nour"),
		chromedp.SendKeys("#last-name", "Benali"),
		chromedp.SendKeys("#new-password-input", password),
		chromedp.SendKeys("#password-confirm", password),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible(`#login-fieldset`),
	); err != nil {
		t.Fatalf("accept: %v", err)
	}
	signIn("nouvel.agent@ville-demo.vivier.test", password)
	h1 := read(t, ctx, chromedp.Text("h1"))
	loc := read(t, ctx, chromedp.Location())
	if !strings.HasSuffix(loc, "/admin/ville-demo") || !strings.Contains(h1, "Démo-sur-Loire") {
		t.Fatalf("the new agent landed on %s (%q)", loc, h1)
	}
	axeCheck(t, ctx, "dashboard")
	// The other administration does not exist for them.
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/admin/ministere-demo"), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	if h1 := read(t, ctx, chromedp.Text("h1")); h1 != "Page non trouvée" {
		t.Fatalf("another administration shows %q", h1)
	}
	// The link has served: opening it again says so.
	if err := chromedp.Do(ctx, chromedp.Navigate(link), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	if h1 := read(t, ctx, chromedp.Text("h1")); h1 != "Invitation inutilisable" {
		t.Fatalf("a used invitation shows %q", h1)
	}
	noConsoleErrors(t, console)
}

// Every other back-office page, and a form showing its errors, pass axe.
func TestAccessibilityOfBackOffice(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	ctx, console := browser(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/admin/mot-de-passe-oublie"), chromedp.WaitVisible("#email"),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "forgotten password")
	if err := chromedp.Do(ctx, signInUntil(p, "plateforme@demo.vivier.test", `a[href="/admin/plateforme/administrations"]`)...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "my administrations")
	for _, path := range []string{"/admin/plateforme/administrations", "/admin/plateforme/metiers", "/admin/plateforme/competences", "/admin/plateforme/pages-legales",
		"/admin/ministere-demo", "/admin/ministere-demo/administration",
		"/admin/ministere-demo/offres", "/admin/ministere-demo/offres/nouvelle",
		"/admin/ministere-demo/agents", "/admin/ministere-demo/journal", "/admin/compte/sessions"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+path), chromedp.WaitVisible("footer")); err != nil {
			t.Fatal(err)
		}
		axeCheck(t, ctx, path)
	}
	// A form with errors: the fields say what is wrong.
	if err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/admin/ministere-demo/administration"),
		chromedp.SendKeys("#child-name", "Direction des sports"),
		chromedp.SendKeys("#child-slug", "Pas Un Slug"),
		chromedp.Click(`form[action$="/directions"] button[type="submit"]`),
		chromedp.WaitVisible(`#child-slug-error`),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "direction form with errors")
	noConsoleErrors(t, console)
}

// noConsoleErrors fails the test for each error the pages logged, but the
// 4xx statuses of pages opened on purpose.
func noConsoleErrors(t *testing.T, console func() []string) {
	t.Helper()
	for _, msg := range console() {
		if !strings.Contains(msg, "status of 4") {
			t.Errorf("console error: %s", msg)
		}
	}
}

// Viewports of the screenshots: a laptop and a phone.
var (
	laptop = [2]int64{1280, 800}
	phone  = [2]int64{390, 844}
)

// screenshot saves the tab's first viewport, at size, as a PNG named after
// the test and name in SCREENSHOT_DIR (by default .local/screenshots at the
// top of the repository), so that a person looks at the pages a test walked
// through. It returns the file's path.
func screenshot(t *testing.T, ctx context.Context, size [2]int64, name string) string {
	t.Helper()
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", ".local", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1])); err != nil {
		t.Fatalf("viewport for %s: %v", name, err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%s-%dx%d.png", strings.ReplaceAll(t.Name(), "/", "_"), name, size[0], size[1]))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return path
}
