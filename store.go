package vivier

import (
	"time"

	"github.com/jmoiron/sqlx"
)

// Store persists the domain in PostgreSQL. Each public method owns its
// transaction; private helpers take the transaction they run in.
type Store struct {
	db       *sqlx.DB
	now      func() time.Time
	outbound OutboundPolicy // what tenants' addresses may be (outbound.go)
	// reservedSlugs are the slugs the routes use (see ReserveSlugs).
	reservedSlugs map[string]bool
	// search is the public search's in-memory index (search_index.go).
	search *searchIndexHolder
	// related caches related offers per state of the search index.
	related relatedCache
	// searchCache keeps recent searches' answers per state of the index.
	searchCache searchCache
	// vectors keeps the offers' embeddings read from offer_match.
	vectors vectorCache
	// The queries of every public page view, prepared once: the offer
	// page's, the search index's read of the changes, a search's words,
	// hits and employers.
	offerPage, searchSync, searchTerms, searchHits, searchEmployers prepared
}

// StoreOption sets what a store is given beyond its pool.
type StoreOption func(*Store)

// NewStore wraps an open pool.
func NewStore(db *sqlx.DB, opts ...StoreOption) *Store {
	s := &Store{db: db, now: time.Now, search: newSearchIndexHolder()}
	for _, o := range opts {
		o(s)
	}
	return s
}
