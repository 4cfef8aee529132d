package main

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"vivier"
)

// Over HTTP: the view's way along an offer's list keeps its filters; a list
// of another administration shows nothing of it; a malformed list is
// refused; and a decision goes on only to a page of this administration.
func TestApplicationViewWalkOverHTTP(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	o := openOfferWithQuestion(t, p)
	ids := seedApplications(t, p, o, 3)
	steps := stepsOf(t, p, o.AdministrationID)
	// Another administration's offer, with an application.
	other, err := p.Store().AdministrationBySlug(t.Context(), "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	fo := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "AUTRE-1", Versant: other.Versant, Title: "Chargé·e d'études", Mission: "Étudier."}
	if err := p.Store().CreateOffer(t.Context(), other.ID, fo, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().MoveOffer(t.Context(), other.ID, fo.ID, vivier.OfferPublished, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if fo, err = p.Store().OfferByID(t.Context(), other.ID, fo.ID); err != nil {
		t.Fatal(err)
	}
	seedApplications(t, p, fo, 2)
	foreign := fo.ID
	c, token := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	view := func(id int64, query string) string {
		return fmt.Sprintf("%s/admin/ville-demo/candidatures/%d?%s", p.URL, id, query)
	}
	// Oldest first: the seeded order.
	order, _, err := p.Store().PipelineList(t.Context(), o.AdministrationID, o.ID, vivier.PipelineFilter{Sort: "anciennes"})
	if err != nil || len(order) != 3 {
		t.Fatalf("list: %v, %v", order, err)
	}
	query := fmt.Sprintf("de=offre&offre=%d&tri=anciennes", o.ID)
	resp, page := get(t, c, view(order[1].ID, query))
	next := fmt.Sprintf("/admin/ville-demo/candidatures/%d?de=offre&amp;offre=%d&amp;tri=anciennes", order[2].ID, o.ID)
	for _, want := range []string{"2&nbsp;/&nbsp;3", `id="walk-prev"`, `href="` + next + `"`, `name="suivante" value="` + next + `"`,
		fmt.Sprintf(`id="walk-list" href="/admin/ville-demo/offres/%d/candidatures?page=1&amp;tri=anciennes"`, o.ID)} {
		if resp.StatusCode != 200 || !strings.Contains(page, want) {
			t.Errorf("view in its list = %d, lacks %s", resp.StatusCode, want)
		}
	}
	if _, page = get(t, c, view(order[1].ID, fmt.Sprintf("de=offre&offre=%d", foreign))); !strings.Contains(page, "Hors de la liste (0)") ||
		strings.Contains(page, `id="walk-next"`) || strings.Contains(page, `id="walk-prev"`) {
		t.Errorf("another administration's offer as the list shows something of it")
	}
	if resp, _ = get(t, c, view(order[1].ID, "de=offre&offre=douze")); resp.StatusCode != 400 {
		t.Errorf("a malformed list = %d, want 400", resp.StatusCode)
	}

	move := func(id int64, next string) string {
		t.Helper()
		resp, _ := postForm(t, c, fmt.Sprintf("%s/admin/ville-demo/candidatures/%d/etape", p.URL, id), url.Values{
			"_csrf": {token}, "stage": {strconv.FormatInt(steps["Présélection"], 10)}, "suivante": {next}})
		if resp.StatusCode != 303 {
			t.Fatalf("move = %d", resp.StatusCode)
		}
		return resp.Header.Get("Location")
	}
	own := fmt.Sprintf("/admin/ville-demo/candidatures/%d", ids[0])
	for _, next := range []string{"https://ailleurs.example/admin/ville-demo/candidatures/1", "//ailleurs.example/admin/ville-demo/candidatures/1",
		"/admin/ministere-demo/candidatures/1"} {
		if got := move(ids[0], next); got != own {
			t.Errorf("a decision went on to %q (asked %q), want its own page", got, next)
		}
		if _, err := p.Store().DB().Exec(`UPDATE applications SET stage_id = $2, category = 'nouvelle' WHERE id = $1`, ids[0], steps["Nouvelle"]); err != nil {
			t.Fatal(err)
		}
	}
	want := fmt.Sprintf("/admin/ville-demo/candidatures/%d?de=offre&offre=%d", ids[1], o.ID)
	if got := move(ids[0], want); got != want {
		t.Errorf("a decision went on to %q, want %q", got, want)
	}
}
