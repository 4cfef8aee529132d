package vivier_test

import (
	"context"
	"slices"
	"testing"

	"vivier"
)

// offerTree is a ministry with two levels of directions, a suspended
// direction, and an unrelated administration, each with offers.
type offerTree struct {
	s                                   *vivier.Store
	ministry, direction, bureau, closed *vivier.Administration
	other                               *vivier.Administration
}

func newOfferTree(t *testing.T) offerTree {
	t.Helper()
	ctx := context.Background()
	s := newStore(t)
	w := offerTree{s: s}
	add := func(slug string, parent *vivier.Administration) *vivier.Administration {
		a := &vivier.Administration{Slug: slug, Name: "Adm " + slug, Versant: vivier.VersantEtat}
		if parent != nil {
			a.ParentID = &parent.ID
		}
		if err := s.UpsertAdministration(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	w.ministry = add("ministere", nil)
	w.direction = add("direction", w.ministry)
	w.bureau = add("bureau", w.direction)
	w.closed = add("fermee", w.ministry)
	w.other = add("autre", nil)
	if _, err := s.DB().ExecContext(ctx, `UPDATE administrations SET status = 'suspended' WHERE id = $1`, w.closed.ID); err != nil {
		t.Fatal(err)
	}
	// 120 offers of the ministry: REF-001 to REF-120, changed one minute
	// apart (REF-120 last), one kind in four a concours, one in three
	// published.
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO offers (administration_id, kind, status, reference, versant, title, updated_at, application_deadline)
		SELECT $1, CASE WHEN n % 4 = 0 THEN 'concours' ELSE 'emploi' END, CASE WHEN n % 3 = 0 THEN 'published' ELSE 'draft' END,
			'REF-' || lpad(n::text, 3, '0'), 'etat', 'Poste ' || lpad(n::text, 3, '0'),
			now() - make_interval(mins => 200 - n), CASE WHEN n % 10 = 0 THEN now() + make_interval(days => n) END
		FROM generate_series(1, 120) n`, w.ministry.ID); err != nil {
		t.Fatal(err)
	}
	for _, o := range []struct {
		adm        *vivier.Administration
		ref, title string
	}{
		{w.direction, "DIR-1", "Infirmière de prévention"}, {w.bureau, "BUR-1", "Gestionnaire 100% paie"},
		{w.closed, "FER-1", "Poste de la direction suspendue"}, {w.other, "AUT-1", "Poste d'une autre administration"},
	} {
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO offers (administration_id, kind, status, reference, versant, title)
			VALUES ($1, 'stage', 'published', $2, 'etat', $3)`, o.adm.ID, o.ref, o.title); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w offerTree) list(t *testing.T, adm *vivier.Administration, f vivier.OfferListFilter) *vivier.OfferList {
	t.Helper()
	l, err := w.s.OfferList(context.Background(), adm.ID, f)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func refs(l *vivier.OfferList) []string {
	var out []string
	for _, r := range l.Rows {
		out = append(out, r.Reference)
	}
	return out
}

func TestOfferListPagesWithoutCap(t *testing.T) {
	t.Parallel()
	w := newOfferTree(t)
	seen := map[string]bool{}
	for page := 1; page <= 3; page++ {
		l := w.list(t, w.ministry, vivier.OfferListFilter{Page: page})
		if l.Total != 120 || l.Pages() != 3 || l.Page != page {
			t.Fatalf("page %d: total %d, %d pages, page %d", page, l.Total, l.Pages(), l.Page)
		}
		if want := []int{50, 50, 20}[page-1]; len(l.Rows) != want {
			t.Fatalf("page %d has %d rows, want %d", page, len(l.Rows), want)
		}
		for _, r := range l.Rows {
			if seen[r.Reference] || r.AdministrationID != w.ministry.ID {
				t.Fatalf("page %d: %s seen twice or of another administration", page, r.Reference)
			}
			seen[r.Reference] = true
		}
	}
	if l := w.list(t, w.ministry, vivier.OfferListFilter{}); l.Rows[0].Reference != "REF-120" || l.Rows[49].Reference != "REF-071" {
		t.Errorf("most recently changed first: %s … %s", l.Rows[0].Reference, l.Rows[49].Reference)
	}
	// A page past the end shows the last one.
	if l := w.list(t, w.ministry, vivier.OfferListFilter{Page: 9}); l.Page != 3 || len(l.Rows) != 20 {
		t.Errorf("page 9 = page %d with %d rows", l.Page, len(l.Rows))
	}
	if l := w.list(t, w.ministry, vivier.OfferListFilter{Status: vivier.OfferPublished, Kind: vivier.KindConcours}); l.Total != 10 {
		t.Errorf("published concours = %d, want 10 (multiples of 12)", l.Total)
	}
}

func TestOfferListSearchAndSort(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newOfferTree(t)
	for q, want := range map[string][]string{
		"ref-042":    {"REF-042"},
		"Poste 11":   {"REF-110", "REF-111", "REF-112", "REF-113", "REF-114", "REF-115", "REF-116", "REF-117", "REF-118", "REF-119"},
		"infirmiere": {"DIR-1"}, // accents ignored
		"PRÉVENTION": {"DIR-1"}, // case and accents on the query's side
		"de pré":     {"DIR-1"}, // across words
		"  DIR-1  ":  {"DIR-1"}, // trimmed
		"100%":       {"BUR-1"}, // % is a character, not a wildcard
		"_":          nil,       // _ too
		"suspendue":  nil,       // a suspended direction's offers are out of reach
		"autre":      nil,       // another administration's never show
		"Adm":        nil,       // the administrations' names are not searched
		"ref-120 x":  nil,       // the whole query must match
	} {
		l := w.list(t, w.ministry, vivier.OfferListFilter{Query: q, WithDirections: true, Sort: vivier.OfferSortTitle})
		if got := refs(l); !slices.Equal(got, want) || l.Total != len(want) {
			t.Errorf("search %q = %v (%d), want %v", q, got, l.Total, want)
		}
	}
	if l := w.list(t, w.ministry, vivier.OfferListFilter{Query: "REF-0"}); l.Total != 99 {
		t.Errorf("REF-0 matches %d offers, want 99", l.Total)
	}

	// Sorts: by title, by deadline (the closest first, none last), by
	// number of applications, with the counts of the page's offers.
	if got := refs(w.list(t, w.ministry, vivier.OfferListFilter{Sort: vivier.OfferSortTitle})); got[0] != "REF-001" || got[49] != "REF-050" {
		t.Errorf("by title: %s … %s", got[0], got[49])
	}
	if got := refs(w.list(t, w.ministry, vivier.OfferListFilter{Sort: vivier.OfferSortDeadline})); !slices.Equal(got[:3], []string{"REF-010", "REF-020", "REF-030"}) {
		t.Errorf("by deadline: %v", got[:3])
	}
	var ids []int64
	if err := w.s.DB().SelectContext(ctx, &ids, `SELECT id FROM offers WHERE reference IN ('REF-005', 'REF-007') ORDER BY reference`); err != nil {
		t.Fatal(err)
	}
	// REF-005 gets 3 applications (one moved on), REF-007 one.
	if _, err := w.s.DB().ExecContext(ctx, `
		WITH c AS (INSERT INTO candidates (email) SELECT 'c' || n || '@exemple.fr' FROM generate_series(1, 4) n RETURNING id),
		numbered AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM c)
		INSERT INTO applications (administration_id, offer_id, candidate_id, consent_at, idempotency_key, first_name, last_name, category)
		SELECT $1, CASE WHEN n <= 3 THEN $2::bigint ELSE $3::bigint END, id, now(), gen_random_uuid(), 'P', 'N',
			CASE WHEN n = 1 THEN 'en_cours' ELSE 'nouvelle' END FROM numbered`, w.ministry.ID, ids[0], ids[1]); err != nil {
		t.Fatal(err)
	}
	l := w.list(t, w.ministry, vivier.OfferListFilter{Sort: vivier.OfferSortApplications})
	if got := refs(l); !slices.Equal(got[:3], []string{"REF-005", "REF-007", "REF-120"}) {
		t.Errorf("by applications: %v", got[:3])
	}
	if r := l.Rows[0]; r.Applications != 3 || r.NewApplications != 2 {
		t.Errorf("REF-005: %d applications, %d new; want 3 and 2", r.Applications, r.NewApplications)
	}
	if r := l.Rows[2]; r.Applications != 0 || r.NewApplications != 0 {
		t.Errorf("REF-120: %d applications", r.Applications)
	}
}

func TestOfferListDirections(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newOfferTree(t)
	stages := vivier.OfferListFilter{Kind: vivier.KindStage, WithDirections: true, Sort: vivier.OfferSortTitle}
	// The ministry sees its directions' offers, at any depth, each under
	// its own administration; not a suspended direction's, not another's.
	l := w.list(t, w.ministry, stages)
	if got := refs(l); !slices.Equal(got, []string{"BUR-1", "DIR-1"}) {
		t.Fatalf("the ministry's stages = %v", got)
	}
	if r := l.Rows[0]; r.AdminSlug != "bureau" || r.AdminName != "Adm bureau" || r.AdministrationID != w.bureau.ID {
		t.Errorf("BUR-1 is shown under %s (%s)", r.AdminSlug, r.AdminName)
	}
	if l := w.list(t, w.ministry, vivier.OfferListFilter{WithDirections: true}); l.Total != 122 {
		t.Errorf("the ministry's tree has %d offers, want 122", l.Total)
	}
	// Without its directions, or from a direction, the list narrows.
	if l := w.list(t, w.ministry, vivier.OfferListFilter{Kind: vivier.KindStage}); l.Total != 0 {
		t.Errorf("the ministry's own stages = %v", refs(l))
	}
	if got := refs(w.list(t, w.direction, stages)); !slices.Equal(got, []string{"BUR-1", "DIR-1"}) {
		t.Errorf("the direction's stages = %v", got)
	}
	if got := refs(w.list(t, w.bureau, stages)); !slices.Equal(got, []string{"BUR-1"}) {
		t.Errorf("the bureau's stages = %v: a direction never sees its parent's", got)
	}
	// The direction filter: one administration of the tree; outside the
	// tree (another administration, a suspended direction, the parent of
	// a direction) it lists nothing.
	for _, c := range []struct {
		from, dir *vivier.Administration
		want      []string
	}{
		{w.ministry, w.bureau, []string{"BUR-1"}},
		{w.ministry, w.direction, []string{"DIR-1"}},
		{w.ministry, w.other, nil},
		{w.ministry, w.closed, nil},
		{w.direction, w.ministry, nil},
		{w.bureau, w.direction, nil},
	} {
		f := stages
		f.Kind, f.Direction = "", c.dir.ID
		if got := refs(w.list(t, c.from, f)); !slices.Equal(got, c.want) {
			t.Errorf("from %s, direction %s = %v, want %v", c.from.Slug, c.dir.Slug, got, c.want)
		}
	}
	// The filter's choices: the tree, in order, without the suspended one.
	dirs, err := w.s.Directions(ctx, w.ministry.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range dirs {
		got = append(got, d.Slug+":"+string(rune('0'+d.Depth)))
	}
	if !slices.Equal(got, []string{"ministere:0", "direction:1", "bureau:2"}) {
		t.Errorf("directions = %v", got)
	}
	if dirs, err := w.s.Directions(ctx, w.other.ID); err != nil || len(dirs) != 1 {
		t.Errorf("an administration without directions: %v, %v", dirs, err)
	}
}
