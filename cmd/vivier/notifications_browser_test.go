package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"vivier"
)

// The notification screens in a browser, each through axe: the dashboard's
// overdue list, the notifications page (a choice made by keyboard), the
// application page's messages with a failing address and the form with an
// error, and the unsubscribe page.
func TestNotificationsInBrowser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", nil)
	s := p.Store()
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 2)
	adm, err := s.AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	s.DB().MustExec(`UPDATE applications SET created_at = now() - interval '30 days' WHERE id = $1`, ids[0])
	a, err := s.ApplicationSummaryByID(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RecordBounce(ctx, &vivier.EmailBounce{Recipient: *a.Candidate.Email, Code: 550, Template: "application_status", AdministrationID: &adm.ID}); err != nil {
		t.Fatal(err)
	}
	b, console := browser(t)
	if err := chromedp.Do(b, signInActions(p, "admin@ville-demo.vivier.test",
		chromedp.Navigate(p.URL+"/admin/ville-demo"), chromedp.WaitVisible("#overdue"))...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, b, "dashboard with overdue applications")

	if err := chromedp.Do(b,
		chromedp.Navigate(p.URL+"/admin/ville-demo/notifications"), chromedp.WaitVisible("#new-application"),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, b, "notifications page")
	if err := chromedp.Do(b,
		chromedp.Click(`label[for="mode-digest"]`),
		chromedp.Click(`form[action$="/notifications"] button[type="submit"]`),
		chromedp.WaitVisible(`//div[contains(@class, "fr-alert--success")]//p[contains(., "récapitulatif")]`),
	); err != nil {
		t.Fatal(err)
	}
	agent, err := s.AgentByEmail(ctx, "admin@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	if m, err := s.NotificationMode(ctx, agent.ID, adm.ID); err != nil || m != vivier.NotifyDigest {
		t.Fatalf("mode = %s (%v)", m, err)
	}
	if err := chromedp.Do(b,
		chromedp.SetValue("#auto_refuse_days", "5"),
		chromedp.Click(`form[action$="/refus-automatique"] button[type="submit"]`),
		chromedp.WaitVisible("#auto_refuse_days-error"),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, b, "automatic refusal with an error")

	app := fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, ids[0])
	if err := chromedp.Do(b, chromedp.Navigate(app), chromedp.WaitVisible("#bounces")); err != nil {
		t.Fatal(err)
	}
	openTab(t, b, "messages") // the application view shows its messages in a tab
	if err := chromedp.Do(b,
		chromedp.Click(`form[action$="/message"] button[type="submit"]`),
		chromedp.WaitVisible("#message-error"),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, b, "application page, empty message")
	if err := chromedp.Do(b,
		chromedp.SendKeys("#message", "Pouvez-vous venir jeudi à 10 h ?"),
		chromedp.Click(`form[action$="/message"] button[type="submit"]`),
		chromedp.WaitVisible(`//div[contains(@class, "fr-callout")]//p[contains(., "jeudi à 10 h")]`),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, b, "application page with a message and a bounce")

	tok, hash := vivier.NewToken()
	if err := s.CreateUnsubscribeToken(ctx, agent.ID, adm.ID, hash); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b,
		chromedp.Navigate(p.URL+"/admin/desabonnement/"+tok), chromedp.WaitVisible("footer"),
	); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, b, "unsubscribe page")
	if err := chromedp.Do(b,
		chromedp.Click(`main form button[type="submit"]`),
		chromedp.WaitVisible(`//h1[contains(., "désabonné")]`),
	); err != nil {
		t.Fatal(err)
	}
	if m, err := s.NotificationMode(ctx, agent.ID, adm.ID); err != nil || m != vivier.NotifyOff {
		t.Errorf("mode after the unsubscribe page = %s (%v)", m, err)
	}
	for _, msg := range console() {
		if !strings.Contains(msg, "status of 422") {
			t.Errorf("console error: %s", msg)
		}
	}
}
