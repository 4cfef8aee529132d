package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"vivier"
	"vivier/jobs/jobstest"
)

// closedRedisURL is the address of a port that nothing listens on: a Redis
// that is down, without stopping the one the other tests share.
func closedRedisURL(t *testing.T) string {
	t.Helper()
	return fmt.Sprintf("redis://127.0.0.1:%d/0", jobstest.FreePort(t))
}

// With Redis unreachable, sign-in is still limited: the lock-out of an
// account holds within the process, and the right password does not open it.
func TestSignInLockOutWithoutRedis(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"REDIS_URL": closedRedisURL(t), "RATE_LIMIT_PER_MINUTE": "1000"})
	c := newClient(t)
	for i := 0; i < 10; i++ {
		if s, _ := signInForm(t, p, c, "lecteur@ville-demo.vivier.test", "mauvais mot de passe"); s != 401 {
			t.Fatalf("wrong password #%d = %d, want 401", i+1, s)
		}
	}
	status, body := signInForm(t, p, c, "lecteur@ville-demo.vivier.test", DemoPassword)
	if status != 429 || !strings.Contains(body, "Trop de tentatives de connexion pour ce compte") {
		t.Fatalf("11th attempt with Redis down = %d, want 429", status)
	}
	// The limit per IP of the sensitive routes falls back too.
	q := startProgram(t, "serve", map[string]string{"REDIS_URL": closedRedisURL(t), "RATE_LIMIT_PER_MINUTE": "3"})
	c = newClient(t)
	_, page := get(t, c, q.URL+"/admin/connexion")
	last := 0
	for i := 0; i < 4; i++ {
		resp, _ := postForm(t, c, q.URL+"/admin/connexion", url.Values{"_csrf": {csrfToken(t, page)}, "email": {"x@y.fr"}, "password": {"non"}})
		last = resp.StatusCode
	}
	if last != 429 {
		t.Fatalf("4th sign-in in a minute from one address with Redis down = %d, want 429", last)
	}
}

// A password chosen through a reset link ends the account's lock-out: the
// owner signs in at once.
func TestPasswordResetEndsLockOut(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "1000"})
	ctx := context.Background()
	const email = "recruteur@ville-demo.vivier.test"
	c := newClient(t)
	for i := 0; i < 10; i++ {
		signInForm(t, p, c, email, "mauvais mot de passe")
	}
	if s, _ := signInForm(t, p, c, email, DemoPassword); s != 429 {
		t.Fatalf("locked account = %d, want 429", s)
	}
	agent, err := p.Store().AgentByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	token, hash := vivier.NewToken()
	if err := p.Store().CreatePasswordReset(ctx, agent.ID, hash); err != nil {
		t.Fatal(err)
	}
	link := p.URL + "/admin/mot-de-passe/" + token
	_, page := get(t, c, link)
	const fresh = "une phrase assez longue pour rentrer"
	resp, _ := postForm(t, c, link, url.Values{"_csrf": {csrfToken(t, page)}, "password": {fresh}, "password_confirm": {fresh}})
	if resp.StatusCode != 303 {
		t.Fatalf("reset = %d", resp.StatusCode)
	}
	if s, _ := signInForm(t, p, newClient(t), email, fresh); s != 303 {
		t.Fatalf("sign-in right after the reset = %d, want 303", s)
	}
}

// "Mot de passe oublié" for one address from many client addresses queues a
// few emails at most, and answers an unknown address the same way.
func TestForgotPasswordLimitedPerAccount(t *testing.T) {
	t.Parallel()
	// The proxy in front (the test itself) is trusted, so each request
	// comes from the address it forwards.
	p := startDemo(t, "serve", map[string]string{"TRUSTED_PROXIES": "127.0.0.1", "RATE_LIMIT_PER_MINUTE": "1000"})
	c := newClient(t)
	_, page := get(t, c, p.URL+"/admin/mot-de-passe-oublie")
	token := csrfToken(t, page)
	ask := func(email string, from int) (int, string) {
		form := url.Values{"_csrf": {token}, "email": {email}}
		req, err := http.NewRequest("POST", p.URL+"/admin/mot-de-passe-oublie", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113."+strconv.Itoa(from))
		resp, body := send(t, c, req)
		return resp.StatusCode, body
	}
	queued := func(email string) int {
		var n int
		if err := p.Store().DB().Get(&n, `SELECT count(*) FROM outbox WHERE task_type = $1 AND payload->>'email' = $2`,
			vivier.TaskPasswordResetEmail, email); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const forgotPerAccount = 3 // admin/password.go
	known, unknown := "recruteur@ville-demo.vivier.test", "personne@ville-demo.vivier.test"
	statuses := map[string][]int{}
	for i := 1; i <= 20; i++ {
		for _, email := range []string{known, unknown} {
			// Spelt differently each time: the same account.
			s, _ := ask(strings.ToUpper(email[:1])+email[1:], i)
			statuses[email] = append(statuses[email], s)
		}
	}
	if n := queued(known); n < 1 || n > forgotPerAccount {
		t.Fatalf("%d reset emails queued for one account from 20 addresses, want 1 to %d", n, forgotPerAccount)
	}
	if n := queued(unknown); n != queued(known) {
		t.Fatalf("%d reset requests queued for an unknown address", n)
	}
	// Known or not, the same answers in the same order.
	for i := range statuses[known] {
		if statuses[known][i] != statuses[unknown][i] {
			t.Fatalf("request #%d: %d for an account, %d for no account", i+1, statuses[known][i], statuses[unknown][i])
		}
	}
	if last := statuses[known][19]; last != 429 {
		t.Fatalf("20th request for one address = %d, want 429", last)
	}
	// Another account is not held back.
	if s, _ := ask("marque@ville-demo.vivier.test", 99); s != 200 || queued("marque@ville-demo.vivier.test") != 1 {
		t.Fatalf("another account = %d", s)
	}
}
