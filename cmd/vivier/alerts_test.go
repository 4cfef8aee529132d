package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"vivier"
)

var (
	alertConfirmRE     = regexp.MustCompile(`/alertes/confirmation/[A-Za-z0-9_-]{43}`)
	alertUnsubscribeRE = regexp.MustCompile(`/alertes/desinscription/[A-Za-z0-9_-]{43}`)
)

// publishOffer publishes an offer of ville-demo titled title.
func publishOffer(t *testing.T, p *program, ref, title string) *vivier.Offer {
	t.Helper()
	ctx := context.Background()
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: ref, Versant: adm.Versant, Title: title,
		Mission: "Une mission au service des habitants.", CVPolicy: "optional"}
	if err := p.Store().CreateOffer(ctx, adm.ID, o, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	return o
}

// A search saved from /offres: nothing is sent before the address is
// confirmed; then the daily run mails the offers published since, once a
// day, with a one-click unsubscribe that stops everything.
func TestJobAlertConfirmSendUnsubscribe(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil)
	ctx := context.Background()
	c := newClient(t)

	_, page := get(t, c, p.URL+"/offres?q=jardinier&type=emploi&page=2")
	if !strings.Contains(page, `href="/alertes/nouvelle?q=jardinier&amp;type=emploi&amp;page=2"`) {
		t.Fatal("no alert link on /offres for the search")
	}
	resp, page := get(t, c, p.URL+"/alertes/nouvelle?q=jardinier&type=emploi&page=2")
	if resp.StatusCode != 200 || !strings.Contains(page, "« jardinier », type : Emploi") || !strings.Contains(page, `name="recherche" value="q=jardinier&amp;type=emploi"`) {
		t.Fatalf("alert form = %d %s", resp.StatusCode, page)
	}
	if resp, _ := get(t, c, p.URL+"/alertes/nouvelle?depuis=3"); resp.StatusCode != 422 {
		t.Fatalf("an alert for an invalid search = %d, want 422", resp.StatusCode)
	}
	form := url.Values{"_csrf": {csrfToken(t, page)}, "recherche": {"q=jardinier&type=emploi"}, "email": {"pas-une-adresse"}}
	if resp, body := postForm(t, c, p.URL+"/alertes/nouvelle", form); resp.StatusCode != 422 || !strings.Contains(body, "adresse électronique valide") {
		t.Fatalf("bad address = %d", resp.StatusCode)
	}
	form.Set("email", "Lou@Exemple.fr")
	if resp, _ := postForm(t, c, p.URL+"/alertes/nouvelle", url.Values{"recherche": form["recherche"], "email": form["email"]}); resp.StatusCode != 403 {
		t.Fatalf("without its CSRF token = %d, want 403", resp.StatusCode)
	}
	if resp, body := postForm(t, c, p.URL+"/alertes/nouvelle", form); resp.StatusCode != 200 || !strings.Contains(body, "Confirmez votre adresse") {
		t.Fatalf("alert saved = %d", resp.StatusCode)
	}
	msgs := p.SMTP.Wait(t, 1, 30*time.Second)
	confirm := alertConfirmRE.FindString(msgs[0].Text)
	if msgs[0].To[0] != "lou@exemple.fr" || msgs[0].Subject != "Confirmez votre alerte d'offres" || confirm == "" {
		t.Fatalf("confirmation email = %+v", msgs[0])
	}

	run := func(day int) int {
		t.Helper()
		n, err := p.worker.RunJobAlerts(ctx, time.Now().AddDate(0, 0, day))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Opening the link (a mail scanner does) shows the alert and a button,
	// and confirms nothing: the alert stays off, and the link keeps working.
	for i := 0; i < 2; i++ {
		resp, page = get(t, newClient(t), p.URL+confirm)
		if resp.StatusCode != 200 || !strings.Contains(page, "Activer mon alerte") || !strings.Contains(page, "lou@exemple.fr") ||
			!strings.Contains(page, `<form method="post" action="`+confirm+`">`) {
			t.Fatalf("confirmation page #%d = %d %s", i, resp.StatusCode, page)
		}
	}
	before := publishOffer(t, p, "ALERT-0", "Jardinier paysagiste")
	if n := run(1); n != 0 || len(p.SMTP.Messages()) != 1 {
		t.Fatalf("an unconfirmed alert sent %d email(s)", n)
	}
	if n := count(t, p, `SELECT count(*) FROM job_alerts WHERE confirmed_at IS NOT NULL`); n != 0 {
		t.Fatalf("opening the confirmation link confirmed %d alert(s)", n)
	}

	_, page = get(t, c, p.URL+confirm)
	if resp, _ := postForm(t, c, p.URL+confirm, url.Values{}); resp.StatusCode != 403 {
		t.Fatalf("confirmation without its CSRF token = %d, want 403", resp.StatusCode)
	}
	if resp, body := postForm(t, c, p.URL+confirm, url.Values{"_csrf": {csrfToken(t, page)}}); resp.StatusCode != 200 || !strings.Contains(body, "Votre alerte est activée") {
		t.Fatalf("confirmation = %d", resp.StatusCode)
	}
	if n := count(t, p, `SELECT count(*) FROM job_alerts WHERE confirmed_at IS NOT NULL`); n != 1 {
		t.Fatalf("%d alert(s) confirmed by the button, want 1", n)
	}
	// Used, or unknown: 404 in words, on the page and on its button.
	for _, link := range []string{confirm, "/alertes/confirmation/inconnu"} {
		if resp, body := get(t, c, p.URL+link); resp.StatusCode != 404 || !strings.Contains(body, "Ce lien n&#39;est plus valable") {
			t.Fatalf("GET %s = %d, want 404 in words", link, resp.StatusCode)
		}
		if resp, body := postForm(t, c, p.URL+link, url.Values{"_csrf": {csrfToken(t, page)}}); resp.StatusCode != 404 || !strings.Contains(body, "Ce lien n&#39;est plus valable") {
			t.Fatalf("POST %s = %d, want 404 in words", link, resp.StatusCode)
		}
	}
	match := publishOffer(t, p, "ALERT-1", "Jardinier des parcs")
	other := publishOffer(t, p, "ALERT-2", "Comptable")
	if n := run(1); n != 1 {
		t.Fatalf("first daily run sent %d emails, want 1", n)
	}
	if n := run(1); n != 0 {
		t.Fatalf("the same day's run again sent %d emails", n)
	}
	msgs = p.SMTP.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want the confirmation and one alert", len(msgs))
	}
	m := msgs[1]
	if !strings.Contains(m.Text, "/offres/"+itoa(match.ID)) || strings.Contains(m.Text, "/offres/"+itoa(other.ID)) ||
		strings.Contains(m.Text, "/offres/"+itoa(before.ID)+"\n") || !strings.Contains(m.HTML, "Jardinier des parcs") {
		t.Fatalf("alert email lists the wrong offers: %s", m.Text)
	}
	unsubscribe := alertUnsubscribeRE.FindString(m.Text)
	if unsubscribe == "" || m.Header.Get("List-Unsubscribe") != "<"+p.Config.BaseURL+unsubscribe+">" ||
		m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("unsubscribe link %q, headers %q %q", unsubscribe, m.Header.Get("List-Unsubscribe"), m.Header.Get("List-Unsubscribe-Post"))
	}

	// The page shows a button; a POST without its token nor the one-click
	// body is refused; the one-click POST of a mail client (no cookie, no
	// token) unsubscribes.
	resp, page = get(t, c, p.URL+unsubscribe)
	if resp.StatusCode != 200 || !strings.Contains(page, "Me désinscrire") || !strings.Contains(page, "lou@exemple.fr") {
		t.Fatalf("unsubscribe page = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, http.DefaultClient, p.URL+unsubscribe, url.Values{"x": {"y"}}); resp.StatusCode != 403 {
		t.Fatalf("unsubscribe without a token = %d, want 403", resp.StatusCode)
	}
	if resp, _ := postForm(t, http.DefaultClient, p.URL+unsubscribe, url.Values{"List-Unsubscribe": {"One-Click"}}); resp.StatusCode != 200 {
		t.Fatalf("one-click unsubscribe = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, p.URL+unsubscribe, url.Values{"_csrf": {csrfToken(t, page)}}); resp.StatusCode != 200 {
		t.Fatalf("the button after the one-click = %d, want 200 (nothing left to do)", resp.StatusCode)
	}
	publishOffer(t, p, "ALERT-3", "Jardinier des jardins familiaux")
	if n := run(2); n != 0 || len(p.SMTP.Messages()) != 2 {
		t.Fatalf("after unsubscribing: %d sent", n)
	}
	var left int
	if err := p.Store().DB().Get(&left, `SELECT count(*) FROM job_alerts`); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatalf("%d alerts left after unsubscribing", left)
	}
	if resp, _ := get(t, c, p.URL+unsubscribe); resp.StatusCode != 404 {
		t.Fatalf("unsubscribe page of a deleted alert = %d, want 404", resp.StatusCode)
	}

	// A confirmation link past its week: 410 in words, and nothing confirmed.
	if err := p.Store().SaveJobAlert(ctx, "tard@exemple.fr", "q=jardinier", "« jardinier »", vivier.OfferSearch{Q: "jardinier"}); err != nil {
		t.Fatal(err)
	}
	var late int64
	if err := p.Store().DB().Get(&late, `SELECT id FROM job_alerts WHERE email = 'tard@exemple.fr'`); err != nil {
		t.Fatal(err)
	}
	token, hash := vivier.NewToken()
	if err := p.Store().AddJobAlertToken(ctx, late, "confirmation", hash); err != nil {
		t.Fatal(err)
	}
	p.Store().DB().MustExec(`UPDATE job_alert_tokens SET created_at = now() - interval '8 days' WHERE alert_id = $1`, late)
	expired := "/alertes/confirmation/" + token
	if resp, body := get(t, c, p.URL+expired); resp.StatusCode != 410 || !strings.Contains(body, "a expiré") {
		t.Fatalf("GET of an expired confirmation link = %d, want 410 in words", resp.StatusCode)
	}
	if resp, body := postForm(t, c, p.URL+expired, url.Values{"_csrf": {csrfToken(t, page)}}); resp.StatusCode != 410 || !strings.Contains(body, "a expiré") {
		t.Fatalf("POST of an expired confirmation link = %d, want 410 in words", resp.StatusCode)
	}
	if n := count(t, p, `SELECT count(*) FROM job_alerts WHERE confirmed_at IS NOT NULL`); n != 0 {
		t.Fatal("an expired link confirmed its alert")
	}
}
