package main

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"vivier"
)

// seedApplications makes n applications to the offer through the store, as
// the apply form does, n/4 of them with a CV about hedges. Four at a time:
// the benchmark seeds 10 000.
func seedApplications(t testing.TB, p *program, o *vivier.Offer, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var cvs []*vivier.Upload
	for _, text := range []string{"Jardinier paysagiste, taille des haies", "Comptable public, marchés", "Développeuse Go", "Agent d'accueil"} {
		data := pdfBytes(t, "", text)
		d, err := vivier.CheckDocument("cv.pdf", data, 10<<20)
		if err != nil {
			t.Fatal(err)
		}
		cvs = append(cvs, &vivier.Upload{Document: *d, Data: data})
	}
	ids := make([]int64, n)
	var wg sync.WaitGroup
	work := make(chan int)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				sub := &vivier.Submission{FirstName: fmt.Sprintf("Prénom%d", i), LastName: fmt.Sprintf("Nom%05d", i),
					Email: fmt.Sprintf("candidat%d@exemple.fr", i), Source: vivier.Sources[i%len(vivier.Sources)],
					Answers: map[string]string{"permis": "oui"}, Consent: true, CV: cvs[i%len(cvs)], IdempotencyKey: uuid.NewString()}
				if err := sub.Validate(o); err != nil {
					t.Error(err)
					continue
				}
				app, _, err := p.Store().Apply(ctx, sub, o, p.files)
				if err != nil {
					t.Error(err)
					continue
				}
				ids[i] = app.ID
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	return ids
}

func stepID(t testing.TB, p *program, adminID int64, name string) int64 {
	t.Helper()
	steps, err := p.Store().Steps(context.Background(), adminID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		if s.Name == name {
			return s.ID
		}
	}
	t.Fatalf("no step %q", name)
	return 0
}

func TestPipelineScreens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 45)
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("%s/admin/ville-demo/offres/%d", p.URL, o.ID)

	c, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	resp, page := get(t, c, base+"/candidatures")
	if resp.StatusCode != 200 || !strings.Contains(page, "Nouvelle (45)") || !strings.Contains(page, "<caption>45 candidatures</caption>") ||
		!strings.Contains(page, "Appliquer aux candidatures cochées") {
		t.Fatalf("list = %d: %s", resp.StatusCode, page)
	}
	if _, page = get(t, c, base+"/candidatures?q=haies"); !strings.Contains(page, "12 candidatures") {
		t.Errorf("full text over the CVs: %s", page)
	}
	if _, page = get(t, c, base+"/candidatures?source=linkedin&tri=nom"); !strings.Contains(page, "<caption>5 candidatures") {
		t.Errorf("by source")
	}
	if resp, page = get(t, c, base+"/candidatures?du=hier"); resp.StatusCode != 422 || !strings.Contains(page, "Saisissez une date") {
		t.Errorf("bad date = %d", resp.StatusCode)
	}
	// Move one, from the board.
	jury := stepID(t, p, adm.ID, "Jury")
	if resp, page = get(t, c, base+"/tableau"); resp.StatusCode != 200 || !strings.Contains(page, "Déplacer vers…") {
		t.Fatalf("board = %d", resp.StatusCode)
	}
	resp, _ = postForm(t, c, fmt.Sprintf("%s/admin/ville-demo/candidatures/%d/etape", p.URL, ids[0]),
		url.Values{"_csrf": {token}, "stage": {strconv.FormatInt(jury, 10)}, "back": {fmt.Sprintf("/admin/ville-demo/offres/%d/tableau", o.ID)}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != fmt.Sprintf("/admin/ville-demo/offres/%d/tableau", o.ID) {
		t.Fatalf("move = %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page = get(t, c, base+"/tableau"); !strings.Contains(page, "1 candidature déplacée, 0 courriel") {
		t.Errorf("board after the move: %s", page)
	}
	if _, page = get(t, c, fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, ids[0])); !strings.Contains(page, "Étape actuelle&nbsp;: <strong>Jury</strong>") ||
		!strings.Contains(page, "recruteur@ville-demo.vivier.test") {
		t.Errorf("application page: %s", page)
	}
	// Reject 40 at once: the count must be typed in.
	reasons, err := p.Store().RefusalReasons(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"_csrf": {token}, "stage": {strconv.FormatInt(stepID(t, p, adm.ID, "Non retenue"), 10)},
		"reason": {strconv.FormatInt(reasons[0].ID, 10)}}
	for _, id := range ids[1:41] {
		form.Add("ids", strconv.FormatInt(id, 10))
	}
	if resp, page = postForm(t, c, base+"/candidatures/lot", form); resp.StatusCode != 422 || !strings.Contains(page, "saisissez 40") {
		t.Fatalf("40 refusals unconfirmed = %d", resp.StatusCode)
	}
	form.Set("confirm", "40")
	form.Set("envoi", "confirme") // past the email's preview
	if resp, _ = postForm(t, c, base+"/candidatures/lot", form); resp.StatusCode != 303 {
		t.Fatalf("40 refusals = %d", resp.StatusCode)
	}
	if _, page = get(t, c, base+"/candidatures"); !strings.Contains(page, "40 candidatures déplacées, 40 courriels mis en envoi") ||
		!strings.Contains(page, "Non retenue (40)") || !strings.Contains(page, "Jury (1)") ||
		!strings.Contains(page, "Nouvelle (4)") {
		t.Errorf("counts after the moves")
	}
	// The worker is not running here: the 40 emails wait in the outbox.
	var queued int
	if err := p.Store().DB().Get(&queued, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskApplicationStatus); err != nil || queued != 40 {
		t.Errorf("status emails queued: %d, %v", queued, err)
	}
	// Export of a selection.
	exp := url.Values{"_csrf": {token}, "ids": {strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10)}}
	if resp, page = postForm(t, c, base+"/candidatures/export", exp); resp.StatusCode != 200 || strings.Count(page, "\n") != 3 ||
		!strings.Contains(page, "Nom00000") || !strings.Contains(page, ";Jury;") {
		t.Errorf("export = %d: %q", resp.StatusCode, page)
	}

	// A reader sees no move controls, and the server refuses a move.
	lc, ltoken := signInAs(t, p, "lecteur@ville-demo.vivier.test")
	if resp, page = get(t, lc, base+"/candidatures"); resp.StatusCode != 200 || strings.Contains(page, "Déplacer vers") || strings.Contains(page, `name="ids"`) {
		t.Errorf("reader's list = %d shows move controls", resp.StatusCode)
	}
	if _, page = get(t, lc, base+"/tableau"); strings.Contains(page, "Déplacer vers") {
		t.Errorf("reader's board shows move controls")
	}
	if resp, _ = postForm(t, lc, fmt.Sprintf("%s/admin/ville-demo/candidatures/%d/etape", p.URL, ids[42]),
		url.Values{"_csrf": {ltoken}, "stage": {strconv.FormatInt(jury, 10)}}); resp.StatusCode != 403 {
		t.Errorf("reader's move = %d", resp.StatusCode)
	}
	// Another administration's recruiter does not learn the offer exists.
	mc, mtoken := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	for _, u := range []string{base + "/candidatures", base + "/tableau",
		fmt.Sprintf("%s/admin/ministere-demo/offres/%d/candidatures", p.URL, o.ID)} {
		if resp, _ = get(t, mc, u); resp.StatusCode != 404 {
			t.Errorf("GET %s by another administration = %d", u, resp.StatusCode)
		}
	}
	mdemo, err := p.Store().AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	resp, _ = postForm(t, mc, fmt.Sprintf("%s/admin/ministere-demo/candidatures/%d/etape", p.URL, ids[42]),
		url.Values{"_csrf": {mtoken}, "stage": {strconv.FormatInt(stepID(t, p, mdemo.ID, "Jury"), 10)}})
	if resp.StatusCode != 404 {
		t.Errorf("moving another administration's application = %d", resp.StatusCode)
	}
}
