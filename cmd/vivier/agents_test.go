package main

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"vivier"
	"vivier/jobs/jobstest"
)

const badCredentialsText = "Adresse électronique ou mot de passe incorrect."

func signInForm(t *testing.T, p *program, c *http.Client, email, password string) (int, string) {
	t.Helper()
	_, page := get(t, c, p.URL+"/admin/connexion")
	resp, body := postForm(t, c, p.URL+"/admin/connexion", url.Values{"_csrf": {csrfToken(t, page)}, "email": {email}, "password": {password}})
	return resp.StatusCode, body
}

func TestSignInAnswers(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "1000"})
	c := newClient(t)
	// Wrong password and unknown email: the same status and words.
	s1, b1 := signInForm(t, p, c, "recruteur@ville-demo.vivier.test", "pas le bon mot de passe")
	s2, b2 := signInForm(t, p, c, "inconnu@ville-demo.vivier.test", "pas le bon mot de passe")
	if s1 != 401 || s2 != 401 || !strings.Contains(b1, badCredentialsText) || !strings.Contains(b2, badCredentialsText) {
		t.Fatalf("wrong password = %d, unknown email = %d", s1, s2)
	}
	// Ten attempts lock the account for a while, known or not: the lock
	// tells nothing either, and the right password no longer opens it.
	for _, email := range []string{"lecteur@ville-demo.vivier.test", "personne@ville-demo.vivier.test"} {
		for i := 0; i < 10; i++ {
			signInForm(t, p, c, email, "mauvais")
		}
		status, body := signInForm(t, p, c, email, DemoPassword)
		if status != 429 || !strings.Contains(body, "Trop de tentatives de connexion pour ce compte") {
			t.Fatalf("11th attempt for %s = %d", email, status)
		}
	}
	// Another account is not affected.
	if status, _ := signInForm(t, p, c, "marque@ville-demo.vivier.test", DemoPassword); status != 303 {
		t.Fatalf("sign-in of another account = %d", status)
	}
}

var linkRE = regexp.MustCompile(`/admin/(mot-de-passe|invitation)/[A-Za-z0-9_-]+`)

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil)
	c := newClient(t)
	earlier := newClient(t) // a session opened before the reset
	if s, _ := signInForm(t, p, earlier, "recruteur@ministere-demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	ask := func(email string) (int, string) {
		_, page := get(t, c, p.URL+"/admin/mot-de-passe-oublie")
		resp, body := postForm(t, c, p.URL+"/admin/mot-de-passe-oublie", url.Values{"_csrf": {csrfToken(t, page)}, "email": {email}})
		return resp.StatusCode, body
	}
	// Known or not, the same answer.
	s1, b1 := ask("recruteur@ministere-demo.vivier.test")
	s2, b2 := ask("personne@ministere-demo.vivier.test")
	if s1 != 200 || s2 != 200 || !strings.Contains(b1, "Si un compte correspond") || !strings.Contains(b2, "Si un compte correspond") {
		t.Fatalf("reset requests = %d, %d", s1, s2)
	}
	if s, _ := ask("pas une adresse"); s != 422 {
		t.Fatalf("a malformed address = %d, want 422", s)
	}
	msgs := p.SMTP.Wait(t, 1, 15*time.Second)
	p.drained(t)
	if n := len(p.SMTP.Messages()); n != 1 || msgs[0].To[0] != "recruteur@ministere-demo.vivier.test" {
		t.Fatalf("%d emails; the first to %v", n, msgs[0].To)
	}
	link := linkRE.FindString(msgs[0].Text)
	if link == "" {
		t.Fatalf("no link in:\n%s", msgs[0].Text)
	}
	// The token is stored as a digest only.
	token := link[strings.LastIndex(link, "/")+1:]
	var clear int
	if err := p.Store().DB().Get(&clear, `SELECT count(*) FROM password_resets WHERE token_hash = convert_to($1, 'UTF8')`, token); err != nil || clear != 0 {
		t.Fatal("the reset token is stored in clear")
	}

	resp, page := get(t, c, p.URL+link)
	if resp.StatusCode != 200 {
		t.Fatalf("reset link = %d", resp.StatusCode)
	}
	post := func(pw, confirm string) (int, string) {
		resp, body := postForm(t, c, p.URL+link, url.Values{"_csrf": {csrfToken(t, page)}, "password": {pw}, "password_confirm": {confirm}})
		return resp.StatusCode, body
	}
	if s, b := post("azerty123456", "azerty123456"); s != 422 || !strings.Contains(b, "parmi les plus courants") {
		t.Fatalf("a common password = %d", s)
	}
	if s, b := post("court", "court"); s != 422 || !strings.Contains(b, "au moins 12 caractères") {
		t.Fatalf("a short password = %d", s)
	}
	if s, _ := post("une phrase assez longue", "une autre phrase"); s != 422 {
		t.Fatalf("different confirmation = %d", s)
	}
	if s, _ := post("une phrase assez longue", "une phrase assez longue"); s != 303 {
		t.Fatalf("reset = %d", s)
	}
	if s, _ := signInForm(t, p, newClient(t), "recruteur@ministere-demo.vivier.test", "une phrase assez longue"); s != 303 {
		t.Fatalf("sign-in with the new password = %d", s)
	}
	if s, _ := signInForm(t, p, newClient(t), "recruteur@ministere-demo.vivier.test", DemoPassword); s != 401 {
		t.Fatalf("sign-in with the old password = %d", s)
	}
	if resp, _ := get(t, earlier, p.URL+"/admin/ministere-demo"); resp.StatusCode != 303 {
		t.Fatalf("a session opened before the reset still works: %d", resp.StatusCode)
	}
	// Used: refused, in words.
	resp, body := get(t, c, p.URL+link)
	if resp.StatusCode != 409 || !strings.Contains(body, "Ce lien a déjà servi") {
		t.Fatalf("a used reset link = %d", resp.StatusCode)
	}
	// Expired: refused, in words.
	if _, err := p.Store().DB().Exec(`UPDATE password_resets SET used_at = NULL, expires_at = now() - interval '1 minute'`); err != nil {
		t.Fatal(err)
	}
	resp, body = get(t, c, p.URL+link)
	if resp.StatusCode != 410 || !strings.Contains(body, "Ce lien a expiré") {
		t.Fatalf("an expired reset link = %d", resp.StatusCode)
	}
	resp, body = get(t, c, p.URL+"/admin/mot-de-passe/nimporte-quoi")
	if resp.StatusCode != 404 || !strings.Contains(body, "est pas valide") {
		t.Fatalf("an unknown reset link = %d", resp.StatusCode)
	}
}

func TestInvitationCannotBeReused(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "dev", nil)
	ctx := context.Background()
	seedDemo(t, p)
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store().Invite(ctx, adm.ID, "invitee@example.org", vivier.RoleLecteur, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	msgs := p.SMTP.Wait(t, 1, 15*time.Second)
	link := linkRE.FindString(msgs[0].Text)
	if !strings.Contains(msgs[0].Text, "Ville de Démo-sur-Loire") || link == "" {
		t.Fatalf("invitation email:\n%s", msgs[0].Text)
	}
	c := newClient(t)
	_, page := get(t, c, p.URL+link)
	accept := func() (int, string) {
		resp, body := postForm(t, c, p.URL+link, url.Values{"_csrf": {csrfToken(t, page)}, "first_name": {"Inès"}, "last_name": {"Martin"},
			"password": {"une phrase de passe solide"}, "password_confirm": {"une phrase de passe solide"}})
		return resp.StatusCode, body
	}
	if s, _ := accept(); s != 303 {
		t.Fatalf("accept = %d", s)
	}
	if s, body := accept(); s != 409 || !strings.Contains(body, "Ce lien a déjà servi") {
		t.Fatalf("second accept = %d", s)
	}
	if s, _ := signInForm(t, p, newClient(t), "invitee@example.org", "une phrase de passe solide"); s != 303 {
		t.Fatalf("the new agent cannot sign in: %d", s)
	}
}

// A role changed through one instance is enforced by another instance (two
// programs on one database) within a second.
func TestRoleChangeReachesOtherInstance(t *testing.T) {
	t.Parallel()
	one := startProgram(t, "serve", nil)
	ctx := context.Background()
	seedDemo(t, one)
	two := startProgram(t, "serve", map[string]string{"DATABASE_URL": one.Config.DatabaseURL})

	reader := newClient(t)
	if s, _ := signInForm(t, two, reader, "lecteur@ville-demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	if resp, _ := get(t, reader, two.URL+"/admin/ville-demo/agents"); resp.StatusCode != 403 {
		t.Fatalf("a reader opens the agents page: %d", resp.StatusCode)
	}
	admin := newClient(t)
	if s, _ := signInForm(t, one, admin, "admin@ville-demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	agent, err := one.Store().AgentByEmail(ctx, "lecteur@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	_, page := get(t, admin, one.URL+"/admin/ville-demo/agents")
	resp, _ := postForm(t, admin, one.URL+"/admin/ville-demo/agents/"+itoa(agent.ID)+"/role", url.Values{"_csrf": {csrfToken(t, page)}, "role": {"admin"}})
	if resp.StatusCode != 303 {
		t.Fatalf("change role = %d", resp.StatusCode)
	}
	jobstest.Eventually(t, "the other instance applies the new role", func() (bool, error) {
		resp, _ := get(t, reader, two.URL+"/admin/ville-demo/agents")
		return resp.StatusCode == 200, nil
	})
	// And the change is in the audit log, with before and after.
	entries, err := one.Store().AuditLog(ctx, agentAdmin(t, one, "ville-demo"), vivier.AuditFilter{Action: "agent.role_changed"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !strings.Contains(string(entries[0].Summary), `"après": ["admin"]`) || entries[0].AgentEmail != "admin@ville-demo.vivier.test" {
		t.Fatalf("audit = %+v", entries)
	}
}

func agentAdmin(t *testing.T, p *program, slug string) int64 {
	a, err := p.Store().AdministrationBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return a.ID
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A platform administrator creates an administration and invites its first
// administrator; an administrator creates a direction and suspends it.
func TestAdministrationsLifecycle(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "dev", nil)
	ctx := context.Background()
	seedDemo(t, p)
	c := newClient(t)
	if s, _ := signInForm(t, p, c, "plateforme@demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	_, page := get(t, c, p.URL+"/admin/plateforme/administrations")
	form := url.Values{"_csrf": {csrfToken(t, page)}, "name": {"Centre hospitalier de Démo"}, "slug": {"chu-demo"},
		"versant": {"hospitaliere"}, "siret": {"12345678901234"}, "admin_email": {"direction@chu-demo.fr"}}
	resp, body := postForm(t, c, p.URL+"/admin/plateforme/administrations", form)
	if resp.StatusCode != 422 || !strings.Contains(body, "SIRET n") {
		t.Fatalf("a bad SIRET = %d", resp.StatusCode)
	}
	form.Set("siret", "26750000000018")
	resp, _ = postForm(t, c, p.URL+"/admin/plateforme/administrations", form)
	if resp.StatusCode != 303 {
		t.Fatalf("create = %d", resp.StatusCode)
	}
	msgs := p.SMTP.Wait(t, 1, 15*time.Second)
	if msgs[0].To[0] != "direction@chu-demo.fr" || !strings.Contains(msgs[0].Subject, "Centre hospitalier de Démo") {
		t.Fatalf("first administrator's invitation: %v %q", msgs[0].To, msgs[0].Subject)
	}

	admin := newClient(t)
	if s, _ := signInForm(t, p, admin, "admin@ville-demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	_, page = get(t, admin, p.URL+"/admin/ville-demo/administration")
	resp, _ = postForm(t, admin, p.URL+"/admin/ville-demo/directions", url.Values{"_csrf": {csrfToken(t, page)},
		"name": {"Direction de la voirie"}, "slug": {"ville-demo-voirie"}})
	if resp.StatusCode != 303 {
		t.Fatalf("create a direction = %d", resp.StatusCode)
	}
	child, err := p.Store().AdministrationBySlug(ctx, "ville-demo-voirie")
	if err != nil || child.Versant != vivier.VersantTerritoriale {
		t.Fatalf("direction = %+v, %v", child, err)
	}
	// The city's administrator holds their role on the new direction.
	jobstest.Eventually(t, "the parent's administrator manages the new direction", func() (bool, error) {
		resp, _ := get(t, admin, p.URL+"/admin/ville-demo-voirie/agents")
		return resp.StatusCode == 200, nil
	})
	resp, _ = postForm(t, admin, p.URL+"/admin/ville-demo/directions/"+itoa(child.ID)+"/statut", url.Values{"_csrf": {csrfToken(t, page)}, "status": {"suspended"}})
	if resp.StatusCode != 303 {
		t.Fatalf("suspend = %d", resp.StatusCode)
	}
	// Suspended: closed to its agents (here, through the parent's role).
	jobstest.Eventually(t, "the suspended direction is closed", func() (bool, error) {
		resp, body := get(t, admin, p.URL+"/admin/ville-demo-voirie")
		return resp.StatusCode == 403 && strings.Contains(body, "suspendue"), nil
	})
}

// An agent sees their sessions and ends one; the ended session is signed
// out, even if it makes a request at the same time.
func TestSessionsListAndEnd(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	laptop, phone := newClient(t), newClient(t)
	for _, c := range []*http.Client{laptop, phone} {
		if s, _ := signInForm(t, p, c, "marque@ville-demo.vivier.test", DemoPassword); s != 303 {
			t.Fatal("sign-in")
		}
	}
	_, page := get(t, laptop, p.URL+"/admin/compte/sessions")
	ends := regexp.MustCompile(`/admin/compte/sessions/([0-9a-f]{64})/fin`).FindAllStringSubmatch(page, -1)
	if len(ends) != 1 || strings.Count(page, "session actuelle") != 1 {
		t.Fatalf("the sessions page lists %d other session(s):\n%s", len(ends), page)
	}
	resp, _ := postForm(t, laptop, p.URL+ends[0][0], url.Values{"_csrf": {csrfToken(t, page)}})
	if resp.StatusCode != 303 {
		t.Fatalf("end session = %d", resp.StatusCode)
	}
	if resp, _ := get(t, phone, p.URL+"/admin/ville-demo"); resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/connexion") {
		t.Fatalf("the ended session still opens pages: %d", resp.StatusCode)
	}
	if resp, _ := get(t, laptop, p.URL+"/admin/ville-demo"); resp.StatusCode != 200 {
		t.Fatalf("the current session was ended too: %d", resp.StatusCode)
	}
	// Another agent cannot end this one's session.
	other := newClient(t)
	if s, _ := signInForm(t, p, other, "lecteur@ville-demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	_, otherPage := get(t, other, p.URL+"/admin/compte/sessions")
	var id string
	if err := p.Store().DB().Get(&id, `SELECT encode(key_hash, 'hex') FROM http_sessions s JOIN agents a ON a.id = s.agent_id
		WHERE a.email = 'marque@ville-demo.vivier.test' AND s.revoked_at IS NULL LIMIT 1`); err != nil {
		t.Fatal(err)
	}
	resp, _ = postForm(t, other, p.URL+"/admin/compte/sessions/"+id+"/fin", url.Values{"_csrf": {csrfToken(t, otherPage)}})
	if resp.StatusCode != 404 {
		t.Fatalf("ending another agent's session = %d, want 404", resp.StatusCode)
	}
	if resp, _ := get(t, laptop, p.URL+"/admin/ville-demo"); resp.StatusCode != 200 {
		t.Fatalf("another agent ended this session: %d", resp.StatusCode)
	}
}

// A recruiter writes an offer and schedules it; it publishes itself at its
// date. A reader sees it and cannot change it. Text is shown, never run.
func TestOffersInBackOffice(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	c := newClient(t)
	if s, _ := signInForm(t, p, c, "recruteur@ville-demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	_, page := get(t, c, p.URL+"/admin/ville-demo/offres/nouvelle")
	form := url.Values{"_csrf": {csrfToken(t, page)}, "kind": {"emploi"}, "reference": {"VDL-2026-001"},
		"title": {`Développeur·se <script>alert(1)</script>`}, "versant": {"territoriale"}, "domaine": {"NUM"},
		"categories": {"A", "B"}, "contract_forms": {"CDD", "CDI"}, "contract_type": {"CONTRACTUELS"},
		"mission": {"Missions <img src=x onerror=alert(1)>"}, "departement": {"44"}, "location_label": {"Nantes"},
		"workplace": {"TELETRAVAIL"}, "cv_policy": {"optional"}}
	resp, body := postForm(t, c, p.URL+"/admin/ville-demo/offres", url.Values{"_csrf": form["_csrf"], "kind": {"emploi"}, "title": {""}, "reference": {"X"}, "versant": {"territoriale"}})
	if resp.StatusCode != 422 || !strings.Contains(body, `aria-describedby="title-error"`) {
		t.Fatalf("an offer without a title = %d", resp.StatusCode)
	}
	resp, _ = postForm(t, c, p.URL+"/admin/ville-demo/offres", form)
	if resp.StatusCode != 303 {
		t.Fatalf("create = %d", resp.StatusCode)
	}
	offerURL := p.URL + resp.Header.Get("Location")
	resp, body = get(t, c, offerURL)
	if resp.StatusCode != 200 || strings.Contains(body, "<script>alert(1)</script>") || !strings.Contains(body, "&lt;script&gt;") ||
		strings.Contains(body, "<img src=x") || !strings.Contains(body, `name="lieu_commune_0" value="Nantes (44)"`) || !strings.Contains(body, `id="cat-B" name="categories" value="B" checked`) {
		t.Fatalf("offer page = %d:\n%s", resp.StatusCode, body)
	}
	// Schedule for a moment from now, then let the periodic work run.
	form.Set("_csrf", csrfToken(t, body))
	form.Set("publish_at", time.Now().In(parisTZ(t)).Add(time.Minute).Format("2006-01-02T15:04"))
	if resp, _ := postForm(t, c, offerURL, form); resp.StatusCode != 303 {
		t.Fatalf("update = %d", resp.StatusCode)
	}
	_, body = get(t, c, offerURL)
	if resp, _ := postForm(t, c, offerURL+"/statut", url.Values{"_csrf": {csrfToken(t, body)}, "status": {"scheduled"}}); resp.StatusCode != 303 {
		t.Fatalf("schedule = %d", resp.StatusCode)
	}
	if _, err := p.Store().DB().Exec(`UPDATE offers SET publish_at = now() - interval '1 second' WHERE reference = 'VDL-2026-001'`); err != nil {
		t.Fatal(err)
	}
	if n, _, err := p.Store().PublishDueOffers(context.Background()); err != nil || n != 1 {
		t.Fatalf("PublishDueOffers = %d, %v", n, err)
	}
	if _, body := get(t, c, offerURL); !strings.Contains(body, "<strong>publiée</strong>") {
		t.Fatal("the offer did not publish itself")
	}
	// A reader reads, and cannot change.
	r := newClient(t)
	if s, _ := signInForm(t, p, r, "lecteur@ville-demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	resp, body = get(t, r, offerURL)
	if resp.StatusCode != 200 || strings.Contains(body, ">Enregistrer</button>") || strings.Contains(body, "Clôturer") {
		t.Fatalf("the reader's view = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, r, offerURL+"/statut", url.Values{"_csrf": {csrfToken(t, body)}, "status": {"closed"}}); resp.StatusCode != 403 {
		t.Fatalf("a reader closes an offer: %d", resp.StatusCode)
	}
}

func parisTZ(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
