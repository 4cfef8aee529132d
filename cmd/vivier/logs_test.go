package main

import (
	"bytes"
	"context"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a log destination that tests read while the program writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var linkTokenRE = regexp.MustCompile(`/([A-Za-z0-9_-]{43})(?:[/?"#]|$)`)

// TestLogsHoldNoLinkTokens holds the rule "tokens never reach a log": whoever
// reads the logs must not be able to open a candidate's space or take over an
// account. The whole program (web and worker, logging at debug level) runs
// the flows whose emails carry a token — apply and follow the tracking link,
// a password reset, an agent's invitation, a job alert and its unsubscribe
// link — plus an unknown token, then every token sent is searched in the logs.
func TestLogsHoldNoLinkTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	logs := &lockedBuffer{}
	p := startProgramLogging(t, "dev", map[string]string{"LOG_LEVEL": "debug", "RATE_LIMIT_PER_MINUTE": "10000"}, logs)
	seedDemo(t, p)
	o := openOfferOf(t, p, "ministere-demo", "LOGS-1", "Jardinier des squares")
	var tokens []string
	linkOf := func(template, to string, re *regexp.Regexp) string {
		t.Helper()
		m := sentEmail(t, p, template, to)
		for _, l := range emailLinks(m) {
			for _, s := range linkTokenRE.FindAllStringSubmatch(l, -1) {
				tokens = append(tokens, s[1])
			}
		}
		l := re.FindString(m.Text)
		if l == "" {
			t.Fatalf("no link in the %s email: %s", template, m.Text)
		}
		return l
	}
	actFrom := func(page, path string, form url.Values, want int) {
		t.Helper()
		c := newClient(t)
		resp, page := get(t, c, p.URL+page)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", path, resp.StatusCode)
		}
		form.Set("_csrf", csrfToken(t, page))
		if resp, body := postForm(t, c, p.URL+path, form); resp.StatusCode != want {
			t.Fatalf("POST %s = %d, want %d: %s", path, resp.StatusCode, want, body)
		}
	}
	// act opens the page of a form, as a browser would, and sends it.
	act := func(path string, form url.Values, want int) {
		t.Helper()
		actFrom(path, path, form, want)
	}

	// A candidate applies, opens her space and corrects her phone number.
	if resp, body := applyWith(t, p, o, "camille@exemple.fr", "Camille", "Martin", "0612345678"); resp.StatusCode != 303 {
		t.Fatalf("apply = %d %s", resp.StatusCode, body)
	}
	space := linkOf("application_received", "camille@exemple.fr", trackRE)
	var appID string
	if err := p.Store().DB().GetContext(ctx, &appID, `SELECT a.id::text FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE c.email = 'camille@exemple.fr'`); err != nil {
		t.Fatal(err)
	}
	actFrom(space, space+"/coordonnees", url.Values{"first_name": {"Camille"}, "last_name": {"Martin"}, "phone": {"0698765432"},
		"applications": {appID}}, 303)
	// Someone tries a token that does not exist.
	unknown := strings.Repeat("Zq", 21) + "Z"
	tokens = append(tokens, unknown)
	if resp, _ := get(t, newClient(t), p.URL+"/suivi/"+unknown); resp.StatusCode != 404 {
		t.Fatalf("unknown tracking link = %d, want 404", resp.StatusCode)
	}

	// An agent resets her password.
	act("/admin/mot-de-passe-oublie", url.Values{"email": {"marque@ministere-demo.vivier.test"}}, 200)
	reset := linkOf("password_reset", "marque@ministere-demo.vivier.test", regexp.MustCompile(`/admin/mot-de-passe/[A-Za-z0-9_-]{43}`))
	act(reset, url.Values{"password": {"un nouveau mot de passe"}, "password_confirm": {"un nouveau mot de passe"}}, 303)

	// The administrator invites an agent, who accepts.
	ac, csrf := signInAs(t, p, "admin@ministere-demo.vivier.test")
	if resp, body := postForm(t, ac, p.URL+"/admin/ministere-demo/agents/invitations", url.Values{"_csrf": {csrf},
		"email": {"nouvelle@exemple.org"}, "role": {"lecteur"}}); resp.StatusCode != 303 {
		t.Fatalf("invite = %d %s", resp.StatusCode, body)
	}
	invitation := linkOf("agent_invitation", "nouvelle@exemple.org", regexp.MustCompile(`/admin/invitation/[A-Za-z0-9_-]{43}`))
	act(invitation, url.Values{"first_name": {"Nina"}, "last_name": {"Lenoir"}, "password": {"un mot de passe solide"},
		"password_confirm": {"un mot de passe solide"}}, 303)

	// A visitor subscribes to a job alert, confirms it, receives it, and
	// unsubscribes.
	act("/alertes/nouvelle?q=jardinier", url.Values{"recherche": {"q=jardinier"}, "email": {"lou@exemple.fr"}}, 200)
	confirm := linkOf("job_alert_confirm", "lou@exemple.fr", alertConfirmRE)
	act(confirm, url.Values{}, 200)
	publishOffer(t, p, "LOGS-2", "Jardinier des parcs")
	if n, err := p.worker.RunJobAlerts(ctx, time.Now().AddDate(0, 0, 1)); err != nil || n != 1 {
		t.Fatalf("job alerts: %d sent, %v", n, err)
	}
	unsubscribe := linkOf("job_alert", "lou@exemple.fr", regexp.MustCompile(`/alertes/desinscription/[A-Za-z0-9_-]{43}`))
	act(unsubscribe, url.Values{}, 200)

	// A public agent signs in to the mobility space.
	act("/mobilite/connexion", url.Values{"email": {"ines@culture.gouv.fr"}, "retour": {"/mobilite"}}, 200)
	signin := linkOf("mobility_link", "ines@culture.gouv.fr", mobilityLinkRE)
	act(signin, url.Values{}, 303)

	// The program has logged those requests, and a worker's emails...
	got := logs.String()
	for _, want := range []string{"/suivi/[jeton]", "/admin/mot-de-passe/[jeton]", "/admin/invitation/[jeton]",
		"/alertes/desinscription/[jeton]", "/mobilite/connexion/[jeton]"} {
		if !strings.Contains(got, want) {
			t.Errorf("the logs lack %q: the requests were not logged", want)
		}
	}
	// ... and no token.
	if len(tokens) < 6 {
		t.Fatalf("only %d tokens collected from the emails", len(tokens))
	}
	for _, tok := range tokens {
		if i := strings.Index(got, tok); i >= 0 {
			t.Errorf("a token sent by email is in the logs: …%s…", got[max(0, i-120):min(len(got), i+60)])
		}
	}
	t.Logf("%d tokens searched in %d lines of logs", len(tokens), strings.Count(got, "\n"))
}
