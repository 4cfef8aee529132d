package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/lib/pq"

	"vivier"
)

// applyOnce makes one application to the offer through the store, with a
// candidate of its own.
func applyOnce(t *testing.T, p *program, o *vivier.Offer, first, last, email string) int64 {
	t.Helper()
	data := pdfBytes(t, "", "Agent des espaces verts")
	d, err := vivier.CheckDocument("cv.pdf", data, 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	sub := &vivier.Submission{FirstName: first, LastName: last, Email: email, Source: vivier.Sources[0],
		Answers: map[string]string{"permis": "oui"}, Consent: true, CV: &vivier.Upload{Document: *d, Data: data}, IdempotencyKey: uuid.NewString()}
	if err := sub.Validate(o); err != nil {
		t.Fatal(err)
	}
	app, _, err := p.Store().Apply(context.Background(), sub, o, p.files)
	if err != nil {
		t.Fatal(err)
	}
	return app.ID
}

// applicationsState fingerprints the applications' rows and every row
// hanging from them, so that a refused request is seen to change nothing.
func applicationsState(t *testing.T, p *program, ids []int64) string {
	t.Helper()
	queries := []string{
		`SELECT coalesce(string_agg(row_to_json(x)::text, '|' ORDER BY x.id), '') FROM applications x WHERE x.id = ANY($1)`,
		`SELECT coalesce(string_agg(row_to_json(x)::text, '|' ORDER BY x.id), '') FROM candidates x
			WHERE x.id IN (SELECT candidate_id FROM applications WHERE id = ANY($1))`,
	}
	for _, table := range []string{"application_notes", "application_ratings", "application_messages", "application_tags",
		"application_assignees", "application_events", "application_files", "application_transfers", "interviews", "sirh_hires"} {
		queries = append(queries, `SELECT count(*) || ':' || coalesce(md5(string_agg(row_to_json(x)::text, '|' ORDER BY row_to_json(x)::text)), '')
			FROM `+table+` x WHERE x.application_id = ANY($1)`)
	}
	var out []string
	for _, q := range queries {
		var s string
		if err := p.Store().DB().Get(&s, q, pq.Array(ids)); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// sideEffects counts the rows that any write leaves behind, whichever the
// application: emails to send, the log, mentions, tags, invitations.
func sideEffects(t *testing.T, p *program) string {
	t.Helper()
	var out []string
	for _, table := range []string{"outbox", "audit_log", "note_mentions", "tags", "pool_invitations", "application_transfers", "applications"} {
		out = append(out, fmt.Sprintf("%s=%d", table, countRows(t, p, table)))
	}
	return strings.Join(out, " ")
}

// TestJuryMemberOnEveryApplicationRoute walks every route of the table
// that takes an application or an offer's applications, as a jury member
// of the administration: on the application assigned to them, allowed
// where the policy allows; on one that is not, refused (403 or 404), not a
// word of it shown, and nothing written. The other routes a jury member
// may open show nothing of what is not assigned to them.
func TestJuryMemberOnEveryApplicationRoute(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	offerA := openOfferWithQuestion(t, p)
	offerB := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "JURY-B", Versant: adm.Versant, Title: "Offre sans assignation",
		Mission: "Accueillir le public.", CVPolicy: "required",
		Questions: vivier.JSONB[[]vivier.Question]{V: []vivier.Question{{ID: "permis", Label: "Avez-vous le permis B ?", Kind: "yesno", Required: true}}}}
	if err := p.Store().CreateOffer(ctx, adm.ID, offerB, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().MoveOffer(ctx, adm.ID, offerB.ID, vivier.OfferPublished, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if offerB, err = p.Store().OfferByID(ctx, adm.ID, offerB.ID); err != nil {
		t.Fatal(err)
	}
	assigned := applyOnce(t, p, offerA, "Assignée", "Dujury", "assignee@exemple.fr")
	neighbour := applyOnce(t, p, offerA, "Voisine", "Horsperimetre", "voisine@exemple.fr") // same offer, not assigned
	other := applyOnce(t, p, offerB, "Autre", "Horsperimetre", "autre@exemple.fr")         // another offer, not assigned
	outside := []int64{neighbour, other}
	secrets := []string{"Voisine", "Autre", "Horsperimetre", "voisine@exemple.fr", "autre@exemple.fr"}

	jury := juryMember(t, p, "ville-demo", "jury@ville-demo.vivier.test")
	rec, err := p.Store().AgentByEmail(ctx, "recruteur@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	byRec := vivier.Actor{AgentID: rec.ID, Email: rec.Email}
	if _, err := p.Store().Assign(ctx, adm.ID, []int64{assigned}, jury.ID, byRec); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store().Assign(ctx, adm.ID, []int64{assigned, neighbour, other}, rec.ID, byRec); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.Store().AddNote(ctx, adm.ID, neighbour, "Note du recruteur sur la voisine", vivier.Scope{}, byRec); err != nil {
		t.Fatal(err)
	}

	c, token := signInAs(t, p, "jury@ville-demo.vivier.test")
	allowed := map[string]bool{}
	for _, perm := range rolePerms["membre_jury"] {
		allowed[perm] = true
	}
	type target struct {
		name       string
		app, offer int64
		outOfReach bool
	}
	targets := []target{
		{name: "not assigned, same offer", app: neighbour, offer: offerA.ID, outOfReach: true},
		{name: "not assigned, other offer", app: other, offer: offerB.ID, outOfReach: true},
		{name: "assigned", app: assigned, offer: offerA.ID},
	}
	leaks := func(body string) string {
		for _, s := range secrets {
			if strings.Contains(body, s) {
				return s
			}
		}
		return ""
	}
	walked := 0
	for _, r := range p.admin.Routes() {
		if !strings.HasPrefix(r.Path, "/:adm") {
			continue
		}
		takesApplication := strings.Contains(r.Path, ":application") || strings.Contains(r.Path, ":offer")
		if !takesApplication && (r.Method != "GET" || !allowed[r.Perm]) {
			continue // refused by the policy alone: the route walk covers it
		}
		if !takesApplication && strings.Contains(r.Path, ":digest") {
			continue // a brand image: nothing of an application (the brand tests cover it)
		}
		if strings.Contains(r.Path, ":board") {
			continue // a selection board's pages open to its members only (TestBoardPagesInBrowser covers them)
		}
		for _, tg := range targets {
			if !takesApplication && tg.outOfReach {
				continue
			}
			walked++
			var file int64
			if strings.Contains(r.Path, ":file") {
				file = fileOf(t, p, tg.app)
			}
			path := "/admin" + strings.NewReplacer(":adm", "ville-demo", ":application", fmt.Sprint(tg.app), ":offer", fmt.Sprint(tg.offer),
				":file", fmt.Sprint(file)).Replace(r.Path)
			form := url.Values{"_csrf": {token}, "body": {"Note du jury @recruteur"}, "score": {"3"}, "comment": {"Avis du jury"},
				"message": {"Bonjour, le jury vous écrit."}, "ids": {fmt.Sprint(tg.app)}, "tag": {"Jury"}, "agent": {fmt.Sprint(jury.ID)},
				"stage": {fmt.Sprint(stepID(t, p, adm.ID, "Jury"))}, "offer": {fmt.Sprint(offerB.ID)}, "vers": {"offre"},
				"date": {"2031-03-04"}, "time": {"10:00"}, "duration": {"45"}, "place": {"Mairie"}, "interviewers": {fmt.Sprint(jury.ID)},
				"first_name": {"Changé"}, "last_name": {"Parlejury"}, "email": {"change@exemple.fr"}}
			outsideBefore, effectsBefore := applicationsState(t, p, outside), sideEffects(t, p)
			var resp *http.Response
			var body string
			if r.Method == "GET" {
				resp, body = get(t, c, p.URL+path)
			} else {
				resp, body = postForm(t, c, p.URL+path, form)
			}
			label := fmt.Sprintf("jury %s %s (%s)", r.Method, r.Path, tg.name)
			// An offer's routes are within reach when something of the offer
			// is assigned to the jury member.
			outOfReach := tg.outOfReach && (strings.Contains(r.Path, ":application") || tg.offer != offerA.ID)
			mayWrite := false
			switch {
			case outOfReach:
				if resp.StatusCode != 403 && resp.StatusCode != 404 {
					t.Errorf("%s = %d, want 403 or 404", label, resp.StatusCode)
				}
			case allowed[r.Perm]:
				if resp.StatusCode >= 400 {
					t.Errorf("%s = %d, want it allowed", label, resp.StatusCode)
				}
				mayWrite = r.Method == "POST"
			default:
				if resp.StatusCode != 403 || !denied(resp.StatusCode, body) {
					t.Errorf("%s = %d, want 403 by the policy", label, resp.StatusCode)
				}
			}
			if s := leaks(body); s != "" {
				t.Errorf("%s = %d shows %q, of an application not assigned", label, resp.StatusCode, s)
			}
			if after := applicationsState(t, p, outside); after != outsideBefore {
				t.Errorf("%s = %d changed an application not assigned:\nbefore %s\nafter  %s", label, resp.StatusCode, outsideBefore, after)
			}
			if after := sideEffects(t, p); !mayWrite && after != effectsBefore {
				t.Errorf("%s = %d wrote rows: before %s, after %s", label, resp.StatusCode, effectsBefore, after)
			}
		}
	}
	if walked < 30 {
		t.Fatalf("only %d requests: the walk missed the application routes", walked)
	}
	// The writes the policy allows on the assigned application did happen.
	for table, want := range map[string]int{"application_notes": 1, "application_ratings": 1, "application_messages": 1} {
		var n int
		if err := p.Store().DB().Get(&n, `SELECT count(*) FROM `+table+` WHERE application_id = $1`, assigned); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%d rows of %s on the assigned application, want %d", n, table, want)
		}
	}
	// The lists, filtered towards what is not assigned, show none of it.
	for _, q := range []string{"", "?offre=" + fmt.Sprint(offerB.ID), "?offre=" + fmt.Sprint(offerA.ID), "?type=spontanees"} {
		resp, body := get(t, c, p.URL+"/admin/ville-demo/candidatures"+q)
		if resp.StatusCode != 200 {
			t.Errorf("jury list %s = %d", q, resp.StatusCode)
		}
		if s := leaks(body); s != "" {
			t.Errorf("jury list %s shows %q", q, s)
		}
	}
	for _, q := range []string{"?q=voisine", "?assigne=" + fmt.Sprint(rec.ID), "?note=1", "?note=aucune", "?page=2"} {
		resp, body := get(t, c, fmt.Sprintf("%s/admin/ville-demo/offres/%d/candidatures%s", p.URL, offerA.ID, q))
		if resp.StatusCode >= 500 {
			t.Errorf("jury pipeline %s = %d", q, resp.StatusCode)
		}
		if s := leaks(body); s != "" {
			t.Errorf("jury pipeline %s shows %q", q, s)
		}
	}
}
