package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"vivier"
	"vivier/jobs/jobstest"
)

// redisServer runs a Redis of the test's own on a fixed port, so that the
// test can stop it and start it again where the program expects it.
type redisServer struct {
	t    *testing.T
	port int
	cmd  *exec.Cmd
}

func startRedis(t *testing.T, port int) *redisServer {
	t.Helper()
	if port == 0 {
		port = jobstest.FreePort(t)
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal("redis-server not found: run the tests with `make test`, which installs it")
	}
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &redisServer{t: t, port: port, cmd: cmd}
	t.Cleanup(r.stop)
	jobstest.Eventually(t, fmt.Sprintf("redis-server listening on port %d", port), func() (bool, error) {
		c, err := net.Dial("tcp", r.addr())
		if err != nil {
			return false, nil // not yet listening
		}
		return true, c.Close()
	})
	return r
}

func (r *redisServer) addr() string { return fmt.Sprintf("127.0.0.1:%d", r.port) }

func (r *redisServer) stop() {
	if r.cmd.Process != nil && r.cmd.ProcessState == nil {
		if err := r.cmd.Process.Kill(); err != nil {
			r.t.Errorf("stop redis-server: %v", err)
		}
		_ = r.cmd.Wait() // killed: it exits with an error
	}
}

type readiness struct {
	Ready  bool              `json:"ready"`
	Checks map[string]string `json:"checks"`
}

func ready(t *testing.T, p *program) (int, readiness) {
	t.Helper()
	resp, body := get(t, newClient(t), p.URL+"/readyz")
	var r readiness
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("/readyz body %q: %v", body, err)
	}
	return resp.StatusCode, r
}

// With Redis gone, the site still answers and /readyz says why it is not
// ready; when Redis is back, the same process is ready again.
func TestRedisOutageAndRecovery(t *testing.T) {
	t.Parallel()
	redis := startRedis(t, 0)
	p := startProgram(t, "serve", map[string]string{"REDIS_URL": "redis://" + redis.addr() + "/0"})
	if code, r := ready(t, p); code != 200 || !r.Ready {
		t.Fatalf("/readyz with Redis up = %d %+v", code, r)
	}

	redis.stop()
	code, r := ready(t, p)
	if code != 503 || r.Ready || !strings.HasPrefix(r.Checks["redis"], "indisponible") || r.Checks["postgres"] != "ok" {
		t.Fatalf("/readyz with Redis down = %d %+v", code, r)
	}
	c := newClient(t)
	if resp, body := get(t, c, p.URL+"/"); resp.StatusCode != 200 || !strings.Contains(body, "Travailler pour le service public") {
		t.Fatalf("/ with Redis down = %d", resp.StatusCode)
	}
	// The sign-in page (rate limited through Redis) still works: the limit
	// counts within the process rather than locking everyone out
	// (signin_limits_test.go checks that it still refuses).
	_, page := get(t, c, p.URL+"/admin/connexion")
	resp, _ := postForm(t, c, p.URL+"/admin/connexion", map[string][]string{"_csrf": {csrfToken(t, page)}, "email": {"a@b.fr"}, "password": {"x"}})
	if resp.StatusCode != 401 {
		t.Fatalf("sign-in with Redis down = %d, want 401 (wrong password)", resp.StatusCode)
	}

	startRedis(t, redis.port)
	jobstest.Eventually(t, "/readyz ready once Redis is back", func() (bool, error) {
		code, _ := ready(t, p)
		return code == 200, nil
	})
}

// The test email command writes an outbox row; the worker of a running
// program relays it and sends it through a real SMTP conversation.
func TestMailTestCommand(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "dev", nil)
	var out strings.Builder
	cmd := NewMain(p.Config, p.Log, &out)
	if err := cmd.Command(context.Background(), []string{"mail", "test", "agent@exemple.gouv.fr"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "mis en file") {
		t.Fatalf("output %q", out.String())
	}
	msgs := p.SMTP.Wait(t, 1, 15*time.Second)
	if msgs[0].To[0] != "agent@exemple.gouv.fr" || msgs[0].Subject != "Courriel de test de Vivier" {
		t.Fatalf("got %+v", msgs[0])
	}
	if err := cmd.Command(context.Background(), []string{"mail", "test", "pas-une-adresse"}); err == nil ||
		!strings.Contains(err.Error(), "adresse électronique n'est pas valide") {
		t.Fatalf("bad address: %v", err)
	}
}

// Stopping the program lets a task in flight finish: the email being sent
// when the stop comes is delivered and recorded, not cut off nor sent twice.
func TestShutdownFinishesTasksInFlight(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "dev", nil)
	p.SMTP.SetDelay(time.Second)
	ctx := context.Background()
	var out strings.Builder
	if err := NewMain(p.Config, p.Log, &out).Command(ctx, []string{"mail", "test", "lent@example.org"}); err != nil {
		t.Fatal(err)
	}
	// Wait until the worker is in the SMTP conversation, then stop.
	jobstest.Eventually(t, "the worker sending its email", func() (bool, error) { return p.SMTP.Begun() == 1, nil })
	dsn := p.Config.DatabaseURL
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(p.SMTP.Messages()); n != 1 {
		t.Fatalf("%d email(s) delivered by the stopped program, want 1", n)
	}
	check, err := vivier.OpenDB(ctx, dsn, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer jobstest.Close(t, check)
	var sent int
	if err := check.Get(&sent, `SELECT count(*) FROM sent_emails WHERE recipient = 'lent@example.org' AND smtp_message_id <> ''`); err != nil || sent != 1 {
		t.Fatalf("sent_emails = %d, %v; want the email recorded", sent, err)
	}
}

// `vivier seed --demo` makes the demo accounts and about 200 published
// offers of all kinds; running it again changes nothing.
func TestSeedDemoIsIdempotent(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", nil)
	for i := 0; i < 2; i++ {
		if err := NewMain(p.Config, p.Log, io.Discard).Command(context.Background(), []string{"seed", "--demo"}); err != nil {
			t.Fatal(err)
		}
	}
	offers := count(t, p, `SELECT count(*) FROM offers WHERE status = 'published'`)
	kinds := count(t, p, `SELECT count(DISTINCT kind) FROM offers`)
	agents := count(t, p, `SELECT count(*) FROM agents`)
	if offers != 200 || kinds != 4 || agents != 9 {
		t.Fatalf("after two seeds: %d offers of %d kinds, %d agents", offers, kinds, agents)
	}
	sessions := count(t, p, `SELECT count(*) FROM interview_sessions`)
	convoked := count(t, p, `SELECT count(*) FROM interviews WHERE session_id IS NOT NULL`)
	choosing := count(t, p, `SELECT count(*) FROM interviews WHERE status = 'a_choisir'`)
	if sessions != 2 || convoked != 10 || choosing != 5 {
		t.Fatalf("after two seeds: %d sessions, %d convoked, %d choosing a slot", sessions, convoked, choosing)
	}
	internal := count(t, p, `SELECT count(*) FROM offers WHERE open_to_internal AND status = 'published'`)
	reserved := count(t, p, `SELECT count(*) FROM offers WHERE reserved_to_agents AND open_to_internal`)
	profiles := count(t, p, `SELECT count(*) FROM mobility_profiles WHERE visibility = 'all' AND expires_at > now()`)
	if internal != 6 || reserved != 1 || profiles != 1 {
		t.Fatalf("after two seeds: %d offers open to internal mobility, %d reserved, %d visible profiles", internal, reserved, profiles)
	}
}

// Applying does not need Redis: with it stopped, applications succeed; when
// it is back, every confirmation goes out, once.
func TestApplyWithoutRedis(t *testing.T) {
	t.Parallel()
	redis := startRedis(t, 0)
	// All from one address: above the limit per address, which still
	// holds (within the process) while Redis is down.
	p := startDemo(t, "dev", map[string]string{"REDIS_URL": "redis://" + redis.addr() + "/0", "APPLY_RATE_PER_HOUR": "100000"})
	o := openOfferWithQuestion(t, p)
	redis.stop()
	c := newClient(t)
	cv := pdfBytes(t, "", "CV")
	const n = 50
	for i := 0; i < n; i++ {
		resp, body := applyAs(t, c, p, o, fmt.Sprintf("c%02d@exemple.fr", i), cv)
		if resp.StatusCode != 303 {
			t.Fatalf("application %d with Redis down = %d %s", i, resp.StatusCode, body)
		}
	}
	startRedis(t, redis.port)
	// 50 confirmations and, for each, the two recruiters of ville-demo.
	msgs := p.SMTP.Wait(t, 3*n, 90*time.Second)
	seen := map[string]int{}
	for _, m := range msgs {
		if strings.HasSuffix(m.To[0], "@exemple.fr") {
			seen[m.To[0]]++
		}
	}
	p.drained(t)
	if len(seen) != n || len(p.SMTP.Messages()) != 3*n {
		t.Fatalf("%d candidates mailed, %d messages in all", len(seen), len(p.SMTP.Messages()))
	}
	for to, k := range seen {
		if k != 1 {
			t.Errorf("%s got %d confirmations", to, k)
		}
	}
}
