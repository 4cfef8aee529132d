package main

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"

	"vivier"
)

// listWorld is the ministry of the demo with many offers and pool members,
// a direction (the DRH) with its own, and ville-demo, whose must never show.
type listWorld struct {
	p                    *program
	ministry, drh, ville int64
}

func newListWorld(t *testing.T) listWorld {
	t.Helper()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	w := listWorld{p: p}
	for slug, id := range map[string]*int64{"ministere-demo": &w.ministry, "ministere-demo-drh": &w.drh, "ville-demo": &w.ville} {
		*id = agentAdmin(t, p, slug)
	}
	return w
}

// bulkOffers adds n offers to the administration, prefix-001 to prefix-n
// ("Offre <prefix> 001"…), changed a minute apart in the past, the last
// one most recently.
func (w listWorld) bulkOffers(t *testing.T, adminID int64, prefix, status string, n int) {
	t.Helper()
	if _, err := w.p.Store().DB().Exec(`INSERT INTO offers (administration_id, kind, status, reference, versant, title, updated_at, published_at)
		SELECT $1, 'emploi', $2, $3 || '-' || lpad(i::text, 3, '0'), 'etat', 'Offre ' || $3 || ' ' || lpad(i::text, 3, '0'),
			now() - make_interval(days => 1, mins => $4 - i), CASE WHEN $2 = 'published' THEN now() END
		FROM generate_series(1, $4::int) i`, adminID, status, prefix, n); err != nil {
		t.Fatal(err)
	}
}

// poolPerson puts a person in the administration's pool; it returns their
// candidate id.
func (w listWorld) poolPerson(t *testing.T, adminID int64, email, first, last string) int64 {
	t.Helper()
	var id int64
	if err := w.p.Store().DB().QueryRow(`WITH c AS (INSERT INTO candidates (email) VALUES ($2) RETURNING id)
		INSERT INTO applications (administration_id, candidate_id, consent_at, talent_pool_at, idempotency_key, first_name, last_name)
		SELECT $1, id, now(), now(), $3, $4, $5 FROM c RETURNING candidate_id`, adminID, email, uuid.NewString(), first, last).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func mustContain(t *testing.T, what, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("%s: %q missing", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, page string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(page, n) {
			t.Errorf("%s: %q shown", what, n)
		}
	}
}

func TestOffersListPagesSearchesSortsAndDirections(t *testing.T) {
	t.Parallel()
	w := newListWorld(t)
	w.bulkOffers(t, w.ministry, "LST", "draft", 60)
	drh := secondOffer(t, w.p, w.drh, "DRH-1", "Gestionnaire de paie de la DRH")
	applyTo(t, w.p, drh, "ines@exemple.fr", "Inès", "Moreau", false)
	applyTo(t, w.p, drh, "noe@exemple.fr", "Noé", "Petit", false)
	secondOffer(t, w.p, w.ville, "VIL-1", "Offre secrète de la ville")
	rc, _ := signInAs(t, w.p, "recruteur@ministere-demo.vivier.test")
	list := w.p.URL + "/admin/ministere-demo/offres"
	drhLink := fmt.Sprintf(`href="/admin/ministere-demo-drh/offres/%d"`, drh.ID)

	// Page 1: the direction's offer (changed last) under its own address,
	// with its direction and its applications.
	resp, page := get(t, rc, list)
	if resp.StatusCode != 200 {
		t.Fatalf("offers list = %d", resp.StatusCode)
	}
	mustContain(t, "page 1", page, `<th scope="col">Direction</th>`, "61 offres", "page 1 sur 2", drhLink,
		"Direction des ressources humaines du ministère de la Démonstration", "Offre LST 060", "dont 2 nouvelles",
		`href="/admin/ministere-demo/offres?page=2"`, "Nouvelle offre")
	mustNotContain(t, "page 1", page, "Offre secrète", "Offre LST 001")
	if n := strings.Count(page, `<tr>`) - 1; n != 50 {
		t.Errorf("page 1 has %d rows, want 50", n)
	}
	// Page 2 past 50, and past the end the last page.
	for _, u := range []string{list + "?page=2", list + "?page=99"} {
		_, page = get(t, rc, u)
		mustContain(t, u, page, "Offre LST 001", "Offre LST 010", "page 2 sur 2", `href="/admin/ministere-demo/offres?page=1"`)
		mustNotContain(t, u, page, "Offre LST 060", drhLink)
	}
	// Search by reference or title.
	_, page = get(t, rc, list+"?q=lst-042")
	mustContain(t, "search", page, "1 offre de", "Offre LST 042")
	mustNotContain(t, "search", page, "Offre LST 041", drhLink)
	_, page = get(t, rc, list+"?q=paie")
	mustContain(t, "search by title", page, drhLink)
	mustNotContain(t, "search by title", page, "Offre LST")
	// The status tabs keep the search.
	mustContain(t, "tabs", page, `href="/admin/ministere-demo/offres?q=paie&amp;statut=published"`)
	// Sorts.
	_, page = get(t, rc, list+"?tri=titre")
	if a, b := strings.Index(page, "Offre LST 001"), strings.Index(page, "Offre LST 002"); a < 0 || b < a {
		t.Errorf("by title: 001 at %d, 002 at %d", a, b)
	}
	_, page = get(t, rc, list+"?tri=candidatures")
	if first := regexp.MustCompile(`<td><a href="([^"]+)"`).FindStringSubmatch(page); first == nil ||
		first[1] != fmt.Sprintf("/admin/ministere-demo-drh/offres/%d", drh.ID) {
		t.Errorf("by applications, first = %v", first)
	}
	// Kind and direction filters; a direction outside the tree shows
	// nothing, a malformed one is refused.
	_, page = get(t, rc, list+"?type=concours")
	mustContain(t, "concours", page, drhLink, "1 offre de")
	_, page = get(t, rc, fmt.Sprintf("%s?direction=%d", list, w.drh))
	mustContain(t, "direction", page, drhLink, "1 offre de")
	mustNotContain(t, "direction", page, "Offre LST")
	_, page = get(t, rc, fmt.Sprintf("%s?direction=%d", list, w.ministry))
	mustContain(t, "the ministry's own", page, "60 offres")
	mustNotContain(t, "the ministry's own", page, drhLink)
	resp, page = get(t, rc, fmt.Sprintf("%s?direction=%d", list, w.ville))
	if resp.StatusCode != 200 {
		t.Errorf("another administration as direction = %d", resp.StatusCode)
	}
	mustContain(t, "another administration as direction", page, "Aucune offre ne correspond")
	mustNotContain(t, "another administration as direction", page, "Offre secrète", "Offre LST", drhLink)
	if resp, _ = get(t, rc, list+"?direction=abc"); resp.StatusCode != 400 {
		t.Errorf("malformed direction = %d", resp.StatusCode)
	}
	// A direction's own list: its offers, no direction column.
	_, page = get(t, rc, w.p.URL+"/admin/ministere-demo-drh/offres")
	mustContain(t, "the DRH's list", page, drhLink, "1 offre de")
	mustNotContain(t, "the DRH's list", page, `<th scope="col">Direction</th>`, "Offre LST")

	// Another administration's agent: not found, nothing shown.
	vc, _ := signInAs(t, w.p, "recruteur@ville-demo.vivier.test")
	for _, u := range []string{list, list + "?page=2", fmt.Sprintf("%s?direction=%d", list, w.drh), w.p.URL + "/admin/ministere-demo-drh/offres"} {
		resp, page = get(t, vc, u)
		if resp.StatusCode != 404 {
			t.Errorf("ville-demo on %s = %d", u, resp.StatusCode)
		}
		mustNotContain(t, "ville-demo on "+u, page, "Offre LST", "Gestionnaire de paie")
	}
	// From ville-demo's own list, the ministry's direction is out of reach.
	_, page = get(t, vc, fmt.Sprintf("%s/admin/ville-demo/offres?direction=%d", w.p.URL, w.drh))
	mustContain(t, "ville-demo's list with the DRH as direction", page, "Aucune offre ne correspond")
	mustNotContain(t, "ville-demo's list with the DRH as direction", page, "Gestionnaire de paie")
}

func TestPoolListPagesSortsAndDirections(t *testing.T) {
	t.Parallel()
	w := newListWorld(t)
	for i := 1; i <= 55; i++ {
		w.poolPerson(t, w.ministry, fmt.Sprintf("p%03d@exemple.fr", i), "Prénom", fmt.Sprintf("Nom%03d", i))
	}
	daphne := w.poolPerson(t, w.drh, "daphne@exemple.fr", "Daphné", "Direction")
	w.poolPerson(t, w.ville, "victor@exemple.fr", "Victor", "Ville")
	offer := secondOffer(t, w.p, w.drh, "DRH-INV", "Chargé·e de formation")
	rc, token := signInAs(t, w.p, "recruteur@ministere-demo.vivier.test")
	pool := w.p.URL + "/admin/ministere-demo/vivier"

	resp, page := get(t, rc, pool)
	if resp.StatusCode != 200 {
		t.Fatalf("pool = %d", resp.StatusCode)
	}
	mustContain(t, "pool page 1", page, "56 personnes", "page 1 sur 2", `<th scope="col">Direction</th>`, `href="/admin/ministere-demo/vivier?page=2"`)
	mustNotContain(t, "pool page 1", page, "Victor")
	_, page2 := get(t, rc, pool+"?page=2")
	mustContain(t, "pool page 2", page2, "page 2 sur 2")
	if strings.Count(page, "@exemple.fr")+strings.Count(page2, "@exemple.fr") != 56 {
		t.Error("the two pages do not hold the 56 people")
	}
	// Sorted by name: Direction, then Nom001…
	_, page = get(t, rc, pool+"?tri=nom")
	if a, b, c := strings.Index(page, "Daphné Direction"), strings.Index(page, "Nom001"), strings.Index(page, "Nom002"); a < 0 || b < a || c < b {
		t.Errorf("by name: %d %d %d", a, b, c)
	}
	// The direction's person is invited from the direction's own address.
	_, page = get(t, rc, pool+"?q=daphné")
	invite := fmt.Sprintf("/admin/ministere-demo-drh/vivier/%d/invitation", daphne)
	mustContain(t, "search", page, "1 personne", "Daphné Direction", "Direction des ressources humaines", `href="`+invite+`?retour=daphn%c3%a9"`)
	_, page = get(t, rc, fmt.Sprintf("%s?direction=%d", pool, w.drh))
	mustContain(t, "direction filter", page, "1 personne", "Daphné Direction")
	_, page = get(t, rc, fmt.Sprintf("%s?direction=%d", pool, w.ville))
	mustContain(t, "another administration as direction", page, "Aucune personne")
	mustNotContain(t, "another administration as direction", page, "Victor")

	// The invitation page lists the DRH's published offers; once invited,
	// the offer says so and the pool too.
	resp, page = get(t, rc, w.p.URL+invite)
	if resp.StatusCode != 200 {
		t.Fatalf("invitation page = %d", resp.StatusCode)
	}
	mustContain(t, "invitation page", page, "Inviter à postuler : Daphné Direction", "Chargé·e de formation", "1 offre publiée")
	resp, _ = postForm(t, rc, w.p.URL+invite, url.Values{"_csrf": {token}, "offer": {itoa(offer.ID)}})
	if resp.StatusCode != 303 {
		t.Fatalf("invite = %d", resp.StatusCode)
	}
	_, page = get(t, rc, w.p.URL+invite)
	mustContain(t, "invitation page after", page, "Personne déjà invitée")
	_, page = get(t, rc, pool+"?q=daphné")
	mustContain(t, "pool after", page, "Personne déjà invitée à : «&nbsp;Chargé·e de formation&nbsp;»")
	// Someone of another pool is not found from the ministry's address.
	if resp, _ = get(t, rc, fmt.Sprintf("%s/admin/ministere-demo/vivier/%d/invitation", w.p.URL, daphne)); resp.StatusCode != 404 {
		t.Errorf("the DRH's person through the ministry's pool = %d", resp.StatusCode)
	}

	// Another administration's agent: not found, no names.
	vc, _ := signInAs(t, w.p, "recruteur@ville-demo.vivier.test")
	for _, u := range []string{pool, pool + "?page=2", w.p.URL + invite, w.p.URL + "/admin/ministere-demo-drh/vivier"} {
		resp, page = get(t, vc, u)
		if resp.StatusCode != 404 {
			t.Errorf("ville-demo on %s = %d", u, resp.StatusCode)
		}
		mustNotContain(t, "ville-demo on "+u, page, "Daphné", "Nom001")
	}
	_, page = get(t, vc, fmt.Sprintf("%s/admin/ville-demo/vivier?direction=%d", w.p.URL, w.drh))
	mustContain(t, "ville-demo's pool with the DRH as direction", page, "Aucune personne")
	mustNotContain(t, "ville-demo's pool with the DRH as direction", page, "Daphné")
}

// spontaneousTo records a spontaneous application to the administration.
func spontaneousTo(t *testing.T, p *program, adminID int64, email, first, last string) *vivier.Application {
	t.Helper()
	dom := "NUM"
	sub := &vivier.Submission{FirstName: first, LastName: last, Email: email, Phone: "06 12 34 56 78", Consent: true,
		AdministrationID: adminID, DomaineCode: &dom, IdempotencyKey: uuid.NewString()}
	if err := sub.Validate(nil); err != nil {
		t.Fatal(err)
	}
	app, _, err := p.Store().Apply(context.Background(), sub, nil, p.files)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func TestAttachToOfferPage(t *testing.T) {
	t.Parallel()
	w := newListWorld(t)
	w.bulkOffers(t, w.ministry, "PUB", "published", 55)
	w.bulkOffers(t, w.ministry, "BRO", "draft", 3)
	secondOffer(t, w.p, w.drh, "DRH-2", "Offre publiée de la DRH")
	app := spontaneousTo(t, w.p, w.ministry, "sam@exemple.fr", "Sam", "Spontané")
	rc, _ := signInAs(t, w.p, "recruteur@ministere-demo.vivier.test")
	view := fmt.Sprintf("%s/admin/ministere-demo/candidatures/%d", w.p.URL, app.ID)
	attach := view + "/offre"

	// The application view links to the page; it no longer has a select
	// of the offers to attach to.
	_, page := get(t, rc, view)
	mustContain(t, "application view", page, fmt.Sprintf(`href="/admin/ministere-demo/candidatures/%d/offre"`, app.ID), "Rattacher à une offre")
	mustNotContain(t, "application view", page, `id="offer"`)
	resp, page := get(t, rc, attach)
	if resp.StatusCode != 200 {
		t.Fatalf("attach page = %d", resp.StatusCode)
	}
	mustContain(t, "attach page 1", page, "Rattacher à une offre : Sam Spontané", "55 offres publiées", "page 1 sur 2", "Offre PUB 055",
		fmt.Sprintf(`href="/admin/ministere-demo/candidatures/%d/offre?page=2"`, app.ID))
	mustNotContain(t, "attach page 1", page, "Offre BRO", "Offre publiée de la DRH", "Offre PUB 001")
	_, page = get(t, rc, attach+"?page=2")
	mustContain(t, "attach page 2", page, "Offre PUB 001", "page 2 sur 2")
	_, page = get(t, rc, attach+"?q=pub-007")
	mustContain(t, "attach search", page, "1 offre publiée", "Offre PUB 007")
	mustNotContain(t, "attach search", page, "Offre PUB 008")
	_, page = get(t, rc, attach+"?q=DRH")
	mustContain(t, "a direction's offer", page, "Aucune offre publiée ne correspond")

	// Another administration's agent, a reader: refused, nothing shown.
	vc, _ := signInAs(t, w.p, "recruteur@ville-demo.vivier.test")
	for _, u := range []string{attach, fmt.Sprintf("%s/admin/ville-demo/candidatures/%d/offre", w.p.URL, app.ID)} {
		resp, page = get(t, vc, u)
		if resp.StatusCode != 404 {
			t.Errorf("ville-demo on %s = %d", u, resp.StatusCode)
		}
		mustNotContain(t, "ville-demo on "+u, page, "Sam", "Offre PUB")
	}
	lc, _ := signInAs(t, w.p, "lecteur@ministere-demo.vivier.test")
	if resp, _ = get(t, lc, attach); resp.StatusCode != 403 {
		t.Errorf("a reader on the attach page = %d", resp.StatusCode)
	}

	// The choice posts the attachment.
	_, page = get(t, rc, attach+"?q=pub-007")
	form := regexp.MustCompile(`<form method="post" action="([^"]+)">\s*<input type="hidden" name="_csrf" value="([^"]+)">\s*<input type="hidden" name="offer" value="(\d+)">`).FindStringSubmatch(page)
	if form == nil {
		t.Fatal("no attach form")
	}
	resp, _ = postForm(t, rc, w.p.URL+form[1], url.Values{"_csrf": {form[2]}, "offer": {form[3]}})
	if resp.StatusCode != 303 {
		t.Fatalf("attach = %d", resp.StatusCode)
	}
	_, page = get(t, rc, view)
	mustContain(t, "attached", page, "Offre PUB 007")
	mustNotContain(t, "attached", page, "Rattacher à une offre")
	if resp, _ = get(t, rc, attach); resp.StatusCode != 409 {
		t.Errorf("the attach page of an attached application = %d", resp.StatusCode)
	}
}
