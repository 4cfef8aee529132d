package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"vivier/jobs/jobstest"
)

// The Procfile's process types are the ones a Procfile platform runs (web
// gets PORT), and each command is one the binary knows.
func TestProcfileRunsRealSubcommands(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../Procfile")
	if err != nil {
		t.Fatal(err)
	}
	types := map[string][]string{}
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		name, command, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) != name || name == "" {
			t.Fatalf("Procfile line %d %q: want name: command", i+1, line)
		}
		types[name] = strings.Fields(command)
	}
	want := map[string][]string{"web": {"vivier", "serve"}, "worker": {"vivier", "worker"}, "release": {"vivier", "migrate", "up"}}
	if len(types) != len(want) {
		t.Errorf("process types %v, want %v", types, want)
	}
	for name, args := range want {
		if !slices.Equal(types[name], args) {
			t.Errorf("%s: %q, want %q", name, types[name], args)
		}
		if len(types[name]) > 1 {
			checkSubcommand(t, types[name][1:])
		}
	}
}

// checkSubcommand fails the test unless args name a subcommand.
func checkSubcommand(t *testing.T, args []string) {
	t.Helper()
	if err := notSubcommand(args); err != nil {
		t.Error(err)
	}
}

// notSubcommand tells a subcommand from a typo without running it: with
// PostgreSQL out of reach, a real one fails on DATABASE_URL, and an unknown
// one (or unknown arguments) prints the usage.
func notSubcommand(args []string) error {
	env := mapEnv(map[string]string{"DATABASE_URL": "postgres://vivier@127.0.0.1:1/vivier?sslmode=disable&connect_timeout=2",
		"ADDR": "127.0.0.1:0", "REDIS_URL": "redis://127.0.0.1:1/0"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out, errs bytes.Buffer
	code := run(ctx, args, env, &out, &errs)
	if code != 1 || !strings.Contains(errs.String(), "DATABASE_URL") || strings.Contains(errs.String(), "usage:") {
		return fmt.Errorf("vivier %s is not a subcommand: exit %d, %s", strings.Join(args, " "), code, errs.String())
	}
	return nil
}

// The checker itself: a typo is caught.
func TestSubcommandCheckCatchesATypo(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"serv"}, {"serve", "--port", "80"}, {"migrate", "upp"}, {"worker", "serve"}} {
		if notSubcommand(args) == nil {
			t.Errorf("vivier %s passed the subcommand check", strings.Join(args, " "))
		}
	}
}

// unit is a systemd unit file: section → key → values, in order.
type unit map[string]map[string][]string

func readUnit(t *testing.T, path string) unit {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer jobstest.Close(t, f)
	u, section := unit{}, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
			u[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s: %q", path, line)
			}
			u[section][k] = append(u[section][k], v)
		}
	}
	return u
}

// The example units run real subcommands, with the hardening the README
// promises, and systemd's own checker finds nothing to say about them.
func TestSystemdUnits(t *testing.T) {
	t.Parallel()
	for cmd, path := range map[string]string{"serve": "deploy/vivier-serve.service", "worker": "deploy/vivier-worker.service"} {
		u := readUnit(t, path)
		s := u["Service"]
		if !slices.Equal(s["ExecStart"], []string{"/usr/local/bin/vivier " + cmd}) ||
			!slices.Equal(s["ExecStartPre"], []string{"/usr/local/bin/vivier migrate up"}) {
			t.Errorf("%s: ExecStart %q, ExecStartPre %q", path, s["ExecStart"], s["ExecStartPre"])
		}
		for _, exe := range append(slices.Clone(s["ExecStart"]), s["ExecStartPre"]...) {
			checkSubcommand(t, strings.Fields(exe)[1:])
		}
		for k, v := range map[string]string{"EnvironmentFile": "/etc/vivier/env", "DynamicUser": "yes", "User": "vivier",
			"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
			"Restart": "on-failure", "StateDirectory": "vivier", "CapabilityBoundingSet": ""} {
			if !slices.Equal(s[k], []string{v}) {
				t.Errorf("%s: %s=%q, want %q", path, k, s[k], v)
			}
		}
		// systemd stops waiting before the program does otherwise, and kills
		// requests and tasks that SHUTDOWN_TIMEOUT would let finish.
		defaults, err := LoadConfig(mapEnv(nil))
		if err != nil {
			t.Fatal(err)
		}
		if stop, err := time.ParseDuration(strings.Join(s["TimeoutStopSec"], "")); err != nil || stop <= defaults.ShutdownTimeout {
			t.Errorf("%s: TimeoutStopSec=%q, want more than SHUTDOWN_TIMEOUT (%s)", path, s["TimeoutStopSec"], defaults.ShutdownTimeout)
		}
		if !slices.Equal(u["Install"]["WantedBy"], []string{"multi-user.target"}) {
			t.Errorf("%s: [Install] %v", path, u["Install"])
		}
	}
	systemdVerify(t, "deploy/vivier-serve.service", "deploy/vivier-worker.service")
}

// systemdVerify runs `systemd-analyze verify` on the units installed in a
// root of their own, as an operator would install them: the binary in
// /usr/local/bin, the units in /etc/systemd/system, beside the system's
// targets. Any word from it, warning or error, fails.
func systemdVerify(t *testing.T, paths ...string) {
	t.Helper()
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze not found: install systemd (on Debian: apt-get install systemd)")
	}
	root := t.TempDir()
	for _, d := range []string{"usr/local/bin", "usr/lib/systemd", "etc/systemd/system"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// The system's own units (sysinit.target, …) that every service needs.
	if out, err := exec.Command("cp", "-a", "/usr/lib/systemd/system", filepath.Join(root, "usr/lib/systemd/")).CombinedOutput(); err != nil {
		t.Fatalf("copy the system's units: %v %s", err, out)
	}
	if err := os.WriteFile(filepath.Join(root, "usr/local/bin/vivier"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"verify", "--root=" + root, "--man=no"}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		if err := os.WriteFile(filepath.Join(root, "etc/systemd/system", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "/etc/systemd/system/"+name)
	}
	out, err := exec.Command(analyze, args...).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// The example environment file is one the program accepts.
func TestEnvironmentExampleLoads(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("deploy/env.example")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("env.example: %q", line)
		}
		vars[k] = strings.Trim(v, `"`)
	}
	c, err := LoadConfig(mapEnv(vars))
	if err != nil {
		t.Fatal(err)
	}
	if !c.CookieSecure || !strings.HasPrefix(c.BaseURL, "https://") || c.MailFrom != "Vivier <ne-pas-repondre@exemple.gouv.fr>" {
		t.Errorf("config from env.example: %+v", c)
	}
}
