package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"vivier"
)

// applyTo makes one application through the store, as the form does.
func applyTo(t *testing.T, p *program, o *vivier.Offer, email, first, last string, pool bool) *vivier.Application {
	t.Helper()
	data := pdfBytes(t, "", "Jardinier paysagiste, taille des haies")
	d, err := vivier.CheckDocument("cv.pdf", data, 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	sub := &vivier.Submission{FirstName: first, LastName: last, Email: email, Phone: "06 12 34 56 78", TalentPool: pool,
		Answers: map[string]string{"permis": "oui"}, Consent: true, CV: &vivier.Upload{Document: *d, Data: data}, IdempotencyKey: uuid.NewString()}
	if err := sub.Validate(o); err != nil {
		t.Fatal(err)
	}
	app, _, err := p.Store().Apply(context.Background(), sub, o, p.files)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func secondOffer(t *testing.T, p *program, adminID int64, ref, title string) *vivier.Offer {
	t.Helper()
	ctx := context.Background()
	o := &vivier.Offer{Kind: vivier.KindConcours, Reference: ref, Versant: vivier.VersantTerritoriale, Title: title, CVPolicy: "optional"}
	if err := p.Store().CreateOffer(ctx, adminID, o, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().MoveOffer(ctx, adminID, o.ID, vivier.OfferPublished, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	o, err := p.Store().OfferByID(ctx, adminID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestStepsScreenAndIsolation(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	applyTo(t, p, o, "ines@exemple.fr", "Inès", "Moreau", false)
	base := p.URL + "/admin/ville-demo/etapes"
	nouvelle := stepID(t, p, o.AdministrationID, "Nouvelle")
	jury := stepID(t, p, o.AdministrationID, "Jury")

	c, token := signInAs(t, p, "admin@ville-demo.vivier.test")
	if resp, page := get(t, c, base); resp.StatusCode != 200 || !strings.Contains(page, "Étapes et motifs de refus") || !strings.Contains(page, `value="Jury"`) {
		t.Fatalf("steps page = %d", resp.StatusCode)
	}
	resp, _ := postForm(t, c, base, url.Values{"_csrf": {token}, "name": {"Test écrit"}, "category": {"en_cours"}, "public": {"oui"}})
	if resp.StatusCode != 303 {
		t.Fatalf("add step = %d", resp.StatusCode)
	}
	resp, page := postForm(t, c, base+"/"+strconv.FormatInt(nouvelle, 10)+"/suppression", url.Values{"_csrf": {token}})
	if resp.StatusCode != 409 || !strings.Contains(page, "contient encore 1 candidature") {
		t.Errorf("removing a step with an application = %d", resp.StatusCode)
	}
	resp, page = postForm(t, c, base+"/"+strconv.FormatInt(jury, 10), url.Values{"_csrf": {token}, "name": {""}})
	if resp.StatusCode != 422 || !strings.Contains(page, "de 1 à 60 caractères") {
		t.Errorf("empty name = %d", resp.StatusCode)
	}
	if resp, _ = postForm(t, c, base+"/"+strconv.FormatInt(jury, 10)+"/deplacement", url.Values{"_csrf": {token}, "sens": {"haut"}}); resp.StatusCode != 303 {
		t.Errorf("move up = %d", resp.StatusCode)
	}
	if resp, _ = postForm(t, c, base, url.Values{"name": {"Sans jeton"}, "category": {"en_cours"}}); resp.StatusCode != 403 {
		t.Errorf("add without CSRF = %d", resp.StatusCode)
	}
	// A recruiter may not edit the steps; an agent of another administration
	// does not even learn the page exists, and changes nothing.
	rc, rtoken := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	if resp, _ = get(t, rc, base); resp.StatusCode != 403 {
		t.Errorf("recruiter on the steps page = %d", resp.StatusCode)
	}
	if resp, _ = postForm(t, rc, base+"/"+strconv.FormatInt(jury, 10)+"/suppression", url.Values{"_csrf": {rtoken}}); resp.StatusCode != 403 {
		t.Errorf("recruiter removes a step = %d", resp.StatusCode)
	}
	bc, btoken := signInAs(t, p, "admin@ministere-demo.vivier.test")
	before := count(t, p, `SELECT count(*) FROM pipeline_steps WHERE administration_id = $1`, o.AdministrationID)
	if resp, _ = get(t, bc, base); resp.StatusCode != 404 {
		t.Errorf("B on A's steps = %d", resp.StatusCode)
	}
	for _, u := range []string{base + "/" + strconv.FormatInt(jury, 10) + "/suppression", base, p.URL + "/admin/ministere-demo/etapes/" + strconv.FormatInt(jury, 10) + "/suppression"} {
		resp, _ = postForm(t, bc, u, url.Values{"_csrf": {btoken}, "name": {"Piratée"}, "category": {"en_cours"}})
		if resp.StatusCode != 404 {
			t.Errorf("B posts %s = %d", u, resp.StatusCode)
		}
	}
	if after := count(t, p, `SELECT count(*) FROM pipeline_steps WHERE administration_id = $1`, o.AdministrationID); after != before || before != 9 {
		t.Errorf("A's steps: %d then %d, want 9", before, after)
	}
}

func TestPoolAndDuplicatesRoutes(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	o2 := secondOffer(t, p, o.AdministrationID, "CONC-1", "Concours d'agent de maîtrise")
	in := applyTo(t, p, o, "ines@exemple.fr", "Inès", "Moreau", true)
	applyTo(t, p, o, "noe@exemple.fr", "Noé", "Petit", false)
	dup1 := applyTo(t, p, o, "camille@exemple.fr", "Camille", "Martin", false)
	dup2 := applyTo(t, p, o2, "camille.martin@exemple.fr", "Camille", "Martin", false)
	pool := p.URL + "/admin/ville-demo/vivier"

	rc, rtoken := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	resp, page := get(t, rc, pool+"?q=haies")
	if resp.StatusCode != 200 || !strings.Contains(page, "Inès Moreau") || strings.Contains(page, "Noé") || !strings.Contains(page, "Inviter à postuler") {
		t.Fatalf("pool search = %d: %s", resp.StatusCode, page)
	}
	if _, page = get(t, rc, pool+"?q=plombier"); strings.Contains(page, "Inès") {
		t.Error("a search without match lists the candidate")
	}
	inviteURL := fmt.Sprintf("%s/%d/invitation", pool, in.CandidateID)
	form := url.Values{"_csrf": {rtoken}, "offer": {strconv.FormatInt(o2.ID, 10)}}
	if resp, _ = postForm(t, rc, inviteURL, form); resp.StatusCode != 303 {
		t.Fatalf("invite = %d", resp.StatusCode)
	}
	if resp, page = postForm(t, rc, inviteURL, form); resp.StatusCode != 409 || !strings.Contains(page, "déjà été invitée") {
		t.Errorf("second invitation = %d", resp.StatusCode)
	}
	if _, page = get(t, rc, pool); !strings.Contains(page, "déjà invitée") {
		t.Error("the pool does not show the invitation")
	}
	// Another administration's agent: no pool of A, no invitation of A's
	// candidate through its own pool.
	bc, btoken := signInAs(t, p, "admin@ministere-demo.vivier.test")
	if resp, _ = get(t, bc, pool); resp.StatusCode != 404 {
		t.Errorf("B on A's pool = %d", resp.StatusCode)
	}
	if resp, _ = postForm(t, bc, inviteURL, url.Values{"_csrf": {btoken}, "offer": {strconv.FormatInt(o.ID, 10)}}); resp.StatusCode != 404 {
		t.Errorf("B invites in A's pool = %d", resp.StatusCode)
	}
	if resp, _ = postForm(t, bc, fmt.Sprintf("%s/admin/ministere-demo/vivier/%d/invitation", p.URL, in.CandidateID),
		url.Values{"_csrf": {btoken}, "offer": {strconv.FormatInt(o.ID, 10)}}); resp.StatusCode != 404 {
		t.Errorf("B invites A's candidate from its own pool = %d", resp.StatusCode)
	}
	if n := count(t, p, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskPoolInvitation); n != 1 {
		t.Errorf("%d invitations queued, want 1", n)
	}

	// Duplicates: administrators only, of their own administration.
	dups := p.URL + "/admin/ville-demo/doublons"
	if resp, _ = get(t, rc, dups); resp.StatusCode != 403 {
		t.Errorf("recruiter on the duplicates = %d", resp.StatusCode)
	}
	if resp, _ = get(t, bc, dups); resp.StatusCode != 404 {
		t.Errorf("B on A's duplicates = %d", resp.StatusCode)
	}
	merge := url.Values{"_csrf": {btoken}, "keep": {strconv.FormatInt(dup1.CandidateID, 10)}, "other": {strconv.FormatInt(dup2.CandidateID, 10)}}
	for _, u := range []string{dups + "/fusion", p.URL + "/admin/ministere-demo/doublons/fusion"} {
		if resp, _ = postForm(t, bc, u, merge); resp.StatusCode != 404 {
			t.Errorf("B merges A's candidates at %s = %d", u, resp.StatusCode)
		}
	}
	if n := count(t, p, `SELECT count(*) FROM candidates WHERE id IN ($1, $2)`, dup1.CandidateID, dup2.CandidateID); n != 2 {
		t.Fatal("B's attempt changed the candidates")
	}
	ac, atoken := signInAs(t, p, "admin@ville-demo.vivier.test")
	if resp, page = get(t, ac, dups); resp.StatusCode != 200 || !strings.Contains(page, "Même personne") ||
		!strings.Contains(page, "Demander à la personne de confirmer") {
		t.Fatalf("duplicates page = %d: %s", resp.StatusCode, page)
	}
	merge.Set("_csrf", atoken)
	merge.Set("keep", "x")
	if resp, page = postForm(t, ac, dups+"/fusion", merge); resp.StatusCode != 422 || !strings.Contains(page, "Choisissez deux fiches") {
		t.Errorf("a malformed id = %d", resp.StatusCode)
	}
	merge.Set("keep", strconv.FormatInt(dup1.CandidateID, 10))
	if resp, _ = postForm(t, ac, dups+"/fusion", merge); resp.StatusCode != 303 {
		t.Fatalf("merge request = %d", resp.StatusCode)
	}
	// Asked, not done: nothing moves before the person confirms from both
	// addresses (candidate_identity_test.go).
	if n := count(t, p, `SELECT count(*) FROM applications WHERE candidate_id = $1`, dup1.CandidateID); n != 1 {
		t.Errorf("kept candidate has %d applications before any confirmation", n)
	}
	if n := count(t, p, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskMergeConfirm); n != 2 {
		t.Errorf("%d confirmation emails queued, want 2", n)
	}
	if _, page = get(t, ac, dups); !strings.Contains(page, "La demande de confirmation est envoyée aux deux adresses") ||
		!strings.Contains(page, "camille@exemple.fr n'a pas encore répondu") {
		t.Errorf("after the request: %s", page)
	}
}

func TestTransferRoutes(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	o2 := secondOffer(t, p, o.AdministrationID, "CONC-2", "Concours d'agent de maîtrise")
	a1 := applyTo(t, p, o, "ines@exemple.fr", "Inès", "Moreau", false)
	a2 := applyTo(t, p, o, "noe@exemple.fr", "Noé", "Petit", false)
	a3 := applyTo(t, p, o2, "noe@exemple.fr", "Noé", "Petit", false)
	app := func(id int64) string { return fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, id) }

	bc, btoken := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	for _, u := range []string{app(a1.ID) + "/transfert", fmt.Sprintf("%s/admin/ministere-demo/candidatures/%d/transfert", p.URL, a1.ID)} {
		if resp, _ := postForm(t, bc, u, url.Values{"_csrf": {btoken}, "vers": {"administration"}, "administration": {"ministere-demo"}}); resp.StatusCode != 404 {
			t.Errorf("B transfers A's application at %s = %d", u, resp.StatusCode)
		}
	}
	if n := count(t, p, `SELECT count(*) FROM applications WHERE id = $1 AND category = 'nouvelle'`, a1.ID); n != 1 {
		t.Fatal("B's attempt changed A's application")
	}

	rc, rtoken := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	resp, page := get(t, rc, app(a1.ID))
	if resp.StatusCode != 200 || !strings.Contains(page, "Transférer vers cette offre") || !strings.Contains(page, "Proposer le transfert à la personne candidate") {
		t.Fatalf("application page = %d", resp.StatusCode)
	}
	// Within the administration.
	if resp, _ = postForm(t, rc, app(a1.ID)+"/transfert", url.Values{"_csrf": {rtoken}, "vers": {"offre"}, "offer": {strconv.FormatInt(o2.ID, 10)}}); resp.StatusCode != 303 {
		t.Fatalf("transfer to another offer = %d", resp.StatusCode)
	}
	if _, page = get(t, rc, app(a1.ID)); !strings.Contains(page, "Concours d&#39;agent de maîtrise") || !strings.Contains(page, "Transférée de") {
		t.Errorf("after the transfer to another offer: %s", page)
	}
	if resp, page = postForm(t, rc, app(a1.ID)+"/transfert", url.Values{"_csrf": {rtoken}, "vers": {"administration"}, "administration": {"nulle-part"}}); resp.StatusCode != 422 ||
		!strings.Contains(page, "Aucune administration active") {
		t.Errorf("unknown administration = %d", resp.StatusCode)
	}
	// To the other administration: proposed to the candidate, who accepts.
	if resp, _ = postForm(t, rc, app(a1.ID)+"/transfert", url.Values{"_csrf": {rtoken}, "vers": {"administration"}, "administration": {"ministere-demo"}}); resp.StatusCode != 303 {
		t.Fatalf("transfer to ministere-demo = %d", resp.StatusCode)
	}
	if _, page = get(t, rc, app(a1.ID)); !strings.Contains(page, "en attente de l&#39;accord de la personne candidate") {
		t.Errorf("the pending transfer is not shown")
	}
	if _, page = get(t, bc, p.URL+"/admin/ministere-demo/candidatures?type=spontanees"); strings.Contains(page, "Inès Moreau") {
		t.Fatal("the receiving administration sees the application before the candidate's answer")
	}
	var trID int64
	if err := p.Store().DB().Get(&trID, `SELECT id FROM application_transfers WHERE application_id = $1`, a1.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store().AcceptTransfer(context.Background(), a1.CandidateID, trID, p.files, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, page = get(t, rc, app(a1.ID)); !strings.Contains(page, "transférée à une autre administration") || strings.Contains(page, "Proposer le transfert") ||
		!strings.Contains(page, "acceptée par la personne candidate") {
		t.Errorf("the original is not closed")
	}
	if n := count(t, p, `SELECT count(*) FROM applications WHERE administration_id = $1 AND category IN ('nouvelle', 'en_cours') AND id = $2`, o.AdministrationID, a1.ID); n != 0 {
		t.Error("the sending administration still has it pending")
	}
	var newID int64
	if err := p.Store().DB().Get(&newID, `SELECT id FROM applications WHERE transferred_from = $1`, a1.ID); err != nil {
		t.Fatal(err)
	}
	if resp, page = get(t, bc, p.URL+"/admin/ministere-demo/candidatures?type=spontanees"); resp.StatusCode != 200 || !strings.Contains(page, "Inès Moreau") {
		t.Errorf("the receiving administration's list = %d", resp.StatusCode)
	}
	if _, page = get(t, bc, fmt.Sprintf("%s/admin/ministere-demo/candidatures/%d", p.URL, newID)); !strings.Contains(page, "Candidature transmise par Ville") ||
		!strings.Contains(page, "reçue") {
		t.Errorf("the receiving administration's page: %s", page)
	}
	if n := count(t, p, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskApplicationTransferred); n != 1 {
		t.Errorf("%d transfer emails queued", n)
	}
	// Recruited on one offer: the other pending application is flagged.
	if _, err := p.Store().MoveApplication(context.Background(), o.AdministrationID, a3.ID,
		vivier.Move{StageID: stepID(t, p, o.AdministrationID, "Recrutée")}, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if _, page = get(t, rc, p.URL+"/admin/ville-demo/candidatures"); strings.Count(page, "Candidat·e recruté·e sur une autre offre") != 1 {
		t.Errorf("badges on the list: %d", strings.Count(page, "Candidat·e recruté·e sur une autre offre"))
	}
	if _, page = get(t, rc, app(a2.ID)); !strings.Contains(page, `id="recruited-badge"`) {
		t.Error("no badge on the application page")
	}
}
