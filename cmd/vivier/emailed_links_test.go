package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"vivier"
	"vivier/jobs/jobstest"
)

// TestEmailedLinksDoNothingOnGET holds the rule "a link in an email does
// nothing on GET: it opens a page whose button (POST + CSRF) acts", since
// mail scanners open the links of the emails they check. It drives a
// realistic flow through the real program (the web app, and a worker on the
// same database that sends through a real SMTP conversation), collects every
// link of every email sent (href and src of the HTML part, URLs of the text
// part, the List-Unsubscribe header), then opens each one as a scanner does
// (anonymous, no cookie, following redirects only within the site) and
// checks that no table of the database changed.
//
// Templates of templates/email covered (the test checks that each was sent):
// agent_invitation, already_applied, application_received,
// application_status, application_transferred, application_withdrawn,
// candidate_message, data_export, erasure_done, identity_changed, job_alert,
// job_alert_confirm, merge_confirm, new_application, note_mention,
// notification_digest, password_reset, pool_invitation, recruiter_message,
// response_reminder, tracking_link, transfer_proposed, mobility_link,
// mobility_invitation.
// Not covered: csp_auth_failed (needs the CSP API), sirh_export_done and
// sirh_export_failed (need a SIRH export), interview_answered and
// interview_reminder (interviews), talent_pool_renewal (retention), custom
// and test (recruiters' own texts, the test command): their links are
// /admin/{slug}/... and /suivi, kinds that are exercised here.
func TestEmailedLinksDoNothingOnGET(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	web := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000", "APPLY_RATE_PER_HOUR": "1000"})
	// Published brand pages: the receipt shows the employer's logo.
	if _, err := web.seedDemoBrands(ctx); err != nil {
		t.Fatal(err)
	}
	// The worker sends every email; its links point at the web app.
	w := startProgram(t, "worker", map[string]string{"DATABASE_URL": web.Config.DatabaseURL, "FILES_URL": web.Config.FilesURL,
		"BASE_URL": web.URL})
	s, db := web.Store(), web.Store().DB()
	mail := func(template, to string) jobstest.Message { t.Helper(); return sentEmail(t, w, template, to) }
	adm, err := s.AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	o := openOfferWithQuestion(t, web)
	o2 := secondOffer(t, web, adm.ID, "CONC-LIENS", "Concours d'agent de maîtrise")
	// spent are the links this flow uses up on purpose: opened, they must
	// refuse (404, 409 or 410) and change nothing either.
	spent := map[string]bool{}

	// A candidate applies from the site, willing to join the talent pool,
	// then again to the same offer from a new form.
	visitor := newClient(t)
	formURL := web.URL + "/offres/" + itoa(o.ID) + "/postuler"
	cv := map[string][]byte{"cv": pdfBytes(t, "", "Camille Martin - jardiniere")}
	for i := 0; i < 2; i++ {
		_, page := get(t, visitor, formURL)
		fields := applyFields(t, page, "camille@exemple.fr")
		fields["talent_pool"] = "oui"
		if resp, body := postApplication(t, visitor, formURL, fields, cv); resp.StatusCode != 303 {
			t.Fatalf("apply #%d = %d %s", i, resp.StatusCode, body)
		}
	}
	camille := trackRE.FindString(mail("application_received", "camille@exemple.fr").Text)
	mail("already_applied", "camille@exemple.fr")
	// She asks for a tracking link.
	_, page := get(t, visitor, web.URL+"/suivi")
	if resp, _ := postForm(t, visitor, web.URL+"/suivi", url.Values{"_csrf": {csrfToken(t, page)}, "email": {"camille@exemple.fr"}}); resp.StatusCode != 200 {
		t.Fatalf("tracking link request = %d", resp.StatusCode)
	}
	mail("tracking_link", "camille@exemple.fr")

	// Other candidates, through the store as the form does.
	ines := applyTo(t, web, o, "ines@exemple.fr", "Inès", "Moreau", false)
	hugo := applyTo(t, web, o, "hugo@exemple.fr", "Hugo", "Bernard", false)
	applyTo(t, web, o, "lea@exemple.fr", "Léa", "Roux", false)
	noe1 := applyTo(t, web, o, "noe@exemple.fr", "Noé", "Petit", false)
	noe2 := applyTo(t, web, o2, "noe.petit@exemple.fr", "Noé", "Petit", false)
	var camilleApp, camilleCand int64
	if err := db.QueryRow(`SELECT a.id, a.candidate_id FROM applications a JOIN candidates c ON c.id = a.candidate_id
		WHERE c.email = 'camille@exemple.fr'`).Scan(&camilleApp, &camilleCand); err != nil {
		t.Fatal(err)
	}

	// The recruiter moves Camille's application and tells her, writes to
	// her, mentions a colleague in a note, invites her from the talent pool
	// to another offer, and proposes Inès's application to another
	// administration.
	rc, rtoken := signInAs(t, web, "recruteur@ville-demo.vivier.test")
	appURL := func(id int64) string { return fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", web.URL, id) }
	for _, step := range []struct {
		url  string
		form url.Values
	}{
		{appURL(camilleApp) + "/etape", url.Values{"stage": {itoa(stepID(t, web, adm.ID, "Entretien RH"))}, "notify": {"oui"}}},
		{appURL(camilleApp) + "/message", url.Values{"message": {"Êtes-vous disponible jeudi ?"}}},
		{appURL(camilleApp) + "/notes", url.Values{"body": {"Très bon profil, voir @lecteur."}}},
		{fmt.Sprintf("%s/admin/ville-demo/vivier/%d/invitation", web.URL, camilleCand), url.Values{"offer": {itoa(o2.ID)}}},
		{appURL(ines.ID) + "/transfert", url.Values{"vers": {"administration"}, "administration": {"ministere-demo"}}},
	} {
		step.form.Set("_csrf", rtoken)
		if resp, body := postForm(t, rc, step.url, step.form); resp.StatusCode != 303 {
			t.Fatalf("POST %s = %d %s", step.url, resp.StatusCode, body)
		}
	}
	mail("application_status", "camille@exemple.fr")
	mail("recruiter_message", "camille@exemple.fr")
	mail("note_mention", "lecteur@ville-demo.vivier.test")
	mail("pool_invitation", "camille@exemple.fr")
	inesLink := trackRE.FindString(mail("transfer_proposed", "ines@exemple.fr").Text)

	// The administrator invites an agent and asks the person behind two
	// addresses whether they are one.
	ac, atoken := signInAs(t, web, "admin@ville-demo.vivier.test")
	for _, step := range []struct {
		url  string
		form url.Values
	}{
		{web.URL + "/admin/ville-demo/agents/invitations", url.Values{"email": {"nouvelle@exemple.org"}, "role": {"lecteur"}}},
		{web.URL + "/admin/ville-demo/doublons/fusion", url.Values{"keep": {itoa(noe1.CandidateID)}, "other": {itoa(noe2.CandidateID)}}},
	} {
		step.form.Set("_csrf", atoken)
		if resp, body := postForm(t, ac, step.url, step.form); resp.StatusCode != 303 {
			t.Fatalf("POST %s = %d %s", step.url, resp.StatusCode, body)
		}
	}
	mail("agent_invitation", "nouvelle@exemple.org")
	mail("merge_confirm", "noe@exemple.fr")

	// Candidates act from their space, each action a POST: Camille nudges
	// the recruiter, corrects her details and takes a copy of her data;
	// Inès accepts the transfer; Hugo withdraws; Léa erases her data (her
	// links die).
	space := func(link string) (string, string) {
		t.Helper()
		resp, page := get(t, visitor, web.URL+link)
		if resp.StatusCode != 200 {
			t.Fatalf("space %s = %d", link, resp.StatusCode)
		}
		return page, csrfToken(t, page)
	}
	// A nudge waits for the promised response time: Camille's has passed.
	days, err := s.ResponseDays(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	db.MustExec(`UPDATE applications SET created_at = created_at - make_interval(days => $2 + 1) WHERE id = $1`, camilleApp, days)
	_, token := space(camille)
	for _, step := range []struct {
		path string
		form url.Values
	}{
		{"/candidatures/" + itoa(camilleApp) + "/relance", url.Values{"message": {"Je reste très intéressée."}}},
		{"/coordonnees", url.Values{"first_name": {"Camille"}, "last_name": {"Martin-Durand"}, "phone": {"06 12 34 56 78"},
			"applications": {itoa(camilleApp)}}},
		{"/mes-donnees.zip", url.Values{}},
	} {
		step.form.Set("_csrf", token)
		if resp, body := postForm(t, visitor, web.URL+camille+step.path, step.form); resp.StatusCode != 303 && resp.StatusCode != 200 {
			t.Fatalf("POST %s = %d %s", step.path, resp.StatusCode, body)
		}
	}
	page, token = space(inesLink)
	accept := regexp.MustCompile(`/transferts/\d+/acceptation`).FindString(page)
	if accept == "" {
		t.Fatal("no transfer to accept in Inès's space")
	}
	if resp, _ := postForm(t, visitor, web.URL+inesLink+accept, url.Values{"_csrf": {token}}); resp.StatusCode != 303 {
		t.Fatalf("accept the transfer = %d", resp.StatusCode)
	}
	hugoLink := trackRE.FindString(mail("application_received", "hugo@exemple.fr").Text)
	_, token = space(hugoLink)
	if resp, _ := postForm(t, visitor, web.URL+hugoLink+"/candidatures/"+itoa(hugo.ID)+"/retrait", url.Values{"_csrf": {token}}); resp.StatusCode != 303 {
		t.Fatalf("withdraw = %d", resp.StatusCode)
	}
	leaLink := trackRE.FindString(mail("application_received", "lea@exemple.fr").Text)
	_, token = space(leaLink)
	if resp, _ := postForm(t, visitor, web.URL+leaLink+"/suppression", url.Values{"_csrf": {token}, "confirm": {"oui"}}); resp.StatusCode != 200 {
		t.Fatalf("erase = %d", resp.StatusCode)
	}
	spent[web.URL+leaLink] = true
	mail("candidate_message", "recruteur@ville-demo.vivier.test")
	mail("identity_changed", "recruteur@ville-demo.vivier.test")
	mail("data_export", "camille@exemple.fr")
	mail("application_transferred", "ines@exemple.fr")
	mail("application_withdrawn", "recruteur@ville-demo.vivier.test")
	mail("erasure_done", "")

	// An agent forgot their password.
	anon := newClient(t)
	_, page = get(t, anon, web.URL+"/admin/mot-de-passe-oublie")
	if resp, _ := postForm(t, anon, web.URL+"/admin/mot-de-passe-oublie", url.Values{"_csrf": {csrfToken(t, page)},
		"email": {"marque@ville-demo.vivier.test"}}); resp.StatusCode != 200 {
		t.Fatalf("password reset request = %d", resp.StatusCode)
	}
	mail("password_reset", "marque@ville-demo.vivier.test")

	// Job alerts: Lou confirms hers (the page's button), Zoé not yet; a
	// new offer makes the daily run mail Lou.
	for _, a := range []struct{ email, query string }{{"lou@exemple.fr", "q=jardinier"}, {"zoe@exemple.fr", "q=comptable"}} {
		_, page := get(t, anon, web.URL+"/alertes/nouvelle?"+a.query)
		if resp, _ := postForm(t, anon, web.URL+"/alertes/nouvelle", url.Values{"_csrf": {csrfToken(t, page)}, "recherche": {a.query},
			"email": {a.email}}); resp.StatusCode != 200 {
			t.Fatalf("alert of %s = %d", a.email, resp.StatusCode)
		}
	}
	confirm := alertConfirmRE.FindString(mail("job_alert_confirm", "lou@exemple.fr").Text)
	mail("job_alert_confirm", "zoe@exemple.fr")
	_, page = get(t, anon, web.URL+confirm)
	if resp, _ := postForm(t, anon, web.URL+confirm, url.Values{"_csrf": {csrfToken(t, page)}}); resp.StatusCode != 200 {
		t.Fatalf("alert confirmation = %d", resp.StatusCode)
	}
	spent[web.URL+confirm] = true
	publishOffer(t, web, "ALERTE-LIENS", "Jardinier des squares")
	if n, err := w.worker.RunJobAlerts(ctx, time.Now().AddDate(0, 0, 1)); err != nil || n != 1 {
		t.Fatalf("job alerts: %d sent, %v", n, err)
	}
	mail("job_alert", "lou@exemple.fr")

	// The recruiter's daily digest (with its unsubscribe link), and the
	// reminders of applications near the promised response time.
	if resp, _ := postForm(t, rc, web.URL+"/admin/ville-demo/notifications", url.Values{"_csrf": {rtoken}, "new_application": {"digest"}}); resp.StatusCode != 303 {
		t.Fatalf("choose the digest = %d", resp.StatusCode)
	}
	if n, err := w.worker.RunDigest(ctx, time.Now().AddDate(0, 0, 1)); err != nil || n == 0 {
		t.Fatalf("digest: %d sent, %v", n, err)
	}
	mail("notification_digest", "recruteur@ville-demo.vivier.test")
	if n, err := w.worker.RunResponseReminders(ctx, time.Now().Add(time.Duration(days)*24*time.Hour*9/10)); err != nil || n == 0 {
		t.Fatalf("response reminders: %d sent, %v", n, err)
	}
	mail("response_reminder", "recruteur@ville-demo.vivier.test")
	mail("new_application", "recruteur@ville-demo.vivier.test")

	// A public agent asks for a link to the mobility space; a recruiter who
	// found her profile invites her to apply.
	_, page = get(t, anon, web.URL+"/mobilite/connexion")
	if resp, _ := postForm(t, anon, web.URL+"/mobilite/connexion", url.Values{"_csrf": {csrfToken(t, page)},
		"email": {"ines.moreau@culture.gouv.fr"}}); resp.StatusCode != 200 {
		t.Fatalf("mobility link request = %d", resp.StatusCode)
	}
	mail("mobility_link", "ines.moreau@culture.gouv.fr")
	mob, err := s.EnsureMobilityAgent(ctx, "ines.moreau@culture.gouv.fr")
	if err != nil {
		t.Fatal(err)
	}
	profile := &vivier.MobilityProfile{FirstName: "Inès", LastName: "Moreau", Visibility: vivier.VisibilityAll}
	if err := s.SaveMobilityProfile(ctx, mob.ID, profile, nil, nil); err != nil {
		t.Fatal(err)
	}
	recruiter, err := s.AgentByEmail(ctx, "recruteur@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.InviteProfile(ctx, adm.ID, recruiter.ID, profile.ID, o.ID, "Votre profil nous intéresse.", vivier.Actor{Email: recruiter.Email}); err != nil {
		t.Fatal(err)
	}
	mail("mobility_invitation", "ines.moreau@culture.gouv.fr")

	// The worker stops here, its work done: from now on, only the web app
	// may write, and it must not.
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	templateOf := map[string]string{}
	rows, err := db.Query(`SELECT smtp_message_id, template FROM sent_emails`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, tmpl string
		if err := rows.Scan(&id, &tmpl); err != nil {
			t.Fatal(err)
		}
		templateOf[id] = tmpl
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		t.Fatal(err)
	}
	site, err := url.Parse(web.URL)
	if err != nil {
		t.Fatal(err)
	}
	links := map[string]string{} // link → the template of an email that carries it
	sent := map[string]bool{}
	for _, m := range w.SMTP.Messages() {
		tmpl := templateOf[m.Header.Get("Message-Id")]
		if tmpl == "" {
			t.Fatalf("an email that sent_emails does not know: %q to %v", m.Subject, m.To)
		}
		sent[tmpl] = true
		for _, l := range emailLinks(m) {
			u, err := url.Parse(l)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host != site.Host {
				t.Logf("%s: a link out of the site, not opened: %s", tmpl, l)
				continue
			}
			links[l] = tmpl
		}
	}
	for _, tmpl := range []string{"agent_invitation", "already_applied", "application_received", "application_status",
		"application_transferred", "application_withdrawn", "candidate_message", "data_export", "erasure_done",
		"identity_changed", "job_alert", "job_alert_confirm", "merge_confirm", "new_application", "note_mention",
		"notification_digest", "password_reset", "pool_invitation", "recruiter_message", "response_reminder",
		"tracking_link", "transfer_proposed", "mobility_link", "mobility_invitation"} {
		if !sent[tmpl] {
			t.Errorf("no %s email in the flow", tmpl)
		}
	}

	before := tableChecksums(t, db)
	snapshotDetectsChanges(t, db, before)

	// A scanner opens every link: no cookie, redirects followed within the
	// site only.
	scanner := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host != site.Host {
			return fmt.Errorf("redirected out of the site, to %s", req.URL)
		}
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		return nil
	}}
	kinds := map[string]bool{}
	ordered := make([]string, 0, len(links))
	for l := range links {
		ordered = append(ordered, l)
	}
	sort.Strings(ordered)
	for _, l := range ordered {
		kinds[linkKind(l)] = true
		resp, err := scanner.Get(l)
		if err != nil {
			t.Errorf("%s: GET %s: %v", links[l], l, err)
			continue
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Errorf("%s: GET %s: %v", links[l], l, err)
			continue
		}
		switch {
		case spent[l] && !slices.Contains([]int{404, 409, 410}, resp.StatusCode):
			t.Errorf("%s: GET %s (used up) = %d, want a refusal", links[l], l, resp.StatusCode)
		case !spent[l] && resp.StatusCode != 200:
			t.Errorf("%s: GET %s = %d, want 200 (after redirects within the site)", links[l], l, resp.StatusCode)
		}
	}
	if changed := changedTables(before, tableChecksums(t, db)); len(changed) > 0 {
		t.Errorf("opening the emailed links changed the tables %v", changed)
	}

	// The kinds of link opened, tokens and ids aside.
	for _, k := range []string{"/suivi", "/suivi/{token}", "/alertes/confirmation/{token}", "/alertes/desinscription/{token}",
		"/admin/invitation/{token}", "/admin/mot-de-passe/{token}", "/admin/desabonnement/{token}", "/offres", "/offres?q",
		"/offres/{id}", "/offres/{id}/postuler", "/admin/ville-demo/candidatures", "/admin/ville-demo/candidatures/{id}",
		"/admin/ville-demo/notifications", "/employeurs/ville-demo/images/{digest}"} {
		if !kinds[k] {
			t.Errorf("no %s link among the emails'", k)
		}
	}
	if len(kinds) < 16 {
		t.Errorf("%d kinds of link opened, want at least 16: %v", len(kinds), kinds)
	}
	names := slices.Sorted(maps.Keys(kinds))
	t.Logf("%d emails, %d links of %d kinds opened: %s", len(w.SMTP.Messages()), len(links), len(kinds), strings.Join(names, " "))
}

// sentEmail waits until the worker has sent the email of template to
// recipient (any recipient when empty), and returns it as captured.
func sentEmail(t *testing.T, w *program, template, to string) jobstest.Message {
	t.Helper()
	var msg jobstest.Message
	jobstest.Eventually(t, "the "+template+" email to "+to, func() (bool, error) {
		var ids []string
		if err := w.Store().DB().Select(&ids, `SELECT smtp_message_id FROM sent_emails
			WHERE template = $1 AND ($2 = '' OR recipient = $2) ORDER BY id DESC`, template, to); err != nil {
			return false, err
		}
		for _, m := range w.SMTP.Messages() {
			if slices.Contains(ids, m.Header.Get("Message-Id")) {
				msg = m
				return true, nil
			}
		}
		return false, nil
	})
	return msg
}

var (
	attrLinkRE = regexp.MustCompile(`(?i)\b(?:href|src)\s*=\s*"([^"]*)"`)
	textLinkRE = regexp.MustCompile(`https?://[^\s<>"]+`)
	headLinkRE = regexp.MustCompile(`<([^>]+)>`)
)

// emailLinks returns every link of an email: href and src of its HTML,
// URLs of its text, the List-Unsubscribe header's.
func emailLinks(m jobstest.Message) []string {
	var out []string
	for _, a := range attrLinkRE.FindAllStringSubmatch(m.HTML, -1) {
		out = append(out, html.UnescapeString(a[1]))
	}
	for _, l := range textLinkRE.FindAllString(m.Text, -1) {
		out = append(out, strings.TrimRight(l, ".,;:!?)»"))
	}
	for _, h := range headLinkRE.FindAllStringSubmatch(m.Header.Get("List-Unsubscribe"), -1) {
		out = append(out, h[1])
	}
	return out
}

var (
	digestSegmentRE = regexp.MustCompile(`/[0-9a-f]{64}(/|$)`)
	tokenSegmentRE  = regexp.MustCompile(`/[A-Za-z0-9_-]{43}(/|$)`)
	idSegmentRE     = regexp.MustCompile(`/[0-9]+(/|$)`)
)

// linkKind names a link by its route: digests, tokens and ids replaced, the
// query's keys only, no fragment.
func linkKind(l string) string {
	u, err := url.Parse(l)
	if err != nil {
		return l
	}
	p := u.Path
	for _, r := range []struct {
		re   *regexp.Regexp
		with string
	}{{digestSegmentRE, "/{digest}$1"}, {tokenSegmentRE, "/{token}$1"}, {idSegmentRE, "/{id}$1"}} {
		// Until nothing changes: a match takes the slash after it, so
		// that two segments in a row need a second pass.
		for next := r.re.ReplaceAllString(p, r.with); next != p; next = r.re.ReplaceAllString(p, r.with) {
			p = next
		}
	}
	var keys []string
	for k := range u.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		p += "?" + strings.Join(keys, "&")
	}
	return p
}

// httpBookkeeping are the rows that opening a page may write and that hold
// no one's data: Fiber's CSRF middleware stores each token it issues (every
// page with a form issues one: the tracking space, the alert pages, the
// invitation and password forms) through vivier.SessionStorage("csrf"), that
// is in http_sessions under the namespace 'csrf', as a digest of a random
// value with its expiry. Only that namespace is left out: the 'session' one
// (signed-in agents) is compared, since a link that signed someone in
// would show there.
var httpBookkeeping = map[string]string{"http_sessions": `WHERE r.namespace <> 'csrf'`}

// tableChecksums returns, for every table of the public schema, a checksum
// of all its rows (all columns), the HTTP layer's bookkeeping aside.
func tableChecksums(t *testing.T, db *sqlx.DB) map[string]string {
	t.Helper()
	var tables []string
	if err := db.Select(&tables, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`); err != nil {
		t.Fatal(err)
	}
	if len(tables) < 20 {
		t.Fatalf("only %d tables: %v", len(tables), tables)
	}
	out := make(map[string]string, len(tables))
	for _, tbl := range tables {
		var sum string
		q := `SELECT count(*) || ':' || coalesce(md5(string_agg(r::text, E'\n' ORDER BY r::text)), '') FROM ` +
			pq.QuoteIdentifier(tbl) + ` r ` + httpBookkeeping[tbl]
		if err := db.Get(&sum, q); err != nil {
			t.Fatalf("checksum of %s: %v", tbl, err)
		}
		out[tbl] = sum
	}
	return out
}

// changedTables lists the tables whose checksum differs.
func changedTables(before, after map[string]string) []string {
	var out []string
	for tbl, sum := range after {
		if before[tbl] != sum {
			out = append(out, tbl)
		}
	}
	for tbl := range before {
		if _, ok := after[tbl]; !ok {
			out = append(out, tbl)
		}
	}
	sort.Strings(out)
	return out
}

// snapshotDetectsChanges proves that the comparison can fail: a change of
// one column of one row is seen, in its table only; a CSRF token being
// stored is not, a session is; and with the changes undone, the snapshot
// is the same again.
func snapshotDetectsChanges(t *testing.T, db *sqlx.DB, before map[string]string) {
	t.Helper()
	for _, c := range []struct {
		do, undo string
		want     []string
	}{
		{`UPDATE job_alerts SET label = label || '.' WHERE id = (SELECT min(id) FROM job_alerts)`,
			`UPDATE job_alerts SET label = left(label, -1) WHERE id = (SELECT min(id) FROM job_alerts)`, []string{"job_alerts"}},
		{`INSERT INTO http_sessions (namespace, key_hash, data) VALUES ('csrf', '\x00', '\x01')`,
			`DELETE FROM http_sessions WHERE key_hash = '\x00'`, nil},
		{`INSERT INTO http_sessions (namespace, key_hash, data) VALUES ('session', '\x00', '\x01')`,
			`DELETE FROM http_sessions WHERE key_hash = '\x00'`, []string{"http_sessions"}},
	} {
		db.MustExec(c.do)
		got := changedTables(before, tableChecksums(t, db))
		db.MustExec(c.undo)
		if !slices.Equal(got, c.want) {
			t.Fatalf("after %q the snapshot sees %v changed, want %v", c.do, got, c.want)
		}
	}
	if changed := changedTables(before, tableChecksums(t, db)); len(changed) > 0 {
		t.Fatalf("the snapshot moved on its own: %v", changed)
	}
}

// linkKind's own cases, the ones the test above relies on.
func TestLinkKind(t *testing.T) {
	tok := strings.Repeat("a", 40) + "_-Z"
	for in, want := range map[string]string{
		"http://h/suivi/" + tok:                                             "/suivi/{token}",
		"http://h/suivi":                                                    "/suivi",
		"http://h/offres?q=jardinier&type=emploi":                           "/offres?q&type",
		"http://h/offres/12/postuler":                                       "/offres/{id}/postuler",
		"http://h/admin/ville-demo/candidatures/42#notes":                   "/admin/ville-demo/candidatures/{id}",
		"http://h/alertes/desinscription/" + tok:                            "/alertes/desinscription/{token}",
		"http://h/employeurs/ville-demo/images/" + strings.Repeat("c0", 32): "/employeurs/ville-demo/images/{digest}",
		"http://h/x/" + tok + "/1234/56":                                    "/x/{token}/{id}/{id}",
	} {
		if got := linkKind(in); got != want {
			t.Errorf("linkKind(%s) = %s, want %s", in, got, want)
		}
	}
}
