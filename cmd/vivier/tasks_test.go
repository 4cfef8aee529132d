package main

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"vivier/jobs/jobstest"
)

const typeAlwaysFails = "test:always_fails"

// failingWorker runs an Asynq server on the program's Redis whose handler
// fails while fail is set, and counts its successful runs.
func failingWorker(t *testing.T, p *program) (opt asynq.RedisClientOpt, fail *atomic.Bool, ran chan struct{}) {
	t.Helper()
	ropt, err := redis.ParseURL(p.Config.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	opt = asynq.RedisClientOpt{Addr: ropt.Addr, DB: ropt.DB}
	fail = &atomic.Bool{}
	fail.Store(true)
	ran = make(chan struct{}, 1)
	srv := asynq.NewServer(opt, asynq.Config{Concurrency: 1, TaskCheckInterval: 20 * time.Millisecond, LogLevel: asynq.FatalLevel,
		Queues: map[string]int{"default": 1}})
	mux := asynq.NewServeMux()
	mux.HandleFunc(typeAlwaysFails, func(context.Context, *asynq.Task) error {
		if fail.Load() {
			return errors.New("serveur de courriel injoignable")
		}
		ran <- struct{}{}
		return nil
	})
	if err := srv.Start(mux); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	return opt, fail, ran
}

// archivedTask enqueues a task that fails with no retry and waits until it
// is archived.
func archivedTask(t *testing.T, opt asynq.RedisClientOpt) string {
	t.Helper()
	info, err := jobstest.Client(t, opt).Enqueue(asynq.NewTask(typeAlwaysFails, nil), asynq.MaxRetry(0), asynq.Queue("default"))
	if err != nil {
		t.Fatal(err)
	}
	in := jobstest.Inspector(t, opt)
	jobstest.Eventually(t, "the failing task archived", func() (bool, error) {
		ti, err := in.GetTaskInfo("default", info.ID)
		return err == nil && ti.State == asynq.TaskStateArchived, err
	})
	return info.ID
}

func TestFailedTasksAreShownAndRetried(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	opt, fail, ran := failingWorker(t, p)
	id := archivedTask(t, opt)

	c, token := signInAs(t, p, "plateforme@demo.vivier.test")
	for _, path := range []string{"/admin/", "/admin/plateforme/administrations"} {
		if _, body := get(t, c, p.URL+path); !strings.Contains(body, "1 tâche en échec") ||
			!strings.Contains(body, `href="/admin/plateforme/taches-en-echec"`) {
			t.Errorf("%s shows no alert of the failed task", path)
		}
	}
	resp, body := get(t, c, p.URL+"/admin/plateforme/taches-en-echec")
	if resp.StatusCode != 200 || !strings.Contains(body, typeAlwaysFails) || !strings.Contains(body, "serveur de courriel injoignable") {
		t.Fatalf("failed tasks page = %d, without the task", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, p.URL+"/admin/plateforme/taches-en-echec/default/"+id+"/relance", url.Values{}); resp.StatusCode != 403 {
		t.Errorf("retry without CSRF token = %d, want 403", resp.StatusCode)
	}
	fail.Store(false)
	resp, _ = postForm(t, c, p.URL+"/admin/plateforme/taches-en-echec/default/"+id+"/relance", url.Values{"_csrf": {token}})
	if resp.StatusCode != 303 {
		t.Fatalf("retry = %d, want 303", resp.StatusCode)
	}
	select {
	case <-ran:
	case <-time.After(time.Minute):
		t.Fatal("the retried task did not run")
	}
	if _, body := get(t, c, p.URL+"/admin/plateforme/taches-en-echec"); !strings.Contains(body, "Aucune tâche en échec") {
		t.Error("the retried task is still listed")
	}
	if resp, _ := postForm(t, c, p.URL+"/admin/plateforme/taches-en-echec/default/"+id+"/relance", url.Values{"_csrf": {token}}); resp.StatusCode != 404 {
		t.Errorf("retry of a task no longer failed = %d, want 404", resp.StatusCode)
	}

	// "Relancer tout" empties the archive.
	fail.Store(true)
	archivedTask(t, opt)
	fail.Store(false)
	if resp, _ := postForm(t, c, p.URL+"/admin/plateforme/taches-en-echec/relance", url.Values{"_csrf": {token}}); resp.StatusCode != 303 {
		t.Fatalf("retry all = %d, want 303", resp.StatusCode)
	}
	select {
	case <-ran:
	case <-time.After(time.Minute):
		t.Fatal("the task retried with the others did not run")
	}
}

func TestTaskMonitorForPlatformOnly(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	c, _ := signInAs(t, p, "plateforme@demo.vivier.test")
	resp, body := get(t, c, p.URL+"/admin/taches")
	if resp.StatusCode != 200 || !strings.Contains(body, `window.FLAG_ROOT_PATH="\/admin\/taches"`) {
		t.Fatalf("/admin/taches = %d", resp.StatusCode)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self' 'sha256-") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") ||
		!strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("monitor CSP = %q", csp)
	}
	if resp, body := get(t, c, p.URL+"/admin/taches/api/queues"); resp.StatusCode != 200 || !strings.Contains(body, "queues") {
		t.Errorf("monitor API = %d %s", resp.StatusCode, body)
	}
	// Elsewhere the strict policy holds.
	if resp, _ := get(t, c, p.URL+"/admin/plateforme/taches-en-echec"); strings.Contains(resp.Header.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("the monitor's policy leaks to other pages")
	}
	other, _ := signInAs(t, p, "admin@ministere-demo.vivier.test")
	for _, path := range []string{"/admin/taches", "/admin/taches/api/queues", "/admin/plateforme/taches-en-echec"} {
		if resp, _ := get(t, other, p.URL+path); resp.StatusCode != 404 {
			t.Errorf("%s for an administration's admin = %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, _ := get(t, newClient(t), p.URL+"/admin/taches"); resp.StatusCode != 303 {
		t.Errorf("/admin/taches signed out = %d, want 303", resp.StatusCode)
	}
}

func TestAccessibilityOfFailedTasks(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	opt, _, _ := failingWorker(t, p)
	archivedTask(t, opt)
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, signInUntil(p, "plateforme@demo.vivier.test", `a[href="/admin/plateforme/administrations"]`)...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "my administrations with a failed task")
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/admin/plateforme/taches-en-echec"), chromedp.WaitVisible("#failed-tasks-table")); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, ctx, "failed tasks")
	noConsoleErrors(t, console)
	// Asynqmon runs under its own policy: its scripts run (the app draws
	// its tables), and nothing it needs is refused but Google Fonts, which
	// the policy keeps out on purpose.
	seen := len(console())
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/admin/taches"), chromedp.WaitVisible("#root table")); err != nil {
		t.Fatal(err)
	}
	for _, msg := range console()[seen:] {
		if (strings.Contains(msg, "Content Security Policy") || strings.Contains(msg, "Refused to")) && !strings.Contains(msg, "fonts.googleapis.com") {
			t.Errorf("the monitor's policy refuses: %s", msg)
		}
	}
}
