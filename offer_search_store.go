package vivier

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// SearchQuery is one SQL statement of a search with its arguments, so that a
// benchmark can run exactly what the site runs.
type SearchQuery struct {
	SQL  string
	Args []any
}

const hitColumns = `o.id, o.kind, o.title, o.organisation_name, ad.name AS administration_name, o.versant, o.workplace,
	coalesce(o.locations->0->>'label', '') AS location_label, o.published_at`

// hitsQueries returns the statements of one page of results: one, or two
// when the page straddles the end of the relevance window.
func (q OfferSearch) hitsQueries() []SearchQuery {
	where, args := q.where()
	offset := (q.Page - 1) * q.PerPage
	byDate := func(limit, offset int) SearchQuery {
		return SearchQuery{fmt.Sprintf(`SELECT %s
			FROM offers o JOIN administrations ad ON ad.id = o.administration_id
			WHERE %s ORDER BY o.published_at DESC, o.id DESC LIMIT %d OFFSET %d`, hitColumns, where, limit, offset), args}
	}
	if q.Q == "" || q.ByDate || offset >= rankWindow {
		return []SearchQuery{byDate(q.PerPage, offset)}
	}
	// Relevance orders the rankWindow most recent matches; the rank is
	// computed on those rows only, after the join.
	n := min(q.PerPage, rankWindow-offset)
	out := []SearchQuery{{fmt.Sprintf(`WITH c AS MATERIALIZED (
			SELECT o.id, o.published_at FROM offers o
			WHERE %s ORDER BY o.published_at DESC, o.id DESC LIMIT %d)
		SELECT %s
		FROM c JOIN offers o ON o.id = c.id JOIN administrations ad ON ad.id = o.administration_id
		ORDER BY ts_rank_cd(o.search, websearch_to_tsquery('french_unaccent', $1)) DESC, c.published_at DESC, c.id DESC
		LIMIT %d OFFSET %d`, where, rankWindow, hitColumns, n, offset), args}}
	if n < q.PerPage {
		out = append(out, byDate(q.PerPage-n, rankWindow))
	}
	return out
}

// facetsQuery counts the results, up to SearchCountCap+1, and each filter's
// values among them, in one statement: the matching rows are read once.
func (q OfferSearch) facetsQuery() SearchQuery {
	where, args := q.where()
	return SearchQuery{fmt.Sprintf(`WITH m AS MATERIALIZED (
			SELECT o.kind, o.versant, o.categories, o.region_codes, o.domaine_code, o.contract_type, o.experience,
			       o.management, o.administration_id, o.published_at
			FROM offers o WHERE %s LIMIT %d)
		SELECT '' AS facet, '' AS value, '' AS label, count(*) AS count FROM m
		UNION ALL SELECT 'type', kind, '', count(*) FROM m GROUP BY kind
		UNION ALL SELECT 'versant', versant, '', count(*) FROM m GROUP BY versant
		UNION ALL SELECT 'categorie', c, '', count(*) FROM m, unnest(m.categories) c GROUP BY c
		UNION ALL SELECT 'region', r, '', count(*) FROM m, unnest(m.region_codes) r GROUP BY r
		UNION ALL SELECT 'domaine', domaine_code, '', count(*) FROM m WHERE domaine_code IS NOT NULL GROUP BY domaine_code
		UNION ALL SELECT 'contrat', contract_type, '', count(*) FROM m WHERE contract_type <> '' GROUP BY contract_type
		UNION ALL SELECT 'experience', experience, '', count(*) FROM m WHERE experience <> '' GROUP BY experience
		UNION ALL SELECT 'management', CASE WHEN management THEN 'oui' ELSE 'non' END, '', count(*)
			FROM m WHERE management IS NOT NULL GROUP BY management
		UNION ALL SELECT 'employeur', ad.slug, ad.name, count(*)
			FROM m JOIN administrations ad ON ad.id = m.administration_id GROUP BY ad.slug, ad.name
		UNION ALL SELECT 'depuis', unnest(ARRAY['1', '7', '30']), '', unnest(ARRAY[
			count(*) FILTER (WHERE published_at >= now() - interval '1 day'),
			count(*) FILTER (WHERE published_at >= now() - interval '7 days'),
			count(*) FILTER (WHERE published_at >= now() - interval '30 days')]) FROM m`,
		where, SearchCountCap+1), args}
}

// SearchQueries returns the statements SearchOffers runs for q, for
// benchmarks that replay them outside the program.
func (s *Store) SearchQueries(q OfferSearch) []SearchQuery {
	q.normalize()
	return append(q.hitsQueries(), q.facetsQuery())
}

func (q *OfferSearch) normalize() {
	if q.PerPage <= 0 || q.PerPage > 100 {
		q.PerPage = 20
	}
	// Results past the counted ones are not paged to: refining is the way.
	q.Page = max(1, min(q.Page, (SearchCountCap+q.PerPage-1)/q.PerPage))
}

type facetRow struct {
	Facet string `db:"facet"`
	FacetCount
}

// SearchOffers runs a public search over published offers. The page and the
// counts are two statements run at once on two connections, so a search
// costs the slower of them, not their sum.
func (s *Store) SearchOffers(ctx context.Context, q OfferSearch) (*OfferResults, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	q.normalize()
	res := &OfferResults{Facets: map[string][]FacetCount{}}
	facetsDone := make(chan error, 1)
	var rows []facetRow
	go func() {
		fq := q.facetsQuery()
		facetsDone <- s.db.SelectContext(ctx, &rows, fq.SQL, fq.Args...)
	}()
	var hitsErr error
	for _, hq := range q.hitsQueries() {
		var hits []OfferHit
		if hitsErr = s.db.SelectContext(ctx, &hits, hq.SQL, hq.Args...); hitsErr != nil {
			break
		}
		res.Hits = append(res.Hits, hits...)
	}
	if err := <-facetsDone; err != nil {
		return nil, wrap("SearchOffers facets", err)
	}
	if hitsErr != nil {
		return nil, wrap("SearchOffers", hitsErr)
	}
	for _, r := range rows {
		if r.Facet == "" {
			res.Total = r.Count
			continue
		}
		res.Facets[r.Facet] = append(res.Facets[r.Facet], r.FacetCount)
	}
	if res.Total > SearchCountCap {
		res.Total, res.Capped = SearchCountCap, true
	}
	for _, fs := range res.Facets {
		sortFacets(fs)
	}
	return res, nil
}

// sortFacets puts the most frequent values first, then by value.
func sortFacets(fs []FacetCount) {
	slices.SortFunc(fs, func(a, b FacetCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
}

// PublicOffer returns an offer the public may open: published, closed (shown
// as closed) or archived (the caller answers 410); drafts do not exist.
func (s *Store) PublicOffer(ctx context.Context, id int64) (*Offer, *Administration, error) {
	var row offerRow
	err := s.db.GetContext(ctx, &row, `SELECT `+offerColumns+` FROM offers WHERE id = $1 AND status IN ('published', 'closed', 'archived')`, id)
	if err != nil {
		return nil, nil, wrap("PublicOffer", err)
	}
	o, err := row.offer()
	if err != nil {
		return nil, nil, err
	}
	adm, err := s.AdministrationByID(ctx, o.AdministrationID)
	if err != nil {
		return nil, nil, err
	}
	return o, adm, nil
}

// OfferStamp is an offer's id and last change, for the sitemap.
type OfferStamp struct {
	ID        int64     `db:"id"`
	UpdatedAt time.Time `db:"updated_at"`
}

// PublishedOfferStamps pages through published offers by id.
func (s *Store) PublishedOfferStamps(ctx context.Context, offset, limit int) ([]OfferStamp, error) {
	var out []OfferStamp
	err := s.db.SelectContext(ctx, &out, `SELECT id, updated_at FROM offers WHERE status = 'published'
		ORDER BY id LIMIT $1 OFFSET $2`, limit, offset)
	return out, wrap("PublishedOfferStamps", err)
}

// CountPublishedOffers counts the published offers.
func (s *Store) CountPublishedOffers(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM offers WHERE status = 'published'`)
	return n, wrap("CountPublishedOffers", err)
}
