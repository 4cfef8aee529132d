package main

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vivier"
)

// startDemoWithApplications is the demo with its offers and applications:
// the ministry's own, its DNUM direction's, and the city's.
func startDemoWithApplications(t *testing.T) *program {
	t.Helper()
	p := startDemo(t, "serve", nil)
	ctx := context.Background()
	if _, err := p.seedDemoOffers(ctx, []string{"ministere-demo", "ministere-demo-dnum", "ministere-demo-drh", "ville-demo"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.seedDemoApplications(ctx); err != nil {
		t.Fatal(err)
	}
	return p
}

var (
	captionRE = regexp.MustCompile(`<caption>(\d+) candidatures?(?:, page (\d+) sur (\d+))?`)
	rowLinkRE = regexp.MustCompile(`<td><a href="(/admin/([a-z-]+)/candidatures/(\d+)(?:\?[^"]*)?)">`)
)

// listed reads a list page: how many match, the page and the number of
// pages, and the rows' links.
type listed struct {
	total, page, pages int
	links              []string // hrefs, unescaped
	slugs              []string // the rows' administrations
	ids                []int64
}

func readList(t *testing.T, c *http.Client, u string) listed {
	t.Helper()
	resp, body := get(t, c, u)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d", u, resp.StatusCode)
	}
	m := captionRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("GET %s: no caption with a count", u)
	}
	var l listed
	l.total, _ = strconv.Atoi(m[1])
	l.page, l.pages = 1, 1
	if m[2] != "" {
		l.page, _ = strconv.Atoi(m[2])
		l.pages, _ = strconv.Atoi(m[3])
	}
	for _, r := range rowLinkRE.FindAllStringSubmatch(body, -1) {
		id, _ := strconv.ParseInt(r[3], 10, 64)
		l.links, l.slugs, l.ids = append(l.links, html.UnescapeString(r[1])), append(l.slugs, r[2]), append(l.ids, id)
	}
	return l
}

func dbInt(t *testing.T, p *program, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := p.Store().DB().Get(&n, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// The ministry's list takes in its directions: it pages past 50, searches,
// sorts, names each row's direction and filters on one; its rows carry the
// list to the application; no one outside reaches it.
func TestApplicationsListOfParent(t *testing.T) {
	t.Parallel()
	p := startDemoWithApplications(t)
	rc, _ := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	base := p.URL + "/admin/ministere-demo/candidatures"
	dnum := adminID(t, p, "ministere-demo-dnum")
	ville := adminID(t, p, "ville-demo")
	subtree := `a.administration_id IN (SELECT id FROM administrations WHERE slug LIKE 'ministere-demo%')`
	want := int(dbInt(t, p, `SELECT count(*) FROM applications a WHERE `+subtree))

	first := readList(t, rc, base)
	if first.total != want || first.page != 1 || first.pages != (want+49)/50 || len(first.ids) != 50 {
		t.Fatalf("first page: %d matches, page %d of %d, %d rows; want %d matches, 50 rows", first.total, first.page, first.pages, len(first.ids), want)
	}
	_, body := get(t, rc, base)
	if !strings.Contains(body, `<th scope="col">Direction</th>`) || !strings.Contains(body, "Page 1 sur ") || !strings.Contains(body, `href="/admin/ministere-demo/candidatures?page=2"`) {
		t.Errorf("the parent's list has no direction column, page count or next page link")
	}
	second := readList(t, rc, base+"?page=2")
	if second.page != 2 || len(second.ids) == 0 || second.ids[0] == first.ids[0] {
		t.Errorf("page 2: page %d, %d rows", second.page, len(second.ids))
	}
	for i, l := range second.links {
		if !strings.HasSuffix(l, "?de=liste&page=2") || !strings.HasPrefix(l, "/admin/"+second.slugs[i]+"/candidatures/") {
			t.Errorf("row link %q does not carry the list", l)
		}
	}
	// Every page together lists each application once.
	seen := map[int64]bool{}
	for n := 1; n <= first.pages; n++ {
		for _, id := range readList(t, rc, base+"?page="+strconv.Itoa(n)).ids {
			if seen[id] {
				t.Errorf("application %d on two pages", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != want {
		t.Errorf("the pages list %d applications, want %d", len(seen), want)
	}
	// The direction's rows link to the direction's pages.
	var dnumRows int
	for i := range first.pages {
		l := readList(t, rc, base+"?page="+strconv.Itoa(i+1))
		for _, s := range l.slugs {
			if s == "ministere-demo-dnum" {
				dnumRows++
			}
		}
	}
	wantDNUM := int(dbInt(t, p, `SELECT count(*) FROM applications WHERE administration_id = $1`, dnum))
	if dnumRows != wantDNUM || wantDNUM == 0 {
		t.Errorf("%d rows link to DNUM, want %d", dnumRows, wantDNUM)
	}
	// Filtered on the direction: its applications only; on an
	// administration outside: nothing.
	d := readList(t, rc, base+"?direction="+itoa(dnum)+"&tri=nom")
	if d.total != wantDNUM {
		t.Errorf("direction DNUM: %d, want %d", d.total, wantDNUM)
	}
	for i, s := range d.slugs {
		if s != "ministere-demo-dnum" || !strings.Contains(d.links[i], "direction="+itoa(dnum)) || !strings.Contains(d.links[i], "tri=nom") {
			t.Errorf("direction DNUM row %q", d.links[i])
		}
	}
	if out := readList(t, rc, base+"?direction="+itoa(ville)); out.total != 0 || len(out.ids) != 0 {
		t.Errorf("direction ville-demo from the ministry shows %d", out.total)
	}
	// Sorted by name: the first row is the first name of the subtree.
	firstByName := dbInt(t, p, `SELECT a.id FROM applications a WHERE `+subtree+` ORDER BY lower(a.last_name), lower(a.first_name), a.id LIMIT 1`)
	if l := readList(t, rc, base+"?tri=nom"); l.ids[0] != firstByName {
		t.Errorf("sorted by name, first %d, want %d", l.ids[0], firstByName)
	}
	oldest := dbInt(t, p, `SELECT a.id FROM applications a WHERE `+subtree+` ORDER BY a.created_at, a.id LIMIT 1`)
	if l := readList(t, rc, base+"?tri=anciennes"); l.ids[0] != oldest {
		t.Errorf("oldest first, first %d, want %d", l.ids[0], oldest)
	}
	// Searched by a DNUM applicant's name: found, among fewer.
	var name string
	if err := p.Store().DB().Get(&name, `SELECT last_name FROM applications WHERE administration_id = $1 ORDER BY id LIMIT 1`, dnum); err != nil {
		t.Fatal(err)
	}
	found := readList(t, rc, base+"?q="+strings.ReplaceAll(name, " ", "+"))
	if found.total == 0 || found.total >= want {
		t.Errorf("search %q: %d of %d", name, found.total, want)
	}
	named := int(dbInt(t, p, `SELECT count(*) FROM applications a WHERE `+subtree+` AND lower(a.last_name) = lower($1)`, name))
	if found.total < named {
		t.Errorf("search %q: %d, fewer than the %d of that name", name, found.total, named)
	}
	// Spontaneous ones, and one offer's.
	spont := int(dbInt(t, p, `SELECT count(*) FROM applications a WHERE `+subtree+` AND a.offer_id IS NULL`))
	if l := readList(t, rc, base+"?type=spontanees"); l.total != spont || spont == 0 {
		t.Errorf("spontaneous: %d, want %d", l.total, spont)
	}
	offer := dbInt(t, p, `SELECT offer_id FROM applications WHERE administration_id = $1 AND offer_id IS NOT NULL ORDER BY id LIMIT 1`, dnum)
	inOffer := int(dbInt(t, p, `SELECT count(*) FROM applications WHERE offer_id = $1`, offer))
	if l := readList(t, rc, base+"?offre="+itoa(offer)); l.total != inOffer {
		t.Errorf("offer %d: %d, want %d", offer, l.total, inOffer)
	}

	// The direction's own list has no column for directions.
	if _, body := get(t, rc, p.URL+"/admin/ministere-demo-dnum/candidatures"); strings.Contains(body, `<th scope="col">Direction</th>`) {
		t.Errorf("a list without directions shows a direction column")
	}
	// A bad value of a filter is refused.
	for _, q := range []string{"?decision=oui", "?direction=abc", "?delai=loin"} {
		if resp, _ := get(t, rc, base+q); resp.StatusCode != 400 {
			t.Errorf("GET %s = %d, want 400", q, resp.StatusCode)
		}
	}

	// Another administration's agent: not found, and none of it shown.
	vc, _ := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	var someone string
	if err := p.Store().DB().Get(&someone, `SELECT first_name || ' ' || last_name FROM applications WHERE administration_id = $1 ORDER BY id LIMIT 1`, dnum); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{base, base + "?direction=" + itoa(dnum), p.URL + "/admin/ministere-demo-dnum/candidatures", p.URL + "/admin/ministere-demo"} {
		resp, body := get(t, vc, u)
		if resp.StatusCode != 404 || strings.Contains(body, someone) {
			t.Errorf("city recruiter GET %s = %d", u, resp.StatusCode)
		}
	}
	if l := readList(t, vc, p.URL+"/admin/ville-demo/candidatures?direction="+itoa(dnum)); l.total != 0 {
		t.Errorf("the city's list filtered on the ministry's direction shows %d", l.total)
	}
	// The ministry's brand editor: the dashboard, without the queue; not the list.
	mc, _ := signInAs(t, p, "marque@ministere-demo.vivier.test")
	if resp, body := get(t, mc, base); resp.StatusCode != 403 || strings.Contains(body, someone) {
		t.Errorf("brand editor's list = %d", resp.StatusCode)
	}
	if resp, body := get(t, mc, p.URL+"/admin/ministere-demo"); resp.StatusCode != 200 || strings.Contains(body, "Ma file") {
		t.Errorf("brand editor's dashboard = %d, or it shows the queue", resp.StatusCode)
	}
}

var tileRE = regexp.MustCompile(`<h3 class="fr-tile__title"><a href="([^"]+)">([^<]+)</a></h3>\s*<p class="fr-tile__desc"><strong class="fr-h4 fr-mb-0">(\d+)</strong>`)

// queueTiles reads "Ma file" on a dashboard: each kind's count by its link.
func queueTiles(t *testing.T, c *http.Client, u string) map[string]int {
	t.Helper()
	resp, body := get(t, c, u)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s = %d", u, resp.StatusCode)
	}
	out := map[string]int{}
	for _, m := range tileRE.FindAllStringSubmatch(body, -1) {
		n, _ := strconv.Atoi(m[3])
		out[html.UnescapeString(m[1])] = n
	}
	if len(out) != len(vivier.QueueKinds) {
		t.Fatalf("GET %s: %d tiles in \"Ma file\", want %d", u, len(out), len(vivier.QueueKinds))
	}
	return out
}

// "Ma file": each count is the total of the list its link opens, with the
// directions' items; seeing a mention takes it out.
func TestDashboardQueueCountsAreTheLists(t *testing.T) {
	t.Parallel()
	p := startDemoWithApplications(t)
	d := seedQueue(t, p)
	rc, _ := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	tiles := queueTiles(t, rc, p.URL+"/admin/ministere-demo")
	for link, n := range tiles {
		if !strings.HasPrefix(link, "/admin/ministere-demo/candidatures?") {
			t.Errorf("tile link %q", link)
			continue
		}
		if n == 0 {
			t.Errorf("tile %q counts none: the test set nothing up for it", link)
		}
		if l := readList(t, rc, p.URL+link); l.total != n {
			t.Errorf("tile %q counts %d, its list shows %d", link, n, l.total)
		}
	}
	// An offer's list reads the same filters.
	offer := dbInt(t, p, `SELECT offer_id FROM applications WHERE id = $1`, d[2])
	unread := readList(t, rc, p.URL+"/admin/ministere-demo-dnum/offres/"+itoa(offer)+"/candidatures?messages=non-lus")
	if !slices.Contains(unread.ids, d[2]) || unread.total >= int(dbInt(t, p, `SELECT count(*) FROM applications WHERE offer_id = $1`, offer)) {
		t.Errorf("the offer's list with messages=non-lus: %d rows %v, want %d among them", unread.total, unread.ids, d[2])
	}
	mentions := "/admin/ministere-demo/candidatures?mention=moi"
	before := tiles[mentions]
	// Seeing the direction's application, from its own address, takes its
	// mention out.
	if resp, _ := get(t, rc, p.URL+"/admin/ministere-demo-dnum/candidatures/"+itoa(d[1])); resp.StatusCode != 200 {
		t.Fatalf("the mentioned application = %d", resp.StatusCode)
	}
	if after := queueTiles(t, rc, p.URL+"/admin/ministere-demo")[mentions]; after != before-1 {
		t.Errorf("mentions after seeing one: %d, want %d", after, before-1)
	}
	// The direction's own dashboard counts its own only.
	for link, n := range queueTiles(t, rc, p.URL+"/admin/ministere-demo-dnum") {
		if l := readList(t, rc, p.URL+link); l.total != n {
			t.Errorf("DNUM tile %q counts %d, its list shows %d", link, n, l.total)
		}
		for _, s := range readList(t, rc, p.URL+link).slugs {
			if s != "ministere-demo-dnum" {
				t.Errorf("DNUM tile %q lists an application of %s", link, s)
			}
		}
	}
}

// seedQueue gives the ministry's recruiter something of each kind in "Ma
// file", in the ministry and in its DNUM direction; it returns three pending
// applications of DNUM: assigned and due soon, mentioned with an interview
// to confirm, with a candidate's message.
func seedQueue(t *testing.T, p *program) []int64 {
	t.Helper()
	ctx := context.Background()
	rec, err := p.Store().AgentByEmail(ctx, "recruteur@ministere-demo.vivier.test")
	if err != nil {
		t.Fatal(err)
	}
	dnum, ministry := adminID(t, p, "ministere-demo-dnum"), adminID(t, p, "ministere-demo")
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := p.Store().DB().Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	pending := func(adm int64, n int) []int64 {
		var ids []int64
		if err := p.Store().DB().Select(&ids, `SELECT id FROM applications WHERE administration_id = $1 AND category IN ('nouvelle', 'en_cours')
			ORDER BY id LIMIT $2`, adm, n); err != nil {
			t.Fatal(err)
		}
		return ids
	}
	m, d := pending(ministry, 3), pending(dnum, 3)
	for _, x := range []struct{ app, adm int64 }{{m[0], ministry}, {m[1], ministry}, {d[0], dnum}} {
		exec(`INSERT INTO application_assignees (application_id, agent_id, administration_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, x.app, rec.ID, x.adm)
	}
	for _, x := range []struct{ app, adm int64 }{{m[2], ministry}, {d[1], dnum}} {
		exec(`WITH n AS (INSERT INTO application_notes (administration_id, application_id, author_email, body)
			VALUES ($1, $2, 'admin@ministere-demo.vivier.test', 'Un avis ?') RETURNING id) INSERT INTO note_mentions (note_id, agent_id) SELECT id, $3 FROM n`,
			x.adm, x.app, rec.ID)
	}
	exec(`INSERT INTO application_messages (application_id, from_candidate, body) VALUES ($1, true, 'Où en est ma candidature ?')`, d[2])
	exec(`INSERT INTO interviews (administration_id, application_id, starts_at, duration_minutes, place, organizer)
		VALUES ($1, $2, now() + interval '2 days', 30, 'Salle 2', 'recruteur@ministere-demo.vivier.test')`, dnum, d[1])
	exec(`UPDATE applications SET created_at = now() - make_interval(days => response_days - 3)
		FROM administrations WHERE administrations.id = applications.administration_id AND applications.id = $1`, d[0])

	return d
}
