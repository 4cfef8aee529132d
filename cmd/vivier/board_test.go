package main

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"vivier"
)

// The board reads the list's filters, pages its columns, links each card to
// the application with the board's filters, marks what the recruiter has not
// read, and takes the list's bulk actions back to itself.
func TestBoardScreen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 25)
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("/admin/ville-demo/offres/%d/tableau", o.ID)
	board := p.URL + path
	nouvelle, jury := stepID(t, p, adm.ID, "Nouvelle"), stepID(t, p, adm.ID, "Jury")
	all := fmt.Sprintf("%s?plus=%d", board, nouvelle) // every card of the first column
	c, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")

	// Twenty cards in a column, and a link to the five others.
	resp, page := get(t, c, board)
	if resp.StatusCode != 200 || strings.Count(page, ` data-card="`) != vivier.BoardPageSize ||
		!strings.Contains(page, "Voir les 5 suivantes") {
		t.Fatalf("board = %d, %d cards", resp.StatusCode, strings.Count(page, ` data-card="`))
	}
	if _, page = get(t, c, all); strings.Count(page, ` data-card="`) != 25 ||
		strings.Contains(page, "suivantes") {
		t.Errorf("the column's next page: %d cards", strings.Count(page, ` data-card="`))
	}
	if resp, _ = get(t, c, board+"?plus=x"); resp.StatusCode != 400 {
		t.Errorf("malformed plus = %d", resp.StatusCode)
	}

	// The list's filters: by source, the cards link to the application with
	// the board's filters.
	linkedin, first := 0, int64(0)
	for i := range ids {
		if vivier.Sources[i%len(vivier.Sources)] == "linkedin" {
			linkedin++
			first = ids[i]
		}
	}
	resp, page = get(t, c, board+"?source=linkedin&tri=nom")
	if resp.StatusCode != 200 || strings.Count(page, ` data-card="`) != linkedin || linkedin == 0 {
		t.Errorf("by source = %d: %d cards, want %d", resp.StatusCode, strings.Count(page, ` data-card="`), linkedin)
	}
	if want := fmt.Sprintf(`/admin/ville-demo/candidatures/%d?de=tableau&amp;offre=%d&amp;source=linkedin&amp;tri=nom"`, first, o.ID); !strings.Contains(page, want) {
		t.Errorf("card link: no %s", want)
	}
	if _, page = get(t, c, board+"?q=haies"); strings.Count(page, ` data-card="`) != 7 { // one CV in four
		t.Errorf("full text: %d cards", strings.Count(page, ` data-card="`))
	}
	if _, page = get(t, c, fmt.Sprintf("%s?etape=%d", board, jury)); strings.Contains(page, `id="col-`+strconv.FormatInt(nouvelle, 10)) ||
		!strings.Contains(page, `id="col-`+strconv.FormatInt(jury, 10)) {
		t.Errorf("filtered on a step: other columns shown")
	}
	if resp, page = get(t, c, board+"?du=hier"); resp.StatusCode != 422 || !strings.Contains(page, "Saisissez une date") {
		t.Errorf("bad date = %d", resp.StatusCode)
	}

	// Unread: another agent's note, until the recruiter opens the application.
	other, err := p.Store().AgentByEmail(ctx, "admin@ville-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := p.Store().AddNote(ctx, adm.ID, ids[0], "À rappeler demain.", vivier.Scope{}, vivier.Actor{AgentID: other.ID, Email: other.Email}); err != nil {
		t.Fatal(err)
	}
	if _, page = get(t, c, all); strings.Count(page, ">Non lu<") != 1 {
		t.Errorf("unread marks: %d", strings.Count(page, ">Non lu<"))
	}
	get(t, c, fmt.Sprintf("%s/admin/ville-demo/candidatures/%d", p.URL, ids[0]))
	if _, page = get(t, c, all); strings.Contains(page, ">Non lu<") {
		t.Errorf("still unread once read")
	}

	// A bulk move from the board returns to the board with its filters.
	back := path + "?source=linkedin"
	form := url.Values{"_csrf": {token}, "back": {back}, "stage": {strconv.FormatInt(jury, 10)},
		"ids": {strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10)}}
	resp, _ = postForm(t, c, fmt.Sprintf("%s/admin/ville-demo/offres/%d/candidatures/lot", p.URL, o.ID), form)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != back {
		t.Fatalf("bulk move = %d to %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page = get(t, c, board); !strings.Contains(page, "2 candidatures déplacées") ||
		!strings.Contains(page, fmt.Sprintf(`id="col-%d">Jury <span class="fr-badge fr-badge--sm fr-badge--no-icon">2<`, jury)) {
		t.Errorf("board after the bulk move")
	}
	// Tag and assign, back to the board; a "back" elsewhere is ignored.
	form = url.Values{"_csrf": {token}, "back": {back}, "tag": {"Rappeler"}, "ids": {strconv.FormatInt(ids[2], 10)}}
	if resp, _ = postForm(t, c, fmt.Sprintf("%s/admin/ville-demo/offres/%d/candidatures/lot/etiquette", p.URL, o.ID), form); resp.Header.Get("Location") != back {
		t.Errorf("bulk tag went to %s", resp.Header.Get("Location"))
	}
	form.Set("back", "https://exemple.fr/admin/ville-demo/offres/1")
	if resp, _ = postForm(t, c, fmt.Sprintf("%s/admin/ville-demo/offres/%d/candidatures/lot/etiquette", p.URL, o.ID), form); resp.Header.Get("Location") != fmt.Sprintf("/admin/ville-demo/offres/%d/candidatures", o.ID) {
		t.Errorf("a foreign back was followed: %s", resp.Header.Get("Location"))
	}
	if _, page = get(t, c, all); !strings.Contains(page, `<li class="fr-tag fr-tag--sm">Rappeler</li>`) {
		t.Errorf("tag not on the card")
	}
	// A refusal that emails: the preview keeps the way back.
	reasons, err := p.Store().RefusalReasons(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	form = url.Values{"_csrf": {token}, "back": {back}, "stage": {strconv.FormatInt(stepID(t, p, adm.ID, "Non retenue"), 10)},
		"reason": {strconv.FormatInt(reasons[0].ID, 10)}, "notify": {"oui"}, "ids": {strconv.FormatInt(ids[3], 10)}}
	resp, page = postForm(t, c, fmt.Sprintf("%s/admin/ville-demo/offres/%d/candidatures/lot", p.URL, o.ID), form)
	if resp.StatusCode != 200 || !strings.Contains(html.UnescapeString(page), `name="back" value="`+back+`"`) {
		t.Fatalf("preview = %d without the way back", resp.StatusCode)
	}
	form.Set("envoi", "confirme")
	if resp, _ = postForm(t, c, fmt.Sprintf("%s/admin/ville-demo/offres/%d/candidatures/lot", p.URL, o.ID), form); resp.Header.Get("Location") != back {
		t.Errorf("confirmed refusal went to %s", resp.Header.Get("Location"))
	}

	// A reader has the board without the selection or the moves.
	lc, _ := signInAs(t, p, "lecteur@ville-demo.vivier.test")
	if resp, page = get(t, lc, board); resp.StatusCode != 200 || strings.Contains(page, `name="ids"`) || strings.Contains(page, "board-menu") {
		t.Errorf("reader's board = %d with the selection", resp.StatusCode)
	}
}

// BenchmarkBoard opens the board of an offer with 10 000 applications over
// three steps, plain, filtered, sorted and with a column paged further, and
// reports the latency of one page over HTTP.
func BenchmarkBoard(b *testing.B) {
	p := startDemo(b, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "100000"})
	o := openOfferWithQuestion(b, p)
	ids := seedApplications(b, p, o, 10000)
	ctx := b.Context()
	jury, hired := stepID(b, p, o.AdministrationID, "Jury"), stepID(b, p, o.AdministrationID, "Entretien RH")
	for _, m := range []struct {
		stage int64
		ids   []int64
	}{{jury, ids[:3000]}, {hired, ids[3000:4000]}} {
		if _, err := p.Store().MoveApplications(ctx, o.AdministrationID, m.ids, vivier.Move{StageID: m.stage}, vivier.Actor{Email: "rh@exemple.fr"}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := p.Store().DB().Exec(`ANALYZE`); err != nil {
		b.Fatal(err)
	}
	c := newClient(b)
	_, login := get(b, c, p.URL+"/admin/connexion")
	if resp, _ := postForm(b, c, p.URL+"/admin/connexion", url.Values{"_csrf": {csrfToken(b, login)},
		"email": {"recruteur@ville-demo.vivier.test"}, "password": {DemoPassword}}); resp.StatusCode != 303 {
		b.Fatalf("sign in = %d", resp.StatusCode)
	}
	base := fmt.Sprintf("%s/admin/ville-demo/offres/%d/tableau", p.URL, o.ID)
	urls := []string{base, base + "?source=linkedin", base + "?tri=nom", base + "?q=haies", fmt.Sprintf("%s?plus=%d&plus=%d", base, jury, jury)}
	var lat []time.Duration
	perURL := map[int][]time.Duration{}
	i := 0
	for b.Loop() {
		start := time.Now()
		if resp, _ := get(b, c, urls[i%len(urls)]); resp.StatusCode != 200 {
			b.Fatalf("GET %s = %d", urls[i%len(urls)], resp.StatusCode)
		}
		lat = append(lat, time.Since(start))
		perURL[i%len(urls)] = append(perURL[i%len(urls)], time.Since(start))
		i++
	}
	b.StopTimer()
	for k, l := range perURL {
		slices.Sort(l)
		b.Logf("%s: p50 %v, max %v", urls[k], l[len(l)/2], l[len(l)-1])
	}
	slices.Sort(lat)
	pct := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}
