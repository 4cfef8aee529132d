package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
)

// An https site faces the Internet: its metrics need a token or a listener
// of their own, or the program does not start.
func TestMetricsOverHTTPSNeedTokenOrOwnAddress(t *testing.T) {
	t.Parallel()
	cfg, err := LoadConfig(mapEnv(map[string]string{"ADDR": "127.0.0.1:0", "BASE_URL": "https://vivier.exemple.gouv.fr",
		"DATABASE_URL": dbtest.NewURL(t), "REDIS_URL": jobstest.URL(jobstest.Redis(t)), "LOG_LEVEL": "error"}))
	if err != nil {
		t.Fatal(err)
	}
	m := NewMain(cfg, newLogger(cfg, io.Discard), io.Discard)
	err = m.Run(context.Background(), "serve")
	if cerr := m.Close(); cerr != nil {
		t.Error(cerr)
	}
	if err == nil || !strings.Contains(err.Error(), "METRICS_TOKEN") || !strings.Contains(err.Error(), "METRICS_ADDR") {
		t.Fatalf("serve over https with open metrics: err = %v, want a refusal naming METRICS_TOKEN and METRICS_ADDR", err)
	}

	// Their own listener: the site has no /metrics, the listener has them.
	p := startProgram(t, "serve", map[string]string{"BASE_URL": "https://vivier.exemple.gouv.fr", "METRICS_ADDR": "127.0.0.1:0"})
	c := newClient(t)
	get(t, c, p.URL+"/")
	if resp, _ := get(t, c, p.URL+"/metrics"); resp.StatusCode != 404 {
		t.Errorf("site's /metrics with METRICS_ADDR = %d, want 404", resp.StatusCode)
	}
	if p.MetricsAddr() == "" {
		t.Fatal("no metrics listener with METRICS_ADDR")
	}
	resp, body := get(t, c, "http://"+p.MetricsAddr()+"/metrics")
	if resp.StatusCode != 200 || !strings.Contains(body, `vivier_http_requests_total{method="GET",route="/",status="200"} 1`) {
		t.Errorf("metrics listener = %d, body lacks the site's request:\n%.400s", resp.StatusCode, body)
	}

	// A token alone is enough too.
	startProgram(t, "serve", map[string]string{"BASE_URL": "https://vivier.exemple.gouv.fr", "METRICS_TOKEN": "s3cret"})
}

// The demo accounts' password is public: an https instance gets them only
// when the operator insists.
func TestSeedDemoRefusesHTTPSWithoutForce(t *testing.T) {
	t.Parallel()
	env := mapEnv(map[string]string{"BASE_URL": "https://vivier.exemple.gouv.fr", "DATABASE_URL": dbtest.NewURL(t),
		"FILES_URL": "file://" + t.TempDir(), "LOG_LEVEL": "error"})
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"seed", "--demo"}, env, &out, &errs); code != 1 || !strings.Contains(errs.String(), "--force") {
		t.Fatalf("seed --demo over https = %d, stderr %q; want 1 and a hint at --force", code, errs.String())
	}
	count := func() int {
		cfg, err := LoadConfig(env)
		if err != nil {
			t.Fatal(err)
		}
		m := NewMain(cfg, newLogger(cfg, io.Discard), io.Discard)
		defer jobstest.Close(t, m)
		if err := m.open(context.Background()); err != nil {
			t.Fatal(err)
		}
		n, err := m.store.CountAdministrations(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(); n != 0 {
		t.Fatalf("refused seed left %d administrations", n)
	}
	for _, args := range [][]string{{"seed", "--force"}, {"seed", "--demo", "--force", "--force"}} {
		if code := run(context.Background(), args, env, &out, &errs); code != 2 {
			t.Errorf("%v = %d, want 2 (usage)", args, code)
		}
	}
	errs.Reset()
	if code := run(context.Background(), []string{"seed", "--demo", "--force"}, env, &out, &errs); code != 0 {
		t.Fatalf("seed --demo --force = %d, stderr %q", code, errs.String())
	}
	if n := count(); n != len(demoAdministrations) {
		t.Fatalf("after seed --demo --force: %d administrations, want %d", n, len(demoAdministrations))
	}
}

// .local/env holds the CSP secret key and the services' URLs: only its owner
// reads it, even when an older run left a readable file behind. The script
// runs from a copy, with every service named by URL, so it starts nothing.
func TestServicesEnvFileIsPrivate(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	script, err := os.ReadFile("../../.ci/services")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, ".ci"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, ".ci", "services"), script, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, ".local"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, ".local", "env.tmp"), []byte("OLD=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", "umask 022 && exec .ci/services up")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "DATABASE_URL=postgres://vivier@127.0.0.1:1/vivier", "REDIS_URL=redis://127.0.0.1:1/0",
		"SMTP_URL=smtp://127.0.0.1:1", "CSP_SECRET_KEY=c2VjcmV0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf(".ci/services up: %v\n%s", err, out)
	}
	fi, err := os.Stat(filepath.Join(root, ".local", "env"))
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Fatalf(".local/env mode = %o, want 600", mode)
	}
	b, err := os.ReadFile(filepath.Join(root, ".local", "env"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "CSP_SECRET_KEY=c2VjcmV0") || strings.Contains(string(b), "OLD=1") {
		t.Fatalf(".local/env = %q", b)
	}
}
