package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"vivier"
	"vivier/jobs/jobstest"
)

// juryMember makes a membre_jury of the administration who signs in with
// the demo password.
func juryMember(t testing.TB, p *program, slug, email string) *vivier.Agent {
	t.Helper()
	ctx := context.Background()
	adm, err := p.Store().AdministrationBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := vivier.HashPassword(DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	a := &vivier.Agent{Email: email, FirstName: "Jules", LastName: "Ury", PasswordHash: hash}
	if err := p.Store().UpsertAgent(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().AssignRole(ctx, a.ID, vivier.RoleMembreJury, vivier.AdministrationDomain(adm.ID)); err != nil {
		t.Fatal(err)
	}
	if err := p.policies.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	return a
}

func fileOf(t *testing.T, p *program, appID int64) int64 {
	t.Helper()
	var id int64
	if err := p.Store().DB().Get(&id, `SELECT id FROM application_files WHERE application_id = $1 ORDER BY id LIMIT 1`, appID); err != nil {
		t.Fatal(err)
	}
	return id
}

// A recruiter's notes (Markdown kept inert, a mention mailed), tags,
// assignments and ratings on the application page, and a jury member who
// reads only what is assigned to them.
func TestCollaborationScreens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "dev", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 3)
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	jury := juryMember(t, p, "ville-demo", "jury@ville-demo.vivier.test")
	appURL := func(id int64) string { return fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, id) }
	list := fmt.Sprintf("%s/admin/ville-demo/offres/%d/candidatures", p.URL, o.ID)

	rc, rtoken := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	recruteur, err := p.Store().AgentByEmail(ctx, "recruteur@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}

	// A note with an XSS payload and a mention of the reader.
	payload := "**Très bon profil**, voir @lecteur.\n\n<script>alert('note')</script> <img src=x onerror=alert(1)> [lien](javascript:alert(2))"
	resp, _ := postForm(t, rc, appURL(ids[0])+"/notes", url.Values{"_csrf": {rtoken}, "body": {payload}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != fmt.Sprintf("/admin/ville-demo/candidatures/%d#notes", ids[0]) {
		t.Fatalf("note = %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page := get(t, rc, appURL(ids[0]))
	if !strings.Contains(page, "<strong>Très bon profil</strong>") || !strings.Contains(page, "est prévenu·e par courriel") {
		t.Errorf("note not shown as Markdown, or no word of the mention: %s", page)
	}
	notes := page[strings.Index(page, `id="notes"`):]
	for _, bad := range []string{"<script>alert", "onerror", "javascript:", "<img"} {
		if strings.Contains(notes, bad) {
			t.Errorf("the note's %q is live in the page", bad)
		}
	}
	if resp, page = postForm(t, rc, appURL(ids[0])+"/notes", url.Values{"_csrf": {rtoken}, "body": {"  "}}); resp.StatusCode != 422 ||
		!strings.Contains(page, "Écrivez le texte de la note.") {
		t.Errorf("empty note = %d", resp.StatusCode)
	}
	// The mentioned reader gets one email, sent by the worker.
	jobstest.Eventually(t, "the mention email", func() (bool, error) {
		for _, m := range p.SMTP.Messages() {
			if m.To[0] == "lecteur@ville-demo.vivier.test" && strings.Contains(m.Subject, "vous mentionne") {
				return true, nil
			}
		}
		return false, nil
	})
	p.drained(t)
	n := 0
	for _, m := range p.SMTP.Messages() {
		if m.To[0] == "lecteur@ville-demo.vivier.test" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d emails to the reader, want 1", n)
	}

	// Tags and assignment, on the page and in bulk from the list.
	if resp, _ = postForm(t, rc, appURL(ids[0])+"/etiquettes", url.Values{"_csrf": {rtoken}, "tag": {"Profil rare"}}); resp.StatusCode != 303 {
		t.Fatalf("tag = %d", resp.StatusCode)
	}
	bulk := url.Values{"_csrf": {rtoken}, "ids": {itoa(ids[0]), itoa(ids[1])}, "agent": {itoa(jury.ID)}}
	if resp, _ = postForm(t, rc, list+"/lot/assignation", bulk); resp.StatusCode != 303 {
		t.Fatalf("bulk assign = %d", resp.StatusCode)
	}
	bulk.Set("tag", "Jury de mars")
	if resp, _ = postForm(t, rc, list+"/lot/etiquette", bulk); resp.StatusCode != 303 {
		t.Fatalf("bulk tag = %d", resp.StatusCode)
	}
	if _, page = get(t, rc, list); !strings.Contains(page, "Étiquette ajoutée à 2 candidatures.") {
		t.Errorf("bulk tag message missing")
	}
	if resp, _ = postForm(t, rc, appURL(ids[0])+"/assignations", url.Values{"_csrf": {rtoken}, "agent": {itoa(recruteur.ID)}}); resp.StatusCode != 303 {
		t.Fatalf("assign = %d", resp.StatusCode)
	}
	tags, err := p.Store().Tags(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	var rare int64
	for _, tg := range tags {
		if tg.Label == "Profil rare" {
			rare = tg.ID
		}
	}
	if _, page = get(t, rc, fmt.Sprintf("%s?etiquette=%d", list, rare)); !strings.Contains(page, "<caption>1 candidature</caption>") {
		t.Errorf("filter by tag")
	}
	if _, page = get(t, rc, fmt.Sprintf("%s?assigne=%d", list, jury.ID)); !strings.Contains(page, "<caption>2 candidatures</caption>") {
		t.Errorf("filter by assignee")
	}
	if resp, _ = get(t, rc, list+"?note=9"); resp.StatusCode != 422 {
		t.Errorf("bad rating filter = %d", resp.StatusCode)
	}
	// The recruiter rates; the jury member sees nothing of it until they rate.
	if resp, _ = postForm(t, rc, appURL(ids[0])+"/evaluation", url.Values{"_csrf": {rtoken}, "score": {"4"}, "comment": {"Avis du recruteur"}}); resp.StatusCode != 303 {
		t.Fatalf("rate = %d", resp.StatusCode)
	}
	if _, page = get(t, rc, list+"?note=4"); !strings.Contains(page, "<caption>1 candidature</caption>") || !strings.Contains(page, "4,0&nbsp;sur&nbsp;4") {
		t.Errorf("filter by rating: %s", page[strings.Index(page, "<caption>"):])
	}
	if resp, _ = postForm(t, rc, appURL(ids[2])+"/evaluation", url.Values{"_csrf": {rtoken}, "score": {"2"}}); resp.StatusCode != 403 {
		t.Errorf("rating an application one is not assigned to = %d", resp.StatusCode)
	}

	jc, jtoken := signInAs(t, p, "jury@ville-demo.vivier.test")
	_, page = get(t, jc, appURL(ids[0]))
	if strings.Contains(page, "Avis du recruteur") || !strings.Contains(page, "vous verrez leurs évaluations après avoir donné la vôtre") {
		t.Errorf("the jury member sees the others' ratings before rating")
	}
	if resp, _ = postForm(t, jc, appURL(ids[0])+"/evaluation", url.Values{"_csrf": {jtoken}, "score": {"2"}}); resp.StatusCode != 303 {
		t.Fatalf("jury rate = %d", resp.StatusCode)
	}
	if _, page = get(t, jc, appURL(ids[0])); !strings.Contains(page, "Avis du recruteur") || !strings.Contains(page, "3,0&nbsp;sur&nbsp;4") {
		t.Errorf("the jury member does not see the others' ratings after rating")
	}
	// Only what is assigned: lists, board, page, file; the rest is not found.
	for u, want := range map[string]string{
		p.URL + "/admin/ville-demo/candidatures": "Prénom0", list: "<caption>2 candidatures</caption>",
		fmt.Sprintf("%s/admin/ville-demo/offres/%d/tableau", p.URL, o.ID): "Prénom1",
	} {
		resp, page = get(t, jc, u)
		if resp.StatusCode != 200 || !strings.Contains(page, want) || strings.Contains(page, "Prénom2 ") || strings.Contains(page, "Nom00002") {
			t.Errorf("jury GET %s = %d, want %q without the unassigned one", u, resp.StatusCode, want)
		}
	}
	for _, u := range []string{appURL(ids[0]), fmt.Sprintf("%s/fichiers/%d", appURL(ids[0]), fileOf(t, p, ids[0])),
		fmt.Sprintf("%s/fichiers/%d/apercu", appURL(ids[0]), fileOf(t, p, ids[0]))} {
		if resp, _ = get(t, jc, u); resp.StatusCode != 200 {
			t.Errorf("jury GET %s (assigned) = %d", u, resp.StatusCode)
		}
	}
	for _, u := range []string{appURL(ids[2]), fmt.Sprintf("%s/fichiers/%d", appURL(ids[2]), fileOf(t, p, ids[2])),
		fmt.Sprintf("%s/fichiers/%d/apercu", appURL(ids[2]), fileOf(t, p, ids[2]))} {
		if resp, _ = get(t, jc, u); resp.StatusCode != 404 {
			t.Errorf("jury GET %s (not assigned) = %d, want 404", u, resp.StatusCode)
		}
	}
	if resp, _ = postForm(t, jc, appURL(ids[2])+"/notes", url.Values{"_csrf": {jtoken}, "body": {"hors périmètre"}}); resp.StatusCode != 404 {
		t.Errorf("jury note outside scope = %d", resp.StatusCode)
	}
	if resp, _ = postForm(t, jc, appURL(ids[0])+"/etiquettes", url.Values{"_csrf": {jtoken}, "tag": {"x"}}); resp.StatusCode != 403 {
		t.Errorf("jury tag = %d", resp.StatusCode)
	}
	// The preview: inline, a PDF, framed by our pages only, sandboxed.
	resp, _ = get(t, rc, fmt.Sprintf("%s/fichiers/%d/apercu", appURL(ids[0]), fileOf(t, p, ids[0])))
	if resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") ||
		!strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'self'") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("preview headers: %v", resp.Header)
	}
	resp, page = get(t, rc, appURL(ids[0]))
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "frame-src 'self'") || !strings.Contains(page, `<iframe class="vivier-preview`) {
		t.Errorf("the page does not frame its preview: %s", resp.Header.Get("Content-Security-Policy"))
	}

	// A reader sees no move form on the page, and the server refuses a move.
	lc, ltoken := signInAs(t, p, "lecteur@ville-demo.vivier.test")
	if resp, page = get(t, lc, appURL(ids[1])); resp.StatusCode != 200 || strings.Contains(page, "Déplacer vers") ||
		strings.Contains(page, "/etiquettes\"") || strings.Contains(page, "Ajouter la note") {
		t.Errorf("reader's application page = %d shows controls it may not use", resp.StatusCode)
	}
	if resp, _ = postForm(t, lc, appURL(ids[1])+"/etape", url.Values{"_csrf": {ltoken}, "stage": {strconv.FormatInt(stepID(t, p, adm.ID, "Jury"), 10)}}); resp.StatusCode != 403 {
		t.Errorf("reader's move = %d", resp.StatusCode)
	}
}

// An agent of another administration can neither read nor change the
// notes, ratings, tags and assignments of an application: 404 or 403, and
// the database unchanged.
func TestCollaborationTenantIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p) // ville-demo's
	ids := seedApplications(t, p, o, 1)
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := p.Store().AgentByEmail(ctx, "recruteur@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	actor := vivier.Actor{AgentID: rec.ID, Email: rec.Email}
	if _, err := p.Store().Assign(ctx, adm.ID, ids, rec.ID, actor); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.Store().AddNote(ctx, adm.ID, ids[0], "Note secrète de la ville", vivier.Scope{}, actor); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().Rate(ctx, adm.ID, ids[0], 3, "Avis secret", actor); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store().AddTag(ctx, adm.ID, ids, "Étiquette secrète"); err != nil {
		t.Fatal(err)
	}
	tags, err := p.Store().Tags(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	state := func() string {
		var s []string
		for _, q := range []string{`SELECT count(*) FROM application_notes`, `SELECT count(*) FROM application_ratings`,
			`SELECT coalesce(sum(score), 0) FROM application_ratings`, `SELECT count(*) FROM application_tags`, `SELECT count(*) FROM tags`,
			`SELECT count(*) FROM application_assignees`, `SELECT count(*) FROM outbox`} {
			var n int
			if err := p.Store().DB().Get(&n, q); err != nil {
				t.Fatal(err)
			}
			s = append(s, strconv.Itoa(n))
		}
		return strings.Join(s, "/")
	}
	before := state()
	mc, mtoken := signInAs(t, p, "admin@ministere-demo.vivier.test")
	mdemo, err := p.Store().AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	other, err := p.Store().AgentByEmail(ctx, "recruteur@ministere-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"ville-demo", "ministere-demo"} {
		base := fmt.Sprintf("%s/admin/%s/candidatures/%d", p.URL, slug, ids[0])
		resp, page := get(t, mc, base)
		if resp.StatusCode != 404 || strings.Contains(page, "secrète") || strings.Contains(page, "Avis secret") {
			t.Errorf("GET %s by another administration = %d", base, resp.StatusCode)
		}
		if resp, _ := get(t, mc, fmt.Sprintf("%s/fichiers/%d/apercu", base, fileOf(t, p, ids[0]))); resp.StatusCode != 404 {
			t.Errorf("preview by another administration = %d", resp.StatusCode)
		}
		for path, form := range map[string]url.Values{
			"/notes":                {"body": {"intrusion @recruteur"}},
			"/evaluation":           {"score": {"1"}},
			"/etiquettes":           {"tag": {"intrus"}},
			"/etiquettes/retrait":   {"tag": {itoa(tags[0].ID)}},
			"/assignations":         {"agent": {itoa(other.ID)}},
			"/assignations/retrait": {"agent": {itoa(rec.ID)}},
		} {
			form.Set("_csrf", mtoken)
			if resp, _ := postForm(t, mc, base+path, form); resp.StatusCode != 404 && resp.StatusCode != 403 {
				t.Errorf("POST %s%s by another administration = %d", base, path, resp.StatusCode)
			}
		}
		bulk := url.Values{"_csrf": {mtoken}, "ids": {itoa(ids[0])}, "tag": {"intrus"}, "agent": {itoa(other.ID)}}
		for _, action := range []string{"etiquette", "assignation"} {
			u := fmt.Sprintf("%s/admin/%s/offres/%d/candidatures/lot/%s", p.URL, slug, o.ID, action)
			if resp, _ := postForm(t, mc, u, bulk); resp.StatusCode != 404 && resp.StatusCode != 403 {
				t.Errorf("POST %s by another administration = %d", u, resp.StatusCode)
			}
		}
	}
	// Their own offer's bulk form, with the other administration's ids.
	mo := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "M-1", Versant: vivier.VersantEtat, Title: "Offre du ministère"}
	if err := p.Store().CreateOffer(ctx, mdemo.ID, mo, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	bulk := url.Values{"_csrf": {mtoken}, "ids": {itoa(ids[0])}, "tag": {"intrus"}, "agent": {itoa(other.ID)}}
	for _, action := range []string{"etiquette", "assignation"} {
		u := fmt.Sprintf("%s/admin/ministere-demo/offres/%d/candidatures/lot/%s", p.URL, mo.ID, action)
		resp, page := postForm(t, mc, u, bulk)
		if resp.StatusCode != 303 {
			t.Errorf("POST %s = %d: %s", u, resp.StatusCode, page)
		}
	}
	_, page := get(t, mc, fmt.Sprintf("%s/admin/ministere-demo/offres/%d/candidatures", p.URL, mo.ID))
	if !strings.Contains(page, "0 candidature assignée") {
		t.Errorf("bulk assign across administrations reports something else")
	}
	intruderTags := count(t, p, `SELECT count(*) FROM application_tags x JOIN tags t ON t.id = x.tag_id WHERE t.label = 'intrus'`)
	if intruderTags != 0 {
		t.Errorf("another administration tagged the application")
	}
	if after := state(); after != before {
		// The intruder's own "intrus" tag was created in their administration:
		// only that may differ.
		var want string
		parts := strings.Split(before, "/")
		n, err := strconv.Atoi(parts[4])
		if err != nil {
			t.Fatalf("state %q: %v", before, err)
		}
		parts[4] = strconv.Itoa(n + 1)
		want = strings.Join(parts, "/")
		if after != want {
			t.Errorf("state changed: %s, then %s", before, after)
		}
	}
}
