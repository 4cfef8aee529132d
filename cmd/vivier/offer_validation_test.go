package main

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"vivier"
)

// validationProgram starts Vivier (web and worker) with the demo data, a
// recruiter and an administrator of the ministry's DNUM direction, and the
// ministry asking that its directions' offers be validated.
func validationProgram(t *testing.T) (p *program, dnum int64) {
	t.Helper()
	p = startDemo(t, "dev", map[string]string{"CSP_SECRET_KEY": cspTestKey, "CSP_API_URL": "https://csp.exemple.gouv.fr",
		"API_RATE_LIMIT_PER_MINUTE": "100000"})
	ctx := context.Background()
	dnum = agentAdmin(t, p, "ministere-demo-dnum")
	hash, err := vivier.HashPassword(DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	for email, role := range map[string]vivier.Role{"recruteur@dnum.vivier.test": vivier.RoleRecruteur, "admin@dnum.vivier.test": vivier.RoleAdmin} {
		a := &vivier.Agent{Email: email, FirstName: "Dominique", LastName: "Numérique", PasswordHash: hash}
		if err := p.Store().UpsertAgent(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := p.Store().AssignRole(ctx, a.ID, role, vivier.AdministrationDomain(dnum)); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.policies.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	return p, dnum
}

// publicSees reports what the public side and the partners are given of an
// offer: search, page, RSS feed, sitemap, the API's open data, CSP.
func publicSees(t *testing.T, p *program, id int64, ref, word string) map[string]bool {
	t.Helper()
	c := newClient(t)
	seen := map[string]bool{}
	_, body := get(t, c, p.URL+"/offres?q="+url.QueryEscape(word))
	seen["search"] = strings.Contains(body, "/offres/"+itoa(id)+`"`)
	resp, _ := get(t, c, p.URL+"/offres/"+itoa(id))
	seen["page"] = resp.StatusCode == 200
	_, body = get(t, c, p.URL+"/flux/offres.xml")
	seen["feed"] = strings.Contains(body, "/offres/"+itoa(id)+"<")
	_, body = get(t, c, p.URL+"/sitemap.xml")
	seen["sitemap"] = strings.Contains(body, "/offres/"+itoa(id)+"<")
	_, body = get(t, c, p.URL+"/api/v1/donnees/offres?limite=100")
	seen["open data"] = strings.Contains(body, `"`+ref+`"`)
	var n int
	if err := p.db.Get(&n, `SELECT count(*) FROM csp_offers WHERE offer_id = $1 AND (pending = 'send' OR sent_at IS NOT NULL)`, id); err != nil {
		t.Fatal(err)
	}
	seen["csp"] = n > 0
	return seen
}

func assertHidden(t *testing.T, when string, seen map[string]bool) {
	t.Helper()
	for what, yes := range seen {
		if yes {
			t.Errorf("%s: the public or a partner gets the offer through %s", when, what)
		}
	}
}

func offerStatus(t *testing.T, p *program, id int64) vivier.OfferStatus {
	t.Helper()
	var s vivier.OfferStatus
	if err := p.db.Get(&s, `SELECT status FROM offers WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return s
}

// A direction's recruiter submits an offer; nothing public, nor the API's
// open data nor CSP, gets it until an administrator of the parent ministry
// validates it; the direction's own administrator, a ministry recruiter and
// another administration's administrator cannot; a return with a comment
// reaches the author by email and on the dashboard; an offer pushed through
// the API waits too; after the approval, a change of contacts keeps it
// online while an edit of the mission sends it back.
func TestOfferWaitsForValidation(t *testing.T) {
	t.Parallel()
	p, dnum := validationProgram(t)
	ctx := context.Background()
	s := p.Store()
	if err := s.SaveCSPSettings(ctx, dnum, vivier.CSPSettingsInput{Enabled: true, SourceID: "5d1b3f4e-8a7c-4d2b-9e6f-0a1b2c3d4e5f", APIKey: "cle-dnum"},
		"https://csp.exemple.gouv.fr", p.Config.cspBox(), vivier.Actor{}); err != nil {
		t.Fatal(err)
	}

	// The ministry's administrator asks for validation of its directions'
	// offers; the form needs its CSRF token.
	admin, adminCSRF := signInAs(t, p, "admin@ministere-demo.vivier.test")
	if resp, _ := postForm(t, admin, p.URL+"/admin/ministere-demo/administration/validation", url.Values{"validate_directions": {"1"}}); resp.StatusCode != 403 {
		t.Fatalf("settings without CSRF = %d, want 403", resp.StatusCode)
	}
	if resp, _ := postForm(t, admin, p.URL+"/admin/ministere-demo/administration/validation",
		url.Values{"_csrf": {adminCSRF}, "validate_directions": {"1"}}); resp.StatusCode != 303 {
		t.Fatalf("save the settings = %d", resp.StatusCode)
	}
	if v, err := s.ValidationSettings(ctx, agentAdmin(t, p, "ministere-demo")); err != nil || !v.Directions || v.Own {
		t.Fatalf("settings = %+v, %v", v, err)
	}

	o := cspDraft("DNUM-VISA-1")
	o.Title = "Cartographe des données publiques"
	o.OrganisationName = "DNUM"
	if err := s.CreateOffer(ctx, dnum, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	offerPath := "/admin/ministere-demo-dnum/offres/" + itoa(o.ID)
	rec, recCSRF := signInAs(t, p, "recruteur@dnum.vivier.test")
	_, page := get(t, rec, p.URL+offerPath)
	if !strings.Contains(page, "Soumettre à validation") || strings.Contains(page, "Publier maintenant") {
		t.Fatal("the recruiter's offer page offers to publish instead of submitting")
	}
	if resp, body := postForm(t, rec, p.URL+offerPath+"/statut", url.Values{"_csrf": {recCSRF}, "status": {"published"}}); resp.StatusCode != 422 ||
		!strings.Contains(body, "soumettez celle-ci à validation") {
		t.Fatalf("publish without validation = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, rec, p.URL+offerPath+"/statut", url.Values{"_csrf": {recCSRF}, "status": {"pending"}}); resp.StatusCode != 303 {
		t.Fatalf("submit = %d", resp.StatusCode)
	}
	if st := offerStatus(t, p, o.ID); st != vivier.OfferPending {
		t.Fatalf("after the submission: %s", st)
	}
	assertHidden(t, "submitted", publicSees(t, p, o.ID, "DNUM-VISA-1", "cartographe"))

	// The API pushes an offer whose publication has begun: it waits too.
	token := newAPIToken(t, p, "ministere-demo-dnum", vivier.ScopeWrite)
	pushed := apiOffer("DNUM-API-7", "Urbaniste des systèmes d'information", time.Now().Add(-time.Hour))
	status, _, resp := apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", token, map[string]any{"offres": []any{pushed}})
	results, _ := resp["results"].([]any)
	if status != 201 || len(results) != 1 {
		t.Fatalf("push = %d %v", status, resp)
	}
	res := results[0].(map[string]any)
	if res["statut"] != "pending" || !strings.Contains(res["message"].(string), "validation") {
		t.Fatalf("the API's answer does not say the offer waits: %v", res)
	}
	pushedID := int64(res["id"].(float64))
	assertHidden(t, "pushed", publicSees(t, p, pushedID, "DNUM-API-7", "urbaniste"))

	// Who may not decide: the direction's own administrator (the ministry's
	// setting asks), a recruiter of the ministry, ville-demo's administrator.
	dirAdmin, dirCSRF := signInAs(t, p, "admin@dnum.vivier.test")
	if resp, _ := get(t, dirAdmin, p.URL+"/admin/ministere-demo-dnum/offres/validation/"+itoa(o.ID)); resp.StatusCode != 404 {
		t.Errorf("the direction's administrator opens the review: %d, want 404", resp.StatusCode)
	}
	if resp, _ := postForm(t, dirAdmin, p.URL+"/admin/ministere-demo-dnum/offres/validation/"+itoa(o.ID)+"/approbation",
		url.Values{"_csrf": {dirCSRF}}); resp.StatusCode != 404 {
		t.Errorf("the direction's administrator approves: %d, want 404", resp.StatusCode)
	}
	minRec, minRecCSRF := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	if resp, _ := postForm(t, minRec, p.URL+"/admin/ministere-demo/offres/validation/"+itoa(o.ID)+"/approbation",
		url.Values{"_csrf": {minRecCSRF}}); resp.StatusCode != 403 {
		t.Errorf("a recruiter approves: %d, want 403", resp.StatusCode)
	}
	city, cityCSRF := signInAs(t, p, "admin@ville-demo.vivier.test")
	for _, u := range []string{"/admin/ville-demo/offres/validation/" + itoa(o.ID) + "/approbation", "/admin/ministere-demo/offres/validation/" + itoa(o.ID) + "/approbation"} {
		if resp, _ := postForm(t, city, p.URL+u, url.Values{"_csrf": {cityCSRF}}); resp.StatusCode != 404 {
			t.Errorf("ville-demo's administrator POST %s = %d, want 404", u, resp.StatusCode)
		}
	}
	if _, body := get(t, city, p.URL+"/admin/ville-demo/offres/validation"); strings.Contains(body, "Cartographe") {
		t.Error("ville-demo's queue lists the ministry's offer")
	}
	if st := offerStatus(t, p, o.ID); st != vivier.OfferPending {
		t.Fatalf("after the refused attempts: %s", st)
	}

	// The ministry's administrator sees both in the queue and on the
	// dashboard, and returns the first: a comment is required.
	_, queue := get(t, admin, p.URL+"/admin/ministere-demo/offres/validation")
	if !strings.Contains(queue, "Cartographe des données publiques") || !strings.Contains(queue, "Urbaniste des systèmes") {
		t.Fatal("the queue lacks the submitted offers")
	}
	if _, dash := get(t, admin, p.URL+"/admin/ministere-demo"); !strings.Contains(dash, "2 offres à valider") {
		t.Error("the dashboard does not count the offers to validate")
	}
	if resp, _ := get(t, admin, p.URL+"/admin/ministere-demo/offres/validation/12x"); resp.StatusCode != 400 {
		t.Errorf("a malformed offer number = %d, want 400", resp.StatusCode)
	}
	review := p.URL + "/admin/ministere-demo/offres/validation/" + itoa(o.ID)
	if resp, _ := postForm(t, admin, review+"/retour", url.Values{"comment": {"Précisez la rémunération."}}); resp.StatusCode != 403 {
		t.Errorf("return without CSRF = %d, want 403", resp.StatusCode)
	}
	if resp, body := postForm(t, admin, review+"/retour", url.Values{"_csrf": {adminCSRF}, "comment": {"  "}}); resp.StatusCode != 422 ||
		!strings.Contains(body, "le commentaire est obligatoire") {
		t.Fatalf("return without a comment = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, admin, review+"/retour", url.Values{"_csrf": {adminCSRF}, "comment": {"Précisez la rémunération, s'il vous plaît."}}); resp.StatusCode != 303 {
		t.Fatalf("return = %d", resp.StatusCode)
	}
	if st := offerStatus(t, p, o.ID); st != vivier.OfferDraft {
		t.Fatalf("after the return: %s", st)
	}
	msgs := p.SMTP.Wait(t, 1, 30*time.Second)
	if m := msgs[0]; strings.Join(m.To, ",") != "recruteur@dnum.vivier.test" || !strings.Contains(m.Subject, "Offre retournée") ||
		!strings.Contains(m.Text, "Précisez la rémunération, s'il vous plaît.") {
		t.Fatalf("the author's email: to %q, %q\n%s", m.To, m.Subject, m.Text)
	}
	_, page = get(t, rec, p.URL+offerPath)
	if !strings.Contains(page, `id="offer-returned"`) || !strings.Contains(page, "Précisez la rémunération, s&#39;il vous plaît.") {
		t.Error("the offer page does not show the return's comment")
	}
	if _, dash := get(t, rec, p.URL+"/admin/ministere-demo-dnum"); !strings.Contains(dash, "retournée") {
		t.Error("the author's dashboard does not say the offer was returned")
	}
	assertHidden(t, "returned", publicSees(t, p, o.ID, "DNUM-VISA-1", "cartographe"))

	// Submitted again, approved: online everywhere, and the author is told.
	if resp, _ := postForm(t, rec, p.URL+offerPath+"/statut", url.Values{"_csrf": {recCSRF}, "status": {"pending"}}); resp.StatusCode != 303 {
		t.Fatalf("submit again = %d", resp.StatusCode)
	}
	// The validator approves the version the review page showed: one the
	// author changed since (the page left open) is refused, and shown again.
	_, reviewPage := get(t, admin, review)
	shown := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(reviewPage)
	if shown == nil {
		t.Fatal("the review page posts no version of the offer")
	}
	if _, err := p.db.Exec(`UPDATE offers SET updated_at = updated_at + interval '1 second', mission = mission || ' Et davantage.' WHERE id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	if resp, body := postForm(t, admin, review+"/approbation", url.Values{"_csrf": {adminCSRF}, "version": {shown[1]}}); resp.StatusCode != 409 ||
		!strings.Contains(body, "L&#39;offre a été modifiée depuis que vous l&#39;avez ouverte") || !strings.Contains(body, "Et davantage.") {
		t.Fatalf("approve a version changed since = %d", resp.StatusCode)
	}
	if st := offerStatus(t, p, o.ID); st != vivier.OfferPending {
		t.Fatalf("after approving a stale version: %s", st)
	}
	if resp, _ := postForm(t, admin, review+"/approbation", url.Values{"_csrf": {adminCSRF}, "version": {offerVersion(t, p, o.ID)}}); resp.StatusCode != 303 {
		t.Fatalf("approve = %d", resp.StatusCode)
	}
	if st := offerStatus(t, p, o.ID); st != vivier.OfferPublished {
		t.Fatalf("after the approval: %s", st)
	}
	for what, yes := range publicSees(t, p, o.ID, "DNUM-VISA-1", "cartographe") {
		if !yes {
			t.Errorf("approved: %s does not get the offer", what)
		}
	}
	msgs = p.SMTP.Wait(t, 2, 30*time.Second)
	if m := msgs[1]; strings.Join(m.To, ",") != "recruteur@dnum.vivier.test" || !strings.Contains(m.Subject, "Offre validée") {
		t.Fatalf("the approval's email: to %q, %q", m.To, m.Subject)
	}
	if _, page = get(t, rec, p.URL+offerPath); !strings.Contains(page, `id="validation-notice"`) {
		t.Error("the form does not say that an edit of the content sends the offer back")
	}

	// The pushed offer, to begin tomorrow, is validated: scheduled, still
	// not public until its date.
	if _, err := p.db.Exec(`UPDATE offers SET publish_at = now() + interval '1 day' WHERE id = $1`, pushedID); err != nil {
		t.Fatal(err)
	}
	if resp, _ := postForm(t, admin, p.URL+"/admin/ministere-demo/offres/validation/"+itoa(pushedID)+"/approbation",
		url.Values{"_csrf": {adminCSRF}, "version": {offerVersion(t, p, pushedID)}}); resp.StatusCode != 303 {
		t.Fatalf("approve the pushed offer = %d", resp.StatusCode)
	}
	if st := offerStatus(t, p, pushedID); st != vivier.OfferScheduled {
		t.Fatalf("the pushed offer, approved before its date: %s", st)
	}
	assertHidden(t, "approved, scheduled", publicSees(t, p, pushedID, "DNUM-API-7", "urbaniste"))

	// Contacts change: still online. The mission changes: back to validation.
	cur, err := s.OfferByID(ctx, dnum, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	cur.Contacts.V = []vivier.Contact{{Email: "autre-contact@ministere-demo.gouv.fr"}}
	later := cur.EndAt.Add(24 * time.Hour)
	cur.EndAt = &later
	if err := s.UpdateOffer(ctx, dnum, cur, vivier.Actor{Email: "recruteur@dnum.vivier.test"}); err != nil {
		t.Fatal(err)
	}
	if st := offerStatus(t, p, o.ID); st != vivier.OfferPublished {
		t.Fatalf("after a change of contacts and dates: %s", st)
	}
	cur.Mission = "Cartographier les données publiques du ministère et les ouvrir."
	if err := s.UpdateOffer(ctx, dnum, cur, vivier.Actor{Email: "recruteur@dnum.vivier.test"}); err != nil {
		t.Fatal(err)
	}
	if st := offerStatus(t, p, o.ID); st != vivier.OfferPending {
		t.Fatalf("after an edit of the mission: %s", st)
	}
	seen := publicSees(t, p, o.ID, "DNUM-VISA-1", "cartographe")
	delete(seen, "csp") // the archiving is asked of CSP; checked below
	assertHidden(t, "sent back", seen)
	var pendingCSP string
	if err := p.db.Get(&pendingCSP, `SELECT coalesce(pending, '') FROM csp_offers WHERE offer_id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	if pendingCSP == "send" {
		t.Error("the offer sent back is still to be sent to CSP")
	}

	// Every step in the history and the audit log.
	v, err := s.OfferValidation(ctx, dnum, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for _, st := range v.Steps {
		steps = append(steps, st.Step)
	}
	if got := strings.Join(steps, ","); got != "submitted,returned,submitted,approved,resubmitted" {
		t.Errorf("history = %s", got)
	}
	var audited []string
	if err := p.db.Select(&audited, `SELECT action FROM audit_log WHERE target = 'DNUM-VISA-1' AND action LIKE 'offer.validation.%' ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(audited, ","); got != "offer.validation.submitted,offer.validation.returned,offer.validation.submitted,offer.validation.approved,offer.validation.resubmitted" {
		t.Errorf("audit log = %s", got)
	}
	p.drained(t)
	if n := len(p.SMTP.Messages()); n != 2 {
		t.Errorf("%d emails, want 2 (the return and the approval)", n)
	}

	// A closed offer's page stays public, but an edit of its content hides
	// it until a validator has read the new text.
	ministry := agentAdmin(t, p, "ministere-demo")
	var version time.Time
	if err := p.db.Get(&version, `SELECT updated_at FROM offers WHERE id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApproveOffer(ctx, ministry, o.ID, version, vivier.Actor{Email: "admin@ministere-demo.vivier.test"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOffer(ctx, dnum, o.ID, vivier.OfferClosed, vivier.Actor{Email: "recruteur@dnum.vivier.test"}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, newClient(t), p.URL+"/offres/"+itoa(o.ID)); resp.StatusCode != 200 {
		t.Fatalf("the closed, validated offer's page = %d, want 200", resp.StatusCode)
	}
	if cur, err = s.OfferByID(ctx, dnum, o.ID); err != nil {
		t.Fatal(err)
	}
	cur.Mission = "Un texte que personne n'a encore validé."
	if err := s.UpdateOffer(ctx, dnum, cur, vivier.Actor{Email: "recruteur@dnum.vivier.test"}); err != nil {
		t.Fatal(err)
	}
	closedPage, closedBody := get(t, newClient(t), p.URL+"/offres/"+itoa(o.ID))
	if closedPage.StatusCode == 200 || strings.Contains(closedBody, "personne n'a encore validé") {
		t.Errorf("the closed offer's edited content is public (%d) before its validation", closedPage.StatusCode)
	}
}

// offerVersion is an offer's version as its review page posts it.
func offerVersion(t *testing.T, p *program, id int64) string {
	t.Helper()
	var v time.Time
	if err := p.db.Get(&v, `SELECT updated_at FROM offers WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(v.UnixMicro(), 10)
}
