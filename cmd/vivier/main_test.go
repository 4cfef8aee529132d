package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
)

// program is the whole of Vivier started by Main against the test services.
type program struct {
	*Main
	URL   string
	SMTP  *jobstest.SMTP
	Redis asynq.RedisClientOpt
}

// startProgram runs Main in mode on a free port, with its own database, Redis
// database and SMTP capture; env overrides the configuration.
func startProgram(t testing.TB, mode string, env map[string]string) *program {
	t.Helper()
	return startProgramLogging(t, mode, env, nil)
}

// startProgramLogging is startProgram whose logs go to logs (when not nil).
func startProgramLogging(t testing.TB, mode string, env map[string]string, logs io.Writer) *program {
	t.Helper()
	capture := jobstest.NewSMTP(t)
	vars := map[string]string{
		"ADDR":                 "127.0.0.1:0",
		"DATABASE_URL":         dbtest.NewURL(t),
		"SMTP_URL":             capture.URL,
		"OUTBOX_POLL_INTERVAL": "20ms",
		"TASK_POLL_INTERVAL":   "20ms",
		"LOG_LEVEL":            "warn",
		"SHUTDOWN_TIMEOUT":     "5s",
		"FILES_URL":            "file://" + t.TempDir(),
	}
	if _, ok := env["REDIS_URL"]; !ok {
		vars["REDIS_URL"] = jobstest.URL(jobstest.Redis(t))
	}
	for k, v := range env {
		vars[k] = v
	}
	cfg, err := LoadConfig(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	redis, err := asynq.ParseRedisURI(cfg.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case logs != nil:
	case testing.Verbose():
		logs = os.Stderr
	default:
		logs = io.Discard
	}
	m := NewMain(cfg, newLogger(cfg, logs), io.Discard)
	if err := m.Run(context.Background(), mode); err != nil {
		t.Fatalf("Run(%s): %v (close: %v)", mode, err, m.Close())
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		// The testing package keeps a finished parallel test, and the
		// cleanups it ran, until the whole package ends: without this, every
		// program the package started (its parsed templates, its pools)
		// would stay in memory to the end.
		m = nil
	})
	return &program{Main: m, URL: "http://" + m.Addr(), SMTP: capture, Redis: redis.(asynq.RedisClientOpt)}
}

// drained waits until the program's worker has relayed the outbox and run
// every task: a check that an email was not sent counts after it.
func (p *program) drained(t *testing.T) {
	t.Helper()
	jobstest.Drained(t, p.Store().DB(), p.Redis)
}

// client is a browser-like HTTP client: cookies kept, redirects not followed.
func newClient(t testing.TB) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t testing.TB, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return resp, readBody(t, resp)
}

// send sends req with c, and returns the answer and its body.
func send(t testing.TB, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return resp, readBody(t, resp)
}

// readBody reads and closes the body of resp.
func readBody(t testing.TB, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read the answer to %s %s: %v", resp.Request.Method, resp.Request.URL, err)
	}
	return string(b)
}

func postForm(t testing.TB, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatalf("POST %s: %v", u, err)
	}
	return resp, readBody(t, resp)
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func csrfToken(t testing.TB, page string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token in the page")
	}
	return m[1]
}

func TestProgramAnswers(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "dev", nil)
	c := newClient(t)

	resp, body := get(t, c, p.URL+"/healthz")
	if resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("/healthz = %d %q", resp.StatusCode, body)
	}
	resp, body = get(t, c, p.URL+"/readyz")
	var ready struct {
		Ready  bool              `json:"ready"`
		Checks map[string]string `json:"checks"`
	}
	if err := json.Unmarshal([]byte(body), &ready); err != nil || resp.StatusCode != 200 || !ready.Ready {
		t.Fatalf("/readyz = %d %s", resp.StatusCode, body)
	}
	for _, page := range []struct{ path, want string }{
		{"/", "Travailler pour le service public"},
		{"/admin/connexion", "Connexion à l'espace recruteur"},
		{"/accessibilite", "Déclaration d'accessibilité"},
		{"/mentions-legales", "Mentions légales"},
		{"/donnees-personnelles", "Données personnelles"},
	} {
		resp, body := get(t, c, p.URL+page.path)
		if resp.StatusCode != 200 || !strings.Contains(body, page.want) {
			t.Errorf("%s = %d, want 200 with %q", page.path, resp.StatusCode, page.want)
			continue
		}
		for _, must := range []string{`<html lang="fr"`, "Vivier — recrutement public", `href="#contenu"`, `id="contenu"`,
			"/accessibilite", "/mentions-legales", "/donnees-personnelles", "dsfr/dsfr.print.min.css"} {
			if !strings.Contains(body, must) {
				t.Errorf("%s lacks %q", page.path, must)
			}
		}
		// The back office has the whole DSFR, the public pages its subset.
		sheet := "dsfr/public.min.css"
		if strings.HasPrefix(page.path, "/admin/") {
			sheet = "dsfr/dsfr.main.min.css"
		}
		if !strings.Contains(body, sheet) {
			t.Errorf("%s does not link %s", page.path, sheet)
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("%s: Content-Security-Policy %q", page.path, csp)
		}
		if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: headers %v", page.path, resp.Header)
		}
	}

	// Browsing the public site writes nothing: no CSRF token for pages
	// without forms; the sign-in page has one.
	if resp, _ := get(t, newClient(t), p.URL+"/"); len(resp.Cookies()) != 0 {
		t.Errorf("/ sets cookies %v", resp.Cookies())
	}
	resp, body = get(t, newClient(t), p.URL+"/admin/connexion")
	if len(resp.Cookies()) == 0 {
		t.Error("/admin/connexion sets no CSRF cookie")
	}
	if strings.Contains(body, "dsfr/public.min.css") {
		t.Error("/admin/connexion links the public pages' DSFR subset")
	}
	// Any state-changing request without a token is refused, wherever it goes.
	for _, path := range []string{"/", "/admin/deconnexion", "/nimporte-ou"} {
		resp, body := postForm(t, newClient(t), p.URL+path, url.Values{"a": {"b"}})
		if resp.StatusCode != 403 || !strings.Contains(body, "Le formulaire a expiré") {
			t.Errorf("POST %s without a CSRF token = %d", path, resp.StatusCode)
		}
	}

	resp, body = get(t, c, p.URL+"/pas-de-page-ici")
	if resp.StatusCode != 404 || !strings.Contains(body, "Page non trouvée") || !strings.Contains(body, "introuvable") {
		t.Fatalf("unknown page = %d, want the French 404 page", resp.StatusCode)
	}
	resp, body = get(t, c, p.URL+"/api/v1/rien")
	if resp.StatusCode != 404 || !strings.Contains(body, `"code":"not_found"`) {
		t.Fatalf("unknown API path = %d %s, want a JSON 404", resp.StatusCode, body)
	}
}

func TestStaticAssetsAreFingerprintedAndCached(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", nil)
	c := newClient(t)
	_, home := get(t, c, p.URL+"/")
	css := regexp.MustCompile(`href="(/static/[0-9a-f]{12}/dsfr/public\.min\.css)"`).FindStringSubmatch(home)
	if css == nil {
		t.Fatal("no fingerprinted DSFR stylesheet in the home page")
	}
	resp, body := get(t, c, p.URL+css[1])
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") || len(body) < 100000 {
		t.Fatalf("%s = %d %v (%d bytes)", css[1], resp.StatusCode, resp.Header, len(body))
	}
	// The css finds its fonts and icons relative to itself.
	base := strings.TrimSuffix(css[1], "public.min.css")
	for _, rel := range []string{"fonts/Marianne-Regular.woff2", "icons/system/close-line.svg", "dsfr.module.min.js"} {
		if resp, _ := get(t, c, p.URL+base+rel); resp.StatusCode != 200 {
			t.Errorf("%s = %d", base+rel, resp.StatusCode)
		}
	}
	if resp, _ := get(t, c, p.URL+"/static/000000000000/css/vivier.css"); resp.StatusCode != 200 ||
		strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("an old release's asset = %d %q; want 200, short cache", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, _ := get(t, c, p.URL+base+"../../etc/passwd"); resp.StatusCode != 404 {
		t.Errorf("path traversal = %d, want 404", resp.StatusCode)
	}
}

func TestSignInWithCSRF(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	c := newClient(t)
	_, page := get(t, c, p.URL+"/admin/connexion")
	token := csrfToken(t, page)

	// Without the token: refused, in French.
	resp, body := postForm(t, newClient(t), p.URL+"/admin/connexion",
		url.Values{"email": {"admin@ministere-demo.vivier.test"}, "password": {DemoPassword}})
	if resp.StatusCode != 403 || !strings.Contains(body, "Le formulaire a expiré") {
		t.Fatalf("POST without CSRF token = %d", resp.StatusCode)
	}
	// A wrong password and an unknown email get the same answer.
	for _, email := range []string{"admin@ministere-demo.vivier.test", "personne@ministere-demo.vivier.test"} {
		resp, body = postForm(t, c, p.URL+"/admin/connexion", url.Values{"_csrf": {token}, "email": {email}, "password": {"pas le bon mot de passe"}})
		if resp.StatusCode != 401 || !strings.Contains(body, "Adresse électronique ou mot de passe incorrect.") {
			t.Fatalf("bad credentials for %s = %d", email, resp.StatusCode)
		}
	}
	resp, body = postForm(t, c, p.URL+"/admin/connexion", url.Values{"_csrf": {token}, "email": {""}, "password": {""}})
	if resp.StatusCode != 422 || !strings.Contains(body, `aria-describedby="email-error"`) ||
		!strings.Contains(body, "Saisissez votre mot de passe.") || !strings.Contains(body, "<title>Erreur") {
		t.Fatalf("empty form = %d, want 422 with the errors tied to their fields", resp.StatusCode)
	}

	before := sessionCookie(t, c, p.URL)
	resp, _ = postForm(t, c, p.URL+"/admin/connexion", url.Values{"_csrf": {token}, "email": {"Admin@Ministere-Demo.vivier.test"}, "password": {DemoPassword}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/" {
		t.Fatalf("sign-in = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	after := sessionCookie(t, c, p.URL)
	if after == "" || after == before {
		t.Fatal("the session id was not renewed at sign-in")
	}
	// One administration: /admin/ leads straight to it.
	resp, _ = get(t, c, p.URL+"/admin/")
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/ministere-demo" {
		t.Fatalf("/admin/ after sign-in = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = get(t, c, p.URL+"/admin/ministere-demo")
	if resp.StatusCode != 200 || !strings.Contains(body, "admin@ministere-demo.vivier.test") || !strings.Contains(body, "Ministère de la Démonstration") {
		t.Fatalf("/admin/ministere-demo after sign-in = %d\n%s", resp.StatusCode, body)
	}

	// Sessions live in PostgreSQL: a second program on the same database
	// (a restart, or another instance) knows the session.
	second := startProgram(t, "serve", map[string]string{"DATABASE_URL": p.Config.DatabaseURL})
	jar := c.Jar
	u2, err := url.Parse(second.URL)
	if err != nil {
		t.Fatal(err)
	}
	u1, err := url.Parse(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	jar.SetCookies(u2, jar.Cookies(u1))
	resp, body = get(t, c, second.URL+"/admin/ministere-demo")
	if resp.StatusCode != 200 || !strings.Contains(body, "admin@ministere-demo.vivier.test") {
		t.Fatalf("/admin/ministere-demo on a second instance = %d", resp.StatusCode)
	}

	_, body = get(t, c, p.URL+"/admin/ministere-demo")
	resp, _ = postForm(t, c, p.URL+"/admin/deconnexion", url.Values{"_csrf": {csrfToken(t, body)}})
	if resp.StatusCode != 303 {
		t.Fatalf("sign-out = %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, p.URL+"/admin/"); resp.StatusCode != 303 {
		t.Fatalf("/admin/ after sign-out = %d, want a redirect to sign in", resp.StatusCode)
	}
}

func sessionCookie(t *testing.T, c *http.Client, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "vivier_session" {
			return ck.Value
		}
	}
	return ""
}

func TestSignInIsRateLimited(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "3"})
	c := newClient(t)
	_, page := get(t, c, p.URL+"/admin/connexion")
	token := csrfToken(t, page)
	var last int
	var body string
	for i := 0; i < 4; i++ {
		var resp *http.Response
		resp, body = postForm(t, c, p.URL+"/admin/connexion", url.Values{"_csrf": {token}, "email": {"x@y.fr"}, "password": {"nope"}})
		last = resp.StatusCode
	}
	if last != 429 || !strings.Contains(body, "Trop de tentatives") {
		t.Fatalf("4th attempt in a minute = %d, want 429 with a French message", last)
	}
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", map[string]string{"BODY_LIMIT_MB": "1"})
	resp, err := http.Post(p.URL+"/admin/connexion", "application/x-www-form-urlencoded", strings.NewReader("a="+strings.Repeat("x", 2<<20)))
	if err != nil {
		// fasthttp may close the connection before reading it all: a
		// refusal too, but only a reset or a broken pipe.
		if !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "broken pipe") && !strings.Contains(err.Error(), "EOF") {
			t.Fatalf("a 2 MB body: %v", err)
		}
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("a 2 MB body with a 1 MB limit = %d, want 413", resp.StatusCode)
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "dev", map[string]string{"METRICS_TOKEN": "s3cret"})
	c := newClient(t)
	get(t, c, p.URL+"/")
	if resp, _ := get(t, c, p.URL+"/metrics"); resp.StatusCode != 401 {
		t.Fatalf("/metrics without the token = %d, want 401", resp.StatusCode)
	}
	req, err := http.NewRequest("GET", p.URL+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer s3cret")
	_, b := send(t, c, req)
	for _, want := range []string{
		`vivier_http_requests_total{method="GET",route="/",status="200"} 1`,
		`vivier_http_request_duration_seconds_bucket{method="GET",route="/",status="200"`,
		"vivier_outbox_backlog 0", "vivier_asynq_up 1", "go_goroutines",
	} {
		if !strings.Contains(b, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// startDemo is startProgram with the demo administrations and accounts
// loaded (seedDemo).
func startDemo(t testing.TB, mode string, env map[string]string) *program {
	t.Helper()
	p := startProgram(t, mode, env)
	seedDemo(t, p)
	return p
}

// seedDemo loads the demo administrations and accounts (not the demo
// offers: tests make their own) into a running program, and waits until its
// policies know the demo roles (the reload on NOTIFY is asynchronous).
func seedDemo(t testing.TB, p *program) {
	t.Helper()
	ctx := context.Background()
	if _, err := p.seedDemoAccounts(ctx); err != nil {
		t.Fatal(err)
	}
	if p.policies != nil {
		if err := p.policies.Reload(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
