package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"vivier"
)

// The notification screens: the dashboard's overdue list, each agent's
// choice, the administrators' automatic refusal, the recruiter's message
// with the failing address, the one-click unsubscribe; and an agent of
// another administration reaches none of it.
func TestNotificationScreens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	s := p.Store()
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 2)
	adm, err := s.AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	s.DB().MustExec(`UPDATE applications SET created_at = now() - interval '30 days' WHERE id = $1`, ids[0])
	base := p.URL + "/admin/ville-demo"
	appURL := fmt.Sprintf("%s/candidatures/%d", base, ids[0])

	c, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	if _, page := get(t, c, base); !strings.Contains(page, "1 candidature en attente au-delà du délai de réponse promis") ||
		!strings.Contains(page, fmt.Sprintf(`href="/admin/ville-demo/candidatures/%d"`, ids[0])) ||
		strings.Contains(page, fmt.Sprintf(`candidatures/%d"`, ids[1])) {
		t.Errorf("dashboard without the overdue application: %s", page)
	}

	// The agent's own choice.
	if resp, page := get(t, c, base+"/notifications"); resp.StatusCode != 200 || !strings.Contains(page, `value="immediate" checked`) {
		t.Fatalf("notifications page = %d: %s", resp.StatusCode, page)
	}
	if resp, page := postForm(t, c, base+"/notifications", url.Values{"_csrf": {token}, "new_application": {"souvent"}}); resp.StatusCode != 422 ||
		!strings.Contains(page, "Choisissez comment être prévenu·e") {
		t.Errorf("bad choice = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, base+"/notifications", url.Values{"_csrf": {token}, "new_application": {"digest"}}); resp.StatusCode != 303 {
		t.Fatalf("choose the digest = %d", resp.StatusCode)
	}
	rec, err := s.AgentByEmail(ctx, "recruteur@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := s.NotificationMode(ctx, rec.ID, adm.ID); err != nil || m != vivier.NotifyDigest {
		t.Fatalf("mode = %s (%v)", m, err)
	}
	if _, page := get(t, c, base+"/notifications"); strings.Contains(page, "Refus automatique") {
		t.Errorf("a recruiter sees the administrators' setting")
	}
	if resp, body := postForm(t, c, base+"/notifications/refus-automatique", url.Values{"_csrf": {token}, "auto_refuse": {"oui"}, "auto_refuse_days": {"60"}}); !denied(resp.StatusCode, body) {
		t.Errorf("a recruiter changed the automatic refusal: %d", resp.StatusCode)
	}

	// A message to the candidate, and the failing address.
	if resp, page := postForm(t, c, appURL+"/message", url.Values{"_csrf": {token}, "message": {"  "}}); resp.StatusCode != 422 ||
		!strings.Contains(page, "Écrivez votre message") {
		t.Errorf("empty message = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, appURL+"/message", url.Values{"_csrf": {token}, "message": {"Êtes-vous disponible jeudi ?"}}); resp.StatusCode != 303 {
		t.Fatalf("message = %d", resp.StatusCode)
	}
	var queued int
	if err := s.DB().Get(&queued, `SELECT count(*) FROM outbox WHERE task_type = $1 AND queue = 'critical'`, vivier.TaskRecruiterMessage); err != nil {
		t.Fatal(err)
	}
	if queued != 1 {
		t.Fatalf("%d recruiter message tasks in the outbox, want 1", queued)
	}
	a, err := s.ApplicationSummaryByID(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RecordBounce(ctx, &vivier.EmailBounce{Recipient: *a.Candidate.Email, Code: 550, Template: "recruiter_message", AdministrationID: &adm.ID}); err != nil {
		t.Fatal(err)
	}
	if _, page := get(t, c, appURL); !strings.Contains(page, "Êtes-vous disponible jeudi ?") || !strings.Contains(page, "Adresse en échec") ||
		!strings.Contains(page, "code 550") {
		t.Errorf("application page without the message or the bounce: %s", page)
	}

	// The administrator's automatic refusal.
	ac, atoken := signInAs(t, p, "admin@ville-demo.vivier.test")
	if resp, page := postForm(t, ac, base+"/notifications/refus-automatique", url.Values{"_csrf": {atoken}, "auto_refuse": {"oui"}, "auto_refuse_days": {"15"}}); resp.StatusCode != 422 ||
		!strings.Contains(page, "doit dépasser le délai de réponse") {
		t.Errorf("a delay under the promise = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, ac, base+"/notifications/refus-automatique", url.Values{"_csrf": {atoken}, "auto_refuse": {"oui"}, "auto_refuse_days": {"90"}}); resp.StatusCode != 303 {
		t.Fatalf("automatic refusal = %d", resp.StatusCode)
	}
	if set, err := s.AutoRefuseSettingsOf(ctx, adm.ID); err != nil || !set.Enabled || set.Days != 90 {
		t.Fatalf("settings = %+v (%v)", set, err)
	}

	// Another administration's agent: refused everywhere, nothing changes.
	other, otoken := signInAs(t, p, "admin@ministere-demo.vivier.test")
	for _, try := range []struct{ method, url string }{{"GET", base + "/notifications"}, {"POST", base + "/notifications"},
		{"POST", base + "/notifications/refus-automatique"}, {"POST", appURL + "/message"}} {
		var resp *http.Response
		var body string
		if try.method == "GET" {
			resp, body = get(t, other, try.url)
		} else {
			resp, body = postForm(t, other, try.url, url.Values{"_csrf": {otoken}, "new_application": {"off"}, "message": {"Intrus"},
				"auto_refuse_days": {"200"}})
		}
		if !denied(resp.StatusCode, body) {
			t.Errorf("ministere-demo's admin: %s %s = %d", try.method, try.url, resp.StatusCode)
		}
	}
	if err := s.DB().Get(&queued, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskRecruiterMessage); err != nil {
		t.Fatal(err)
	}
	if set, err := s.AutoRefuseSettingsOf(ctx, adm.ID); err != nil || queued != 1 || set.Days != 90 {
		t.Errorf("another administration's agent changed something: %d messages, %+v (%v)", queued, set, err)
	}
	if m, err := s.NotificationMode(ctx, rec.ID, adm.ID); err != nil || m != vivier.NotifyDigest {
		t.Errorf("mode = %s (%v)", m, err)
	}

	// One click from a mail client: no cookie, no CSRF token, the token is
	// the credential. A browser's form without a CSRF token is refused.
	tok, hash := vivier.NewToken()
	if err := s.CreateUnsubscribeToken(ctx, rec.ID, adm.ID, hash); err != nil {
		t.Fatal(err)
	}
	anon := newClient(t)
	if resp, page := get(t, anon, p.URL+"/admin/desabonnement/"+tok); resp.StatusCode != 200 || !strings.Contains(page, "Me désabonner") ||
		!strings.Contains(page, `name="_csrf"`) {
		t.Fatalf("unsubscribe page = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, newClient(t), p.URL+"/admin/desabonnement/"+tok, url.Values{}); resp.StatusCode != 403 {
		t.Errorf("a form without CSRF token = %d, want 403", resp.StatusCode)
	}
	if resp, _ := postForm(t, newClient(t), p.URL+"/admin/desabonnement/"+tok, url.Values{"List-Unsubscribe": {"One-Click"}}); resp.StatusCode != 200 {
		t.Fatalf("one-click unsubscribe = %d", resp.StatusCode)
	}
	if m, err := s.NotificationMode(ctx, rec.ID, adm.ID); err != nil || m != vivier.NotifyOff {
		t.Errorf("mode after one click = %s (%v)", m, err)
	}
	if resp, _ := get(t, anon, p.URL+"/admin/desabonnement/jeton-inconnu"); resp.StatusCode != 404 {
		t.Errorf("unknown token = %d", resp.StatusCode)
	}
}
