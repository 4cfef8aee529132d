package vivier

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
)

// searchIndexed runs a search on the in-memory index; false when it cannot
// (no index yet, a distance, a phrase: PostgreSQL answers then).
func (s *Store) searchIndexed(ctx context.Context, q OfferSearch) (*OfferResults, bool, error) {
	ix, err := s.readySearchIndex(ctx)
	if ix == nil || err != nil {
		return nil, false, err
	}
	q.normalize()
	key := fmt.Sprintf("%+v", q)
	version := ix.changeCount()
	if res := s.searchCache.get(key, ix, version, s.now()); res != nil {
		return res, true, nil
	}
	iq := indexQuery{filters: map[string][]string{}, byDate: q.ByDate, offset: (q.Page - 1) * q.PerPage, max: q.PerPage,
		now: s.now()}
	var terms struct {
		TSQuery  string `db:"tsq"`
		Employer int64  `db:"employer"`
	}
	st, err := s.searchTerms.get(ctx, s.db, `SELECT CASE WHEN $1 = '' THEN '' ELSE websearch_to_tsquery('french_unaccent', $1)::text END AS tsq,
		coalesce((SELECT id FROM administrations WHERE slug = $2), 0) AS employer`)
	if err != nil {
		return nil, false, wrap("SearchOffers", err)
	}
	if err := st.GetContext(ctx, &terms, q.Q, q.Employer); err != nil {
		return nil, false, wrap("SearchOffers", err)
	}
	if q.Q != "" {
		if terms.TSQuery == "" {
			return nil, false, nil // only stop words: PostgreSQL's answer
		}
		if iq.terms, err = parseTSQuery(terms.TSQuery); err != nil {
			return nil, false, nil
		}
	}
	for name, v := range map[string]string{"type": q.Kind, "versant": q.Versant, "categorie": q.Categorie, "region": q.Region,
		"departement": q.Departement, "domaine": q.Domaine, "contrat": q.Contrat, "experience": q.Experience} {
		if v != "" {
			iq.filters[name] = []string{v}
		}
	}
	if q.Teletravail {
		iq.filters["workplace"] = []string{"TELETRAVAIL"}
	}
	if q.Mobilite {
		iq.filters["mobilite"] = []string{"oui"}
	}
	if q.Management != nil {
		iq.filters["management"] = []string{map[bool]string{true: "oui", false: "non"}[*q.Management]}
	}
	if q.Employer != "" {
		iq.filters["employeur"] = []string{strconv.FormatInt(terms.Employer, 10)}
	}
	if q.Since > 0 {
		iq.notBefore = iq.now.Add(-time.Duration(q.Since) * 24 * time.Hour).UnixMicro()
	}
	if !q.PublishedAfter.IsZero() {
		iq.after = q.PublishedAfter.UnixMicro()
	}
	if !q.PublishedBefore.IsZero() {
		iq.until = q.PublishedBefore.UnixMicro()
	}
	r := ix.search(iq)
	res := &OfferResults{Total: r.total, Facets: r.facets}
	if res.Hits, err = s.offerHits(ctx, r.ids); err != nil {
		return nil, false, err
	}
	if err := s.employerLabels(ctx, res.Facets); err != nil {
		return nil, false, err
	}
	if r.total == 0 && q.Q != "" && !q.fuzzy && utf8.RuneCountInString(q.Q) <= shortQuery && !ix.knowsWords(iq.terms) {
		return nil, false, nil // a word no offer has may be a typo: the retry runs in PostgreSQL
	}
	for _, fs := range res.Facets {
		sortFacets(fs)
	}
	s.searchCache.put(key, ix, version, s.now(), res)
	return copyResults(res), true, nil
}

// searchCacheTTL bounds how long a search's answer is reused while the
// published offers do not change: the "published since" counts move with
// the clock, by a second at most then.
const searchCacheTTL = time.Second

// searchCache keeps the answers of recent searches for one state of the
// search index: popular searches (the home page's, a common word) are
// computed once per change of the offers or per second.
type searchCache struct {
	mu      sync.Mutex
	index   *searchIndex
	version uint64
	answers map[string]cachedSearch
}

type cachedSearch struct {
	res *OfferResults
	at  time.Time
}

func (c *searchCache) get(key string, ix *searchIndex, version uint64, now time.Time) *OfferResults {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.answers[key]
	if !ok || c.index != ix || c.version != version || now.Sub(a.at) > searchCacheTTL || now.Before(a.at) {
		return nil
	}
	return copyResults(a.res)
}

func (c *searchCache) put(key string, ix *searchIndex, version uint64, now time.Time, res *OfferResults) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index != ix || c.version != version || len(c.answers) >= 1000 {
		c.index, c.version, c.answers = ix, version, map[string]cachedSearch{}
	}
	c.answers[key] = cachedSearch{res: res, at: now}
}

// copyResults gives each caller its own result and facet map (the slices
// inside are shared and read only).
func copyResults(r *OfferResults) *OfferResults {
	out := &OfferResults{Hits: r.Hits, Total: r.Total, Facets: make(map[string][]FacetCount, len(r.Facets))}
	for k, v := range r.Facets {
		out.Facets[k] = v
	}
	return out
}

// offerHits reads the page's offers, in the order of ids.
func (s *Store) offerHits(ctx context.Context, ids []int64) ([]OfferHit, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	st, err := s.searchHits.get(ctx, s.db, `SELECT coalesce(json_agg(x ORDER BY array_position($1::bigint[], x.id)), '[]') FROM (
		SELECT o.id, o.kind, o.title, o.organisation_name, ad.name AS administration_name, o.versant, o.workplace,
		       coalesce(o.locations->0->>'label', '') AS location_label, o.published_at
		FROM offers o JOIN administrations ad ON ad.id = o.administration_id WHERE o.id = ANY($1)) x`)
	if err != nil {
		return nil, wrap("SearchOffers hits", err)
	}
	var raw []byte
	if err := st.GetContext(ctx, &raw, pq.Array(ids)); err != nil {
		return nil, wrap("SearchOffers hits", err)
	}
	var hits []OfferHit
	return hits, wrap("SearchOffers hits", json.Unmarshal(raw, &hits))
}

// employerLabels turns the employer facet's administration ids into their
// slugs and names.
func (s *Store) employerLabels(ctx context.Context, facets map[string][]FacetCount) error {
	fs := facets["employeur"]
	if len(fs) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(fs))
	for _, f := range fs {
		id, _ := strconv.ParseInt(f.Value, 10, 64)
		ids = append(ids, id)
	}
	var adms []struct {
		ID   int64  `db:"id"`
		Slug string `db:"slug"`
		Name string `db:"name"`
	}
	st, err := s.searchEmployers.get(ctx, s.db, `SELECT id, slug, name FROM administrations WHERE id = ANY($1)`)
	if err != nil {
		return wrap("SearchOffers employers", err)
	}
	if err := st.SelectContext(ctx, &adms, pq.Array(ids)); err != nil {
		return wrap("SearchOffers employers", err)
	}
	byID := map[string][2]string{}
	for _, a := range adms {
		byID[strconv.FormatInt(a.ID, 10)] = [2]string{a.Slug, a.Name}
	}
	out := fs[:0]
	for _, f := range fs {
		if a, ok := byID[f.Value]; ok {
			out = append(out, FacetCount{Value: a[0], Label: a[1], Count: f.Count})
		}
	}
	facets["employeur"] = out
	return nil
}
