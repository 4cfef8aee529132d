package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"vivier"
)

// foreignApplication makes an application to an offer of ministere-demo.
func foreignApplication(t *testing.T, p *program) int64 {
	t.Helper()
	ctx := context.Background()
	adm, err := p.Store().AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "MIN-1", Versant: adm.Versant, Title: "Analyste", CVPolicy: "optional"}
	if err := p.Store().CreateOffer(ctx, adm.ID, o, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if o, err = p.Store().OfferByID(ctx, adm.ID, o.ID); err != nil {
		t.Fatal(err)
	}
	sub := &vivier.Submission{FirstName: "Secret", LastName: "Ministère", Email: "secret@exemple.fr", Consent: true, IdempotencyKey: uuid.NewString()}
	if err := sub.Validate(o); err != nil {
		t.Fatal(err)
	}
	app, _, err := p.Store().Apply(ctx, sub, o, p.files)
	if err != nil {
		t.Fatal(err)
	}
	return app.ID
}

func TestEmailTemplatesScreen(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 2)
	foreign := foreignApplication(t, p)
	base := p.URL + "/admin/ville-demo/modeles"
	c, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")

	resp, page := get(t, c, base)
	if resp.StatusCode != 200 || !strings.Contains(page, "Invitation à un entretien") || !strings.Contains(page, "Message libre") {
		t.Fatalf("list = %d", resp.StatusCode)
	}
	if resp, page = get(t, c, fmt.Sprintf("%s/refus?candidature=%d", base, ids[0])); resp.StatusCode != 200 ||
		!strings.Contains(page, "Aperçu pour Prénom0 Nom00000") || !strings.Contains(page, "Jardinier·ère des parcs") {
		t.Fatalf("preview = %d", resp.StatusCode)
	}
	// Another administration's application: not even its name.
	if resp, page = get(t, c, fmt.Sprintf("%s/refus?candidature=%d", base, foreign)); resp.StatusCode != 404 || strings.Contains(page, "Secret") {
		t.Errorf("preview with ministere-demo's application = %d", resp.StatusCode)
	}
	form := url.Values{"_csrf": {token}, "subject": {"Réponse de {{administration}}"}, "body": {"Bonjour {{prenom}} <b>gras</b>\n\n{{motif}}"},
		"candidature": {fmt.Sprint(foreign)}, "action": {"apercu"}}
	if resp, page = postForm(t, c, base+"/refus", form); resp.StatusCode != 404 || strings.Contains(page, "Secret") {
		t.Errorf("unsaved preview with ministere-demo's application = %d", resp.StatusCode)
	}
	form.Set("candidature", fmt.Sprint(ids[1]))
	if resp, page = postForm(t, c, base+"/refus", form); resp.StatusCode != 200 || !strings.Contains(page, "Bonjour Prénom1 &lt;b&gt;gras&lt;/b&gt;") {
		t.Errorf("unsaved preview = %d", resp.StatusCode)
	}
	if tpl, err := p.Store().EmailTemplate(context.Background(), o.AdministrationID, vivier.EventRefusal); err != nil || tpl.Custom {
		t.Errorf("the preview saved the template (%v)", err)
	}
	form.Set("action", "enregistrer")
	form.Set("body", "Bonjour {{prenon}}")
	if resp, page = postForm(t, c, base+"/refus", form); resp.StatusCode != 422 || !strings.Contains(page, "Variable inconnue : {{prenon}}") ||
		!strings.Contains(page, `aria-describedby="tpl-body-error"`) {
		t.Errorf("unknown variable = %d", resp.StatusCode)
	}
	form.Set("body", "Bonjour {{prenom}},\n\n{{motif}}")
	if resp, _ = postForm(t, c, base+"/refus", form); resp.StatusCode != 303 {
		t.Fatalf("save = %d", resp.StatusCode)
	}
	if _, page = get(t, c, base); !strings.Contains(page, "personnalisé") {
		t.Error("the list does not show the administration's template")
	}
	noCSRF := url.Values{"subject": {"x"}, "body": {"y"}}
	if resp, _ = postForm(t, c, base+"/refus", noCSRF); resp.StatusCode != 403 {
		t.Errorf("save without CSRF = %d", resp.StatusCode)
	}
	if resp, _ = get(t, c, base+"/inconnu"); resp.StatusCode != 404 {
		t.Errorf("unknown event = %d", resp.StatusCode)
	}

	// An agent of another administration and a reader change nothing.
	for _, who := range []string{"recruteur@ministere-demo.vivier.test", "lecteur@ville-demo.vivier.test"} {
		other, otherToken := signInAs(t, p, who)
		if resp, _ = get(t, other, base); resp.StatusCode != 403 && resp.StatusCode != 404 {
			t.Errorf("%s opens the templates = %d", who, resp.StatusCode)
		}
		if resp, _ = postForm(t, other, base+"/refus/reinitialisation", url.Values{"_csrf": {otherToken}}); resp.StatusCode != 403 && resp.StatusCode != 404 {
			t.Errorf("%s resets = %d", who, resp.StatusCode)
		}
	}
	if tpl, err := p.Store().EmailTemplate(context.Background(), o.AdministrationID, vivier.EventRefusal); err != nil || !tpl.Custom {
		t.Errorf("another agent reset the template (%v)", err)
	}
	if resp, _ = postForm(t, c, base+"/refus/reinitialisation", url.Values{"_csrf": {token}}); resp.StatusCode != 303 {
		t.Errorf("reset = %d", resp.StatusCode)
	}
	if tpl, err := p.Store().EmailTemplate(context.Background(), o.AdministrationID, vivier.EventRefusal); err != nil || tpl.Custom {
		t.Errorf("the reset kept the template (%v)", err)
	}
}

func TestInterviewOverHTTP(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 2)
	rec, err := p.Store().AgentByEmail(ctx, "recruteur@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	c, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	appURL := fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, ids[0])
	if resp, page := get(t, c, appURL); resp.StatusCode != 200 || !strings.Contains(page, "Inviter à un entretien") {
		t.Fatalf("application page = %d", resp.StatusCode)
	}
	if resp, page := get(t, c, appURL+"/entretien"); resp.StatusCode != 200 || !strings.Contains(page, fmt.Sprintf(`id="iv-agent-%d" name="interviewers" value="%d" checked`, rec.ID, rec.ID)) {
		t.Fatalf("form = %d", resp.StatusCode)
	}
	day := time.Now().AddDate(0, 0, 7).Format("2006-01-02")
	form := url.Values{"_csrf": {token}, "date": {day}, "time": {"25:99"}, "duration": {"30"}, "place": {"Mairie annexe"},
		"interviewers": {fmt.Sprint(rec.ID)}, "message": {"Apportez vos diplômes."}}
	if resp, page := postForm(t, c, appURL+"/entretien", form); resp.StatusCode != 422 || !strings.Contains(page, "Saisissez la date") ||
		!strings.Contains(page, `value="Mairie annexe"`) {
		t.Errorf("bad time = %d", resp.StatusCode)
	}
	form.Set("time", "10:30")
	// Through another administration: not found, nothing written.
	mc, mtoken := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	foreign := url.Values{}
	for k, v := range form {
		foreign[k] = v
	}
	foreign.Set("_csrf", mtoken)
	for _, u := range []string{fmt.Sprintf("%s/admin/ministere-demo/candidatures/%d/entretien", p.URL, ids[0]), appURL + "/entretien"} {
		if resp, _ := postForm(t, mc, u, foreign); resp.StatusCode != 404 && resp.StatusCode != 403 {
			t.Errorf("ministere-demo invites through %s = %d", u, resp.StatusCode)
		}
	}
	if resp, _ := postForm(t, c, appURL+"/entretien", form); resp.StatusCode != 303 {
		t.Fatalf("invite = %d", resp.StatusCode)
	}
	var n int
	if err := p.Store().DB().Get(&n, `SELECT count(*) FROM interviews`); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d interviews", n)
	}
	if _, page := get(t, c, appURL); !strings.Contains(page, "en attente de réponse") || !strings.Contains(page, "Mairie annexe") ||
		!strings.Contains(page, "Invitation à un entretien") {
		t.Error("the application page does not show the interview")
	}

	// The candidate answers from their space, each answer a POST with CSRF.
	sum, err := p.Store().ApplicationSummaryByID(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	tok, hash := vivier.NewToken()
	if err := p.Store().CreateTrackingLink(ctx, sum.CandidateID, nil, hash); err != nil {
		t.Fatal(err)
	}
	cand := newClient(t)
	space := p.URL + "/suivi/" + tok
	_, page := get(t, cand, space)
	if !strings.Contains(page, "entretien prévu") || !strings.Contains(page, "J'accepte ce créneau") || !strings.Contains(page, "Mairie annexe") {
		t.Fatalf("space: %s", page)
	}
	var ivID int64
	if err := p.Store().DB().Get(&ivID, `SELECT id FROM interviews`); err != nil {
		t.Fatal(err)
	}
	accept := fmt.Sprintf("%s/entretiens/%d/acceptation", space, ivID)
	if resp, _ := postForm(t, cand, accept, url.Values{}); resp.StatusCode != 403 {
		t.Errorf("accept without CSRF = %d", resp.StatusCode)
	}
	// Another candidate's link does not reach this interview.
	other, err := p.Store().ApplicationSummaryByID(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	otherTok, otherHash := vivier.NewToken()
	if err := p.Store().CreateTrackingLink(ctx, other.CandidateID, nil, otherHash); err != nil {
		t.Fatal(err)
	}
	oc := newClient(t)
	_, otherPage := get(t, oc, p.URL+"/suivi/"+otherTok)
	if resp, _ := postForm(t, oc, fmt.Sprintf("%s/suivi/%s/entretiens/%d/acceptation", p.URL, otherTok, ivID),
		url.Values{"_csrf": {csrfToken(t, otherPage)}}); resp.StatusCode != 404 {
		t.Errorf("another candidate accepts = %d", resp.StatusCode)
	}
	csrf := csrfToken(t, page)
	if resp, _ := postForm(t, cand, accept, url.Values{"_csrf": {csrf}}); resp.StatusCode != 303 {
		t.Fatalf("accept = %d", resp.StatusCode)
	}
	if _, page = get(t, cand, space+"?fait=entretien"); !strings.Contains(page, "Vous avez accepté l&#39;entretien") ||
		!strings.Contains(page, "Entretien accepté") || strings.Contains(page, "J'accepte ce créneau") {
		t.Errorf("space after accepting: %s", page)
	}
	slot := fmt.Sprintf("%s/entretiens/%d/autre-creneau", space, ivID)
	if resp, body := postForm(t, cand, slot, url.Values{"_csrf": {csrf}, "message": {" "}}); resp.StatusCode != 422 ||
		!strings.Contains(body, "Dites quand vous seriez disponible") {
		t.Errorf("another slot without a message = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, cand, slot, url.Values{"_csrf": {csrf}, "message": {"Le jeudi matin"}}); resp.StatusCode != 303 {
		t.Fatalf("another slot = %d", resp.StatusCode)
	}
	if _, page = get(t, c, appURL); !strings.Contains(page, "Autre créneau demandé") || !strings.Contains(page, "Le jeudi matin") {
		t.Error("the history does not show the candidate's answer")
	}
	// The worker is not running here: the notices wait in the outbox.
	if err := p.Store().DB().Get(&n, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskInterviewAnswered); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d answer notices queued", n)
	}
}
