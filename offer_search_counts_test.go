package vivier_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"vivier"
)

// seedCountWorld inserts 20 000 published offers (and a few drafts) with SQL:
// 5 000 of them say "développeur" (all in their mission, one also in its
// title: the oldest of all), with their filter values spread unevenly so
// that a wrong count shows.
func seedCountWorld(t *testing.T) (*vivier.Store, int64) {
	t.Helper()
	s, a, b := newOfferWorld(t)
	// An autovacuum worker busy on the filled tables would outlive the test
	// and hold up the drop of its database (dbtest).
	if _, err := s.DB().Exec(`ALTER TABLE offers SET (autovacuum_enabled = false);
		ALTER TABLE search_changes SET (autovacuum_enabled = false)`); err != nil {
		t.Fatal(err)
	}
	_, err := s.DB().Exec(`INSERT INTO offers (administration_id, kind, status, reference, source, versant, title,
			organisation_name, domaine_code, categories, contract_type, mission, region_codes, departement_codes,
			workplace, experience, management, published_at)
		SELECT CASE WHEN g % 3 = 0 THEN $2::bigint ELSE $1::bigint END,
			(ARRAY['emploi', 'concours', 'stage', 'apprentissage'])[1 + g % 4 * (g % 5) % 4],
			CASE WHEN g > 20000 THEN 'draft' ELSE 'published' END, 'C-' || g, 'bulk',
			(ARRAY['etat', 'territoriale', 'hospitaliere'])[1 + g % 7 % 3],
			CASE WHEN g = 20000 THEN 'Développeur principal' ELSE 'Juriste' END, 'Service ' || g % 11,
			(ARRAY['NUM', 'GRH', 'JUR', NULL])[1 + g % 9 % 4],
			CASE WHEN g % 6 = 0 THEN ARRAY['A', 'B'] ELSE ARRAY[(ARRAY['A', 'B', 'C', 'APLUS'])[1 + g % 13 % 4]] END,
			(ARRAY['TITULAIRE_CONTRACTUEL', 'CONTRACTUELS', ''])[1 + g % 17 % 3],
			CASE WHEN g % 4 = 0 THEN 'Travailler avec un développeur.' ELSE 'Rédiger des actes.' END,
			ARRAY[(ARRAY['11', '84', '93'])[1 + g % 19 % 3]],
			CASE WHEN g % 10 = 0 THEN ARRAY['75', '92'] ELSE ARRAY[(ARRAY['75', '69', '13', '2A', '974'])[1 + g % 23 % 5]] END,
			(ARRAY['SUR_SITE', 'TELETRAVAIL', 'NON_DEFINI'])[1 + g % 29 % 3],
			(ARRAY['DEBUTANT', 'CONFIRME', ''])[1 + g % 31 % 3],
			(ARRAY[true, false, NULL])[1 + g % 37 % 3],
			now() - g * interval '1 minute'
		FROM generate_series(1, 20100) g`, a.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	var oldest int64
	if err := s.DB().Get(&oldest, `SELECT id FROM offers WHERE reference = 'C-20000'`); err != nil {
		t.Fatal(err)
	}
	return s, oldest
}

// expectedCounts counts the matches of where, per value of each filter, with
// plain SQL.
func expectedCounts(t *testing.T, s *vivier.Store, where string, args ...any) (int, map[string]map[string]int) {
	t.Helper()
	exprs := map[string]string{
		"type": "kind", "versant": "versant", "categorie": "unnest(categories)", "region": "unnest(region_codes)",
		"departement": "unnest(departement_codes)", "domaine": "domaine_code", "contrat": "nullif(contract_type, '')",
		"experience": "nullif(experience, '')", "management": "CASE WHEN management THEN 'oui' WHEN NOT management THEN 'non' END",
		"employeur": "(SELECT slug FROM administrations ad WHERE ad.id = administration_id)",
	}
	out := map[string]map[string]int{}
	for name, expr := range exprs {
		var rows []struct {
			Value *string `db:"value"`
			Count int     `db:"count"`
		}
		if err := s.DB().Select(&rows, `SELECT value, count(*) AS count FROM (SELECT `+expr+` AS value
			FROM offers o WHERE o.status = 'published' AND `+where+`) x GROUP BY value`, args...); err != nil {
			t.Fatal(name, err)
		}
		out[name] = map[string]int{}
		for _, r := range rows {
			if r.Value != nil {
				out[name][*r.Value] = r.Count
			}
		}
	}
	var total int
	if err := s.DB().Get(&total, `SELECT count(*) FROM offers o WHERE o.status = 'published' AND `+where, args...); err != nil {
		t.Fatal(err)
	}
	return total, out
}

// The total and every filter's counts are exact however many offers match,
// and relevance ranks every match: the only title match comes first though
// it is the oldest offer.
func TestCountsAreExact(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, oldest := seedCountWorld(t)
	kw := "o.search @@ websearch_to_tsquery('french_unaccent', 'developpeur')"
	for _, tc := range []struct {
		q     vivier.OfferSearch
		where string
	}{
		{vivier.OfferSearch{Q: "développeur"}, kw},
		{vivier.OfferSearch{Q: "développeur", Kind: "emploi", Categorie: "A"}, kw + " AND kind = 'emploi' AND categories @> '{A}'"},
		{vivier.OfferSearch{Departement: "75", Versant: "etat"}, "departement_codes @> '{75}' AND versant = 'etat'"},
		{vivier.OfferSearch{}, "true"},
	} {
		total, want := expectedCounts(t, s, tc.where)
		res, err := s.SearchOffers(ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != total {
			t.Errorf("%+v: total %d, want %d", tc.q, res.Total, total)
		}
		if tc.where == kw && total != 5000 {
			t.Fatalf("the world has %d matches, want 5000", total)
		}
		for name, values := range want {
			got := map[string]int{}
			for _, f := range res.Facets[name] {
				got[f.Value] = f.Count
			}
			if fmt.Sprint(got) != fmt.Sprint(values) {
				t.Errorf("%+v: facet %s = %v, want %v", tc.q, name, got, values)
			}
		}
	}
	res, err := s.SearchOffers(ctx, vivier.OfferSearch{Q: "développeur"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != oldest {
		t.Fatalf("first hit %+v, want the oldest offer %d (its title matches)", res.Hits[:1], oldest)
	}
	// Any page is reachable: the last one of 5 000 results holds the
	// 20 oldest matches but the title match.
	res, err = s.SearchOffers(ctx, vivier.OfferSearch{Q: "développeur", Page: 250})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 5000 || len(res.Hits) != 20 {
		t.Fatalf("page 250: total %d, %d hits", res.Total, len(res.Hits))
	}
	if n := s.SearchIndexSize(); n != 20000 {
		t.Errorf("the search index holds %d offers, want 20000", n)
	}
	var want []int64
	if err := s.DB().Select(&want, `SELECT id FROM offers WHERE status = 'published' AND mission LIKE '%développeur%'
		AND id <> $1 ORDER BY published_at DESC, id DESC OFFSET 4979`, oldest); err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, h := range res.Hits {
		got = append(got, h.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("page 250 = %v, want %v", got, want)
	}
}

// The index follows every committed change before a search: a new match, a
// withdrawn one, a changed filter value.
func TestCountsFollowChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, oldest := seedCountWorld(t)
	q := vivier.OfferSearch{Q: "développeur", Departement: "974"}
	count := func() int {
		t.Helper()
		res, err := s.SearchOffers(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := expectedCounts(t, s, "o.search @@ websearch_to_tsquery('french_unaccent', 'developpeur') AND departement_codes @> '{974}'")
		if res.Total != want {
			t.Errorf("total %d, want %d", res.Total, want)
		}
		return res.Total
	}
	before := count()
	if _, err := s.DB().Exec(`UPDATE offers SET departement_codes = '{974}' WHERE id = $1`, oldest); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != before+1 {
		t.Errorf("after a change of département: %d, want %d", n, before+1)
	}
	if _, err := s.DB().Exec(`UPDATE offers SET status = 'closed' WHERE id = $1`, oldest); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != before {
		t.Errorf("after a closing: %d, want %d", n, before)
	}
	if _, err := s.DB().Exec(`DELETE FROM offers WHERE status = 'published' AND departement_codes = '{974}' AND mission LIKE '%développeur%'`); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 0 {
		t.Errorf("after deleting them all: %d", n)
	}
}

// A transaction left open anywhere in the cluster holds the change feed's
// frontier back. The index's first read of the feed must not apply again
// the changes its load already holds: it did, which left a dead slot per
// offer, and the next search judged the index stale and loaded it again
// (under load, TestCountsAreExact then met an index being reloaded).
func TestSearchIndexLoadSkipsTheChangesItHolds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	held, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = held.Close() }()
	if _, err := held.ExecContext(ctx, `BEGIN`); err != nil {
		t.Fatal(err)
	}
	if _, err := held.ExecContext(ctx, `SELECT pg_current_xact_id()`); err != nil {
		t.Fatal(err)
	}
	defer func() { _, _ = held.ExecContext(ctx, `ROLLBACK`) }()
	if _, err := s.DB().Exec(`INSERT INTO offers (administration_id, kind, status, reference, source, versant, title, published_at)
		SELECT $1, 'emploi', 'published', 'H-' || g, 'bulk', 'etat', 'Juriste ' || g, now() - g * interval '1 minute'
		FROM generate_series(1, 1500) g`, a.ID); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		res, err := s.SearchOffers(ctx, vivier.OfferSearch{Q: "juriste"})
		if err != nil || res.Total != 1500 {
			t.Fatalf("search %d: %d results, %v", i, res.Total, err)
		}
	}
	if n, slots := s.SearchIndexSize(), vivier.SearchIndexSlots(s); n != 1500 || slots != 1500 {
		t.Errorf("the index holds %d offers in %d slots, want 1500 in 1500", n, slots)
	}
}

// "Ouvert à la mobilité interne" keeps the offers open to public agents,
// from the index and from PostgreSQL (a phrase goes there) alike, and it
// follows an offer that opens to them.
func TestMobilityFilter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	if _, err := s.DB().Exec(`INSERT INTO offers (administration_id, kind, status, reference, source, versant, title, open_to_internal, published_at)
		SELECT $1, 'emploi', 'published', 'M-' || g, 'bulk', 'etat', 'Juriste principal ' || g, g % 3 = 0, now() - g * interval '1 minute'
		FROM generate_series(1, 300) g`, a.ID); err != nil {
		t.Fatal(err)
	}
	want := func() int {
		var n int
		if err := s.DB().Get(&n, `SELECT count(*) FROM offers WHERE status = 'published' AND open_to_internal`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	check := func(when string) {
		t.Helper()
		n := want()
		for _, q := range []vivier.OfferSearch{{Q: "juriste", Mobilite: true}, {Q: `"juriste principal"`, Mobilite: true}, {Mobilite: true}} {
			res, err := s.SearchOffers(ctx, q)
			if err != nil || res.Total != n {
				t.Errorf("%s: %+v finds %d, want %d (%v)", when, q, res.Total, n, err)
			}
			for _, h := range res.Hits {
				if !strings.HasPrefix(h.Title, "Juriste principal ") {
					t.Errorf("%s: %+v finds %q", when, q, h.Title)
				}
			}
		}
		if res, err := s.SearchOffers(ctx, vivier.OfferSearch{Q: "juriste"}); err != nil || res.Total != 300 {
			t.Errorf("%s: without the filter, %d offers (%v)", when, res.Total, err)
		}
	}
	check("loaded")
	if _, err := s.DB().Exec(`UPDATE offers SET open_to_internal = true WHERE reference IN ('M-1', 'M-2')`); err != nil {
		t.Fatal(err)
	}
	check("after two offers opened")
	if n := want(); n != 102 {
		t.Fatalf("%d offers open to internal mobility, want 102", n)
	}
}
