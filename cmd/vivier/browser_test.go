package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
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
		path, _ = exec.LookPath(name)
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
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
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
	for _, path := range []string{"/", "/admin/connexion", "/accessibilite", "/pas-de-page-ici"} {
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

// The sign-in form works in a real browser: typed, submitted (with its CSRF
// token), and the agent lands in the back-office.
func TestSignInInBrowser(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", nil)
	if err := p.seed(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	ctx, _ := browser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(p.URL+"/admin/connexion"),
		chromedp.SendKeys("#email", "recruteur@ville-demo.vivier.test"),
		chromedp.SendKeys("#password-input", "mauvais mot de passe"),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible(`.fr-alert--error`),
	)
	if err != nil {
		t.Fatalf("failed sign-in: %v", err)
	}
	axeCheck(t, ctx, "sign-in with an error")
	err = chromedp.Do(ctx,
		chromedp.SendKeys("#password-input", DemoPassword),
		chromedp.Click(`button[type="submit"]`),
		chromedp.WaitVisible(`form[action="/admin/deconnexion"]`),
	)
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	h1, err := chromedp.Run(ctx, chromedp.Text("h1"))
	if err != nil {
		t.Fatalf("sign-in: %v", err)
	}
	if !strings.HasPrefix(h1, "Bonjour") {
		t.Fatalf("after sign-in the page says %q", h1)
	}
}
