package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"vivier"
	"vivier/jobs/jobstest"
)

var mobilityLinkRE = regexp.MustCompile(`/mobilite/connexion/[A-Za-z0-9_-]{43}`)

// mobilityLinkFor asks a sign-in link for email and returns the link the
// email carries.
func mobilityLinkFor(t *testing.T, p *program, c *http.Client, email string) string {
	t.Helper()
	return mobilityLinkTo(t, p, c, email, "/mobilite")
}

// mobilityLinkTo is mobilityLinkFor for a link that leads to ret.
func mobilityLinkTo(t *testing.T, p *program, c *http.Client, email, ret string) string {
	t.Helper()
	before := len(p.SMTP.Messages())
	_, page := get(t, c, p.URL+"/mobilite/connexion")
	resp, body := postForm(t, c, p.URL+"/mobilite/connexion", url.Values{"_csrf": {csrfToken(t, page)}, "email": {email}, "retour": {ret}})
	if resp.StatusCode != 200 || !strings.Contains(body, "lien de connexion") {
		t.Fatalf("link request for %s = %d", email, resp.StatusCode)
	}
	var link string
	jobstest.Eventually(t, "the sign-in email to "+email, func() (bool, error) {
		for _, m := range p.SMTP.Messages()[before:] {
			if m.To[0] == email {
				link = mobilityLinkRE.FindString(m.Text)
				return true, nil
			}
		}
		return false, nil
	})
	if link == "" {
		t.Fatalf("no sign-in link in the email to %s", email)
	}
	return link
}

// mobilitySignIn signs email in to the mobility space, by its emailed
// link, and returns the client with its session.
func mobilitySignIn(t *testing.T, p *program, email string) *http.Client {
	t.Helper()
	c := newClient(t)
	link := mobilityLinkFor(t, p, c, email)
	_, page := get(t, c, p.URL+link)
	resp, _ := postForm(t, c, p.URL+link, url.Values{"_csrf": {csrfToken(t, page)}})
	if resp.StatusCode != 303 {
		t.Fatalf("sign-in of %s = %d", email, resp.StatusCode)
	}
	return c
}

// The mobility space lets in, by an emailed link, the addresses of public
// agents only (.gouv.fr, a domain an administration lists, a back-office
// agent's), telling every asker the same; the link does nothing on GET,
// signs in once with its button, and the session ends on sign-out or after
// 30 days unused.
func TestMobilitySignIn(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil)
	ctx := context.Background()
	c := newClient(t)

	if resp, _ := get(t, c, p.URL+"/mobilite"); resp.StatusCode != 303 || resp.Header.Get("Location") != "/mobilite/connexion?retour=%2Fmobilite" {
		t.Fatalf("/mobilite signed out = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page := get(t, c, p.URL+"/mobilite/connexion")
	if strings.Contains(page, "ProConnect") {
		t.Fatal("ProConnect offered while not configured")
	}
	form := url.Values{"_csrf": {csrfToken(t, page)}, "email": {"pas-une-adresse"}}
	if resp, body := postForm(t, c, p.URL+"/mobilite/connexion", form); resp.StatusCode != 422 || !strings.Contains(body, "adresse électronique valide") {
		t.Fatalf("bad address = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, c, p.URL+"/mobilite/connexion", url.Values{"email": {"a@interieur.gouv.fr"}}); resp.StatusCode != 403 {
		t.Fatalf("without its CSRF token = %d, want 403", resp.StatusCode)
	}
	// Private addresses, known to Vivier or not, get the same answer.
	form.Set("email", "lou@exemple.fr")
	_, unknown := postForm(t, c, p.URL+"/mobilite/connexion", form)
	form.Set("email", "recruteur@ville-demo.vivier.test")
	_, agent := postForm(t, c, p.URL+"/mobilite/connexion", form)
	for _, body := range []string{unknown, agent} {
		if !strings.Contains(body, "Si cette adresse est celle d&#39;un agent public") || strings.Contains(body, "vient d&#39;être envoyé à") {
			t.Fatal("an agent's address and an unknown one get different answers")
		}
	}
	p.drained(t)
	msgs := p.SMTP.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "recruteur@ville-demo.vivier.test" || mobilityLinkRE.FindString(msgs[0].Text) == "" {
		t.Fatalf("emails after two private addresses = %+v, want one to the back-office agent", msgs)
	}

	// A .gouv.fr address: the link, opened twice, signs nobody in.
	link := mobilityLinkFor(t, p, c, "camille.durand@interieur.gouv.fr")
	for i := 0; i < 2; i++ {
		resp, page := get(t, newClient(t), p.URL+link)
		if resp.StatusCode != 200 || !strings.Contains(page, "Me connecter") || !strings.Contains(page, `<form method="post" action="`+link+`">`) {
			t.Fatalf("link page #%d = %d", i, resp.StatusCode)
		}
	}
	if n := count(t, p, `SELECT count(*) FROM mobility_sessions`); n != 0 {
		t.Fatalf("opening the link made %d session(s)", n)
	}
	if n := count(t, p, `SELECT count(*) FROM mobility_links WHERE used_at IS NULL`); n != 2 {
		t.Fatalf("%d unused links, want 2", n)
	}
	_, page = get(t, c, p.URL+link)
	if resp, _ := postForm(t, c, p.URL+link, url.Values{}); resp.StatusCode != 403 {
		t.Fatalf("sign-in without CSRF = %d", resp.StatusCode)
	}
	resp, _ := postForm(t, c, p.URL+link, url.Values{"_csrf": {csrfToken(t, page)}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/mobilite" {
		t.Fatalf("sign-in = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "vivier_mobilite" {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.MaxAge != 30*24*3600 {
		t.Fatalf("session cookie = %+v", cookie)
	}
	if n := count(t, p, `SELECT count(*) FROM mobility_sessions WHERE token_hash = $1`, vivier.HashToken(cookie.Value)); n != 1 {
		t.Fatal("the session is not stored under its digest")
	}
	if resp, body := get(t, c, p.URL+"/mobilite"); resp.StatusCode != 200 || !strings.Contains(body, "camille.durand@interieur.gouv.fr") {
		t.Fatalf("/mobilite signed in = %d", resp.StatusCode)
	}
	// Used: 404 in words.
	_, page = get(t, c, p.URL+link)
	if resp, body := postForm(t, c, p.URL+link, url.Values{"_csrf": {csrfToken(t, page)}}); resp.StatusCode != 404 || !strings.Contains(body, "plus valable") {
		t.Fatalf("a used link = %d, want 404 in words", resp.StatusCode)
	}

	// A domain an administration lists is accepted; a link past its hour is not.
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	admin, csrf := signInAs(t, p, "admin@ville-demo.vivier.test")
	domains := p.URL + "/admin/ville-demo/administration/domaines"
	if resp, body := postForm(t, admin, domains, url.Values{"_csrf": {csrf}, "email_domains": {"ville-demo.fr\npas un domaine!"}}); resp.StatusCode != 422 ||
		!strings.Contains(body, "n&#39;est pas un nom de domaine") {
		t.Fatalf("a bad domain = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, admin, domains, url.Values{"_csrf": {csrf}, "email_domains": {"ville-demo.fr\n@Ville-Demo.fr, mairie-demo.fr"}}); resp.StatusCode != 303 {
		t.Fatalf("domains saved = %d", resp.StatusCode)
	}
	if _, page := get(t, admin, p.URL+"/admin/ville-demo/administration"); !strings.Contains(page, "ville-demo.fr\nmairie-demo.fr</textarea>") {
		t.Fatal("the settings page does not show the domains")
	}
	if d, _ := p.Store().EmailDomains(ctx, adm.ID); strings.Join(d, ",") != "ville-demo.fr,mairie-demo.fr" {
		t.Fatalf("domains = %v", d)
	}
	late := mobilityLinkFor(t, p, newClient(t), "lea@mairie-demo.fr")
	p.Store().DB().MustExec(`UPDATE mobility_links SET expires_at = now() - interval '1 minute' WHERE email = 'lea@mairie-demo.fr'`)
	if resp, body := get(t, c, p.URL+late); resp.StatusCode != 404 || !strings.Contains(body, "plus valable") {
		t.Fatalf("expired link = %d", resp.StatusCode)
	}

	// 30 days unused end a session; sign-out ends one at once.
	other := mobilitySignIn(t, p, "recruteur@ville-demo.vivier.test")
	p.Store().DB().MustExec(`UPDATE mobility_sessions SET last_seen_at = now() - interval '31 days'
		WHERE agent_id = (SELECT id FROM mobility_agents WHERE email = 'recruteur@ville-demo.vivier.test')`)
	if resp, _ := get(t, other, p.URL+"/mobilite"); resp.StatusCode != 303 {
		t.Fatalf("a session unused for 31 days = %d, want the sign-in", resp.StatusCode)
	}
	_, page = get(t, c, p.URL+"/mobilite")
	if resp, _ := postForm(t, c, p.URL+"/mobilite/deconnexion", url.Values{"_csrf": {csrfToken(t, page)}}); resp.StatusCode != 303 {
		t.Fatalf("sign-out = %d", resp.StatusCode)
	}
	if resp, _ := get(t, c, p.URL+"/mobilite"); resp.StatusCode != 303 {
		t.Fatalf("/mobilite after sign-out = %d", resp.StatusCode)
	}
	if n := count(t, p, `SELECT count(*) FROM mobility_sessions WHERE token_hash = $1`, vivier.HashToken(cookie.Value)); n != 0 {
		t.Fatal("sign-out left the session")
	}
}
