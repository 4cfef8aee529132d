package vivier

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
)

// SearchQuery is one SQL statement of a search with its arguments, so that a
// benchmark can run exactly what the site runs.
type SearchQuery struct {
	SQL  string
	Args []any
}

// searchSQL is the whole search in one statement, so that the matching rows
// are read once: m holds every match with the columns that the facets count
// and its rank (computed once per row); the page is the top of m by rank
// then date, returned as JSON on the first row; the other rows count m and
// each filter's values within it. Totals and counts are exact, and the
// relevance order covers every match: no cap, no sample.
const searchSQL = `WITH m AS MATERIALIZED (
		SELECT o.id, o.published_at, %[2]s AS rank, o.kind, o.versant, o.categories, o.region_codes, o.departement_codes,
		       o.domaine_code, o.contract_type, o.experience, o.management, o.administration_id
		FROM offers o WHERE %[1]s),
	h AS (SELECT id, rank, published_at FROM m ORDER BY rank DESC, published_at DESC, id DESC LIMIT %[3]d OFFSET %[4]d)
	SELECT 'hits' AS facet, '' AS value, '' AS label, 0 AS count, (
		SELECT coalesce(json_agg(x ORDER BY x.rank DESC, x.published_at DESC, x.id DESC), '[]') FROM (
			SELECT h.rank, o.id, o.kind, o.title, o.organisation_name, ad.name AS administration_name, o.versant,
			       o.workplace, coalesce(o.locations->0->>'label', '') AS location_label, o.published_at
			FROM h JOIN offers o ON o.id = h.id JOIN administrations ad ON ad.id = o.administration_id) x) AS hits
	UNION ALL SELECT '', '', '', count(*), NULL FROM m
	UNION ALL SELECT 'type', kind, '', count(*), NULL FROM m GROUP BY kind
	UNION ALL SELECT 'versant', versant, '', count(*), NULL FROM m GROUP BY versant
	UNION ALL SELECT 'categorie', c, '', count(*), NULL FROM m, unnest(m.categories) c GROUP BY c
	UNION ALL SELECT 'region', r, '', count(*), NULL FROM m, unnest(m.region_codes) r GROUP BY r
	UNION ALL SELECT 'departement', d, '', count(*), NULL FROM m, unnest(m.departement_codes) d GROUP BY d
	UNION ALL SELECT 'domaine', domaine_code, '', count(*), NULL FROM m WHERE domaine_code IS NOT NULL GROUP BY domaine_code
	UNION ALL SELECT 'contrat', contract_type, '', count(*), NULL FROM m WHERE contract_type <> '' GROUP BY contract_type
	UNION ALL SELECT 'experience', experience, '', count(*), NULL FROM m WHERE experience <> '' GROUP BY experience
	UNION ALL SELECT 'management', CASE WHEN management THEN 'oui' ELSE 'non' END, '', count(*), NULL
		FROM m WHERE management IS NOT NULL GROUP BY management
	UNION ALL SELECT 'employeur', ad.slug, ad.name, e.n, NULL
		FROM (SELECT administration_id, count(*) AS n FROM m GROUP BY administration_id) e
		JOIN administrations ad ON ad.id = e.administration_id
	UNION ALL SELECT 'depuis', unnest(ARRAY['1', '7', '30']), '', unnest(ARRAY[
		count(*) FILTER (WHERE published_at >= now() - interval '1 day'),
		count(*) FILTER (WHERE published_at >= now() - interval '7 days'),
		count(*) FILTER (WHERE published_at >= now() - interval '30 days')]), NULL FROM m`

// Statement returns the SQL that SearchOffers runs for q, with its
// arguments, for benchmarks that replay it outside the program.
func (q OfferSearch) Statement() SearchQuery { return q.statement() }

// statement builds the search. The rank of a keyword search is ts_rank over
// the weighted tsvector (title A, employer B, text C), computed on every
// match so that the most relevant offer comes first however old it is.
func (q OfferSearch) statement() SearchQuery {
	q.normalize()
	where, args := q.where()
	rank := "0::real"
	switch {
	case q.fuzzy:
		// The closest titles first.
		rank = "word_similarity(immutable_unaccent($1), immutable_unaccent(o.title))"
	case q.Q != "" && !q.ByDate:
		rank = "ts_rank(o.search, websearch_to_tsquery('french_unaccent', $1))"
	}
	return SearchQuery{fmt.Sprintf(searchSQL, where, rank, q.PerPage, (q.Page-1)*q.PerPage), args}
}

func (q *OfferSearch) normalize() {
	if q.PerPage <= 0 || q.PerPage > 100 {
		q.PerPage = SearchPageSize
	}
	q.Page = max(1, q.Page)
}

type searchRow struct {
	Facet string `db:"facet"`
	FacetCount
	Hits []byte `db:"hits"`
}

// Time budgets of a search and of a short query's typo retry, which is
// dropped past its own.
const (
	searchBudget = 5 * time.Second
	fuzzyBudget  = time.Second
)

// ErrSearchTooSlow answers a search that no plan could serve in time.
var ErrSearchTooSlow = Errorf(EUNAVAILABLE, "La recherche a pris trop de temps. Précisez-la avec un mot ou un filtre de plus, puis réessayez.")

// SearchOffers runs a public search over published offers.
func (s *Store) SearchOffers(ctx context.Context, q OfferSearch) (*OfferResults, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if q.Near == nil {
		res, ok, err := s.searchIndexed(ctx, q)
		if err != nil || ok {
			return res, err
		}
	}
	rows, err := s.searchRows(ctx, q.statement(), searchBudget)
	if isCanceled(err) {
		return nil, ErrSearchTooSlow
	}
	if err != nil {
		return nil, wrap("SearchOffers", err)
	}
	if q.Q != "" && !q.fuzzy && utf8.RuneCountInString(q.Q) <= shortQuery && noMatch(rows) {
		fq := q
		fq.fuzzy = true
		fuzzy, err := s.searchRows(ctx, fq.statement(), fuzzyBudget)
		switch {
		case err == nil:
			rows = fuzzy
		case !isCanceled(err): // past its budget, the exact answer (none) stands
			return nil, wrap("SearchOffers", err)
		}
	}
	res := &OfferResults{Facets: map[string][]FacetCount{}}
	for _, r := range rows {
		switch r.Facet {
		case "hits":
			if err := json.Unmarshal(r.Hits, &res.Hits); err != nil {
				return nil, fmt.Errorf("SearchOffers hits: %w", err)
			}
		case "":
			res.Total = r.Count
		default:
			res.Facets[r.Facet] = append(res.Facets[r.Facet], r.FacetCount)
		}
	}
	for _, fs := range res.Facets {
		sortFacets(fs)
	}
	return res, nil
}

// searchRows runs one form of the search under a statement timeout.
func (s *Store) searchRows(ctx context.Context, st SearchQuery, budget time.Duration) ([]searchRow, error) {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer rollback(tx)
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("SET LOCAL statement_timeout = %d", budget.Milliseconds())); err != nil {
		return nil, err
	}
	var rows []searchRow
	if err := tx.SelectContext(ctx, &rows, st.SQL, st.Args...); err != nil {
		return nil, err
	}
	return rows, tx.Commit()
}

// isCanceled tells a statement stopped by its timeout.
func isCanceled(err error) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "57014"
}

// noMatch tells whether a search's rows count no result.
func noMatch(rows []searchRow) bool {
	for _, r := range rows {
		if r.Facet == "" {
			return r.Count == 0
		}
	}
	return true
}

// sortFacets puts the most frequent values first, then by value.
func sortFacets(fs []FacetCount) {
	slices.SortFunc(fs, func(a, b FacetCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
}

// PublicOffer returns an offer the public may open: published, closed (shown
// as closed) or archived (the caller answers 410); drafts do not exist, nor
// does a closed offer whose content was changed since its validation.
func (s *Store) PublicOffer(ctx context.Context, id int64) (*Offer, *Administration, error) {
	v, err := s.PublicOfferPage(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	return v.Offer, v.Adm, nil
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

// where builds the filter shared by the page, the count and the facets; the
// keyword, when there is one, is always $1.
func (q OfferSearch) where() (string, []any) {
	conds := []string{"o.status = 'published'"}
	var args []any
	// add appends a condition whose ? are successive new parameters.
	add := func(cond string, vs ...any) {
		for _, v := range vs {
			args = append(args, v)
			cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(args)), 1)
		}
		conds = append(conds, cond)
	}
	if q.Q != "" {
		// French stems without accents. The typo fallback is a query of its
		// own (SearchOffers), not an OR here: an OR of two indexes is
		// misjudged by the planner, which then walks every offer by date.
		if q.fuzzy {
			add("immutable_unaccent(?) <% immutable_unaccent(o.title)", q.Q)
		} else {
			add("o.search @@ websearch_to_tsquery('french_unaccent', ?)", q.Q)
		}
	}
	eq := map[string]string{"o.kind": q.Kind, "o.versant": q.Versant, "o.domaine_code": q.Domaine,
		"o.contract_type": q.Contrat, "o.experience": q.Experience}
	for _, col := range []string{"o.kind", "o.versant", "o.domaine_code", "o.contract_type", "o.experience"} {
		if v := eq[col]; v != "" {
			add(col+" = ?", v)
		}
	}
	// Arrays are matched with @> so that their GIN indexes serve.
	if q.Categorie != "" {
		add("o.categories @> ARRAY[?]::text[]", q.Categorie)
	}
	if q.Region != "" {
		add("o.region_codes @> ARRAY[?]::text[]", q.Region)
	}
	if q.Departement != "" {
		add("o.departement_codes @> ARRAY[?]::text[]", q.Departement)
	}
	if q.Teletravail {
		add("o.workplace = 'TELETRAVAIL'")
	}
	if q.Mobilite {
		add("o.open_to_internal")
	}
	if q.Management != nil {
		add("o.management = ?", *q.Management)
	}
	if q.Employer != "" {
		add("o.administration_id = (SELECT id FROM administrations WHERE slug = ?)", q.Employer)
	}
	if q.Since > 0 {
		add("o.published_at >= now() - make_interval(days => ?)", q.Since)
	}
	if !q.PublishedAfter.IsZero() {
		add("o.published_at > ?", q.PublishedAfter)
	}
	if !q.PublishedBefore.IsZero() {
		add("o.published_at <= ?", q.PublishedBefore)
	}
	if q.Near != nil {
		// The box around the offer's places (GiST index) first, then the
		// exact great-circle distance of each place: any one near enough.
		lat, lng, r := q.Near.Lat, q.Near.Lng, q.RadiusKm
		dLat := r / kmPerDegree
		dLng := math.Min(180, r/(kmPerDegree*math.Max(math.Cos(lat*math.Pi/180), 0.01)))
		add("o.places_box && box(point(?, ?), point(?, ?))", lng-dLng, lat-dLat, lng+dLng, lat+dLat)
		add("locations_within(o.locations, ?::float8, ?::float8, ?::float8)", lat, lng, r)
	}
	return strings.Join(conds, " AND "), args
}
