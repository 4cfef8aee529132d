package vivier

import (
	"context"
	"sync"
)

// RelatedOffers returns up to n other published offers: of the same
// domaine first, then of the same administration. Each branch reads an
// index in published order and stops at n+1 (the offer itself may be
// among them), so the cost does not grow with the number of offers.
//
// Every offer of a domaine and an administration shares the answer, so it
// is kept per (domaine, administration) for as long as the search index
// sees no change to the published offers: exact, and on most offer pages
// one cheap read of the change feed instead of this query.
func (s *Store) RelatedOffers(ctx context.Context, o *Offer, n int) ([]RelatedOffer, error) {
	ix, err := s.readySearchIndex(ctx)
	if err != nil {
		return nil, wrap("RelatedOffers", err)
	}
	key := relatedKey{adminID: o.AdministrationID, n: n}
	if o.DomaineCode != nil {
		key.domaine, key.hasDomaine = *o.DomaineCode, true
	}
	var version uint64
	if ix != nil {
		version = ix.changeCount()
		if list, ok := s.related.get(key, ix, version); ok {
			return withoutOffer(list, o.ID, n), nil
		}
	}
	var out []RelatedOffer
	err = s.db.SelectContext(ctx, &out, `
		WITH same_domaine AS (
			SELECT id, title, kind, administration_id, 1 AS rank, published_at FROM offers
			WHERE $1::text IS NOT NULL AND domaine_code = $1 AND status = 'published'
			ORDER BY published_at DESC LIMIT $3 + 1
		), same_administration AS (
			SELECT id, title, kind, administration_id, 2 AS rank, published_at FROM offers
			WHERE administration_id = $2 AND status = 'published'
			ORDER BY published_at DESC LIMIT $3 + 1
		), both_ AS (
			SELECT DISTINCT ON (id) * FROM (SELECT * FROM same_domaine UNION ALL SELECT * FROM same_administration) u ORDER BY id, rank
		)
		SELECT b.id, b.title, b.kind, a.name AS administration_name FROM both_ b JOIN administrations a ON a.id = b.administration_id
		ORDER BY b.rank, b.published_at DESC LIMIT 2 * ($3 + 1)`, o.DomaineCode, o.AdministrationID, n)
	if err != nil {
		return nil, wrap("RelatedOffers", err)
	}
	if ix != nil {
		s.related.put(key, ix, version, out)
	}
	return withoutOffer(out, o.ID, n), nil
}

// withoutOffer drops the offer itself and keeps n.
func withoutOffer(list []RelatedOffer, id int64, n int) []RelatedOffer {
	out := make([]RelatedOffer, 0, n)
	for _, r := range list {
		if r.ID != id && len(out) < n {
			out = append(out, r)
		}
	}
	return out
}

type relatedKey struct {
	domaine    string
	hasDomaine bool
	adminID    int64
	n          int
}

// relatedCache keeps related offers for one state of the search index.
type relatedCache struct {
	mu      sync.Mutex
	index   *searchIndex
	version uint64
	lists   map[relatedKey][]RelatedOffer
}

func (c *relatedCache) get(k relatedKey, ix *searchIndex, version uint64) ([]RelatedOffer, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index != ix || c.version != version {
		return nil, false
	}
	l, ok := c.lists[k]
	return l, ok
}

func (c *relatedCache) put(k relatedKey, ix *searchIndex, version uint64, l []RelatedOffer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.index != ix || c.version != version {
		c.index, c.version, c.lists = ix, version, map[relatedKey][]RelatedOffer{}
	}
	if len(c.lists) < 10000 {
		c.lists[k] = l
	}
}
