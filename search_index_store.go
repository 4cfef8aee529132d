package vivier

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

// Search index states.
const (
	indexEmpty int32 = iota
	indexLoading
	indexReady
)

// searchIndexHolder is the store's part of the index: the current index,
// its state, and the lock that orders reads of the change feed.
type searchIndexHolder struct {
	state    atomic.Int32
	current  atomic.Pointer[searchIndex]
	syncMu   chan struct{} // a one-slot lock that a context can give up on
	syncedAt atomic.Int64  // Unix ns when the last feed read began
	disabled bool
}

func newSearchIndexHolder() *searchIndexHolder {
	return &searchIndexHolder{syncMu: make(chan struct{}, 1)}
}

// DisableSearchIndex keeps the store's searches in PostgreSQL: a process
// that searches rarely (the worker, for job alerts) need not hold the index
// in memory. Call it before the first search.
func (s *Store) DisableSearchIndex() { s.search.disabled = true }

// feedMaxAge is how long the change feed keeps its rows; an index that has
// not read it for half that loads everything again.
const feedMaxAge = 24 * time.Hour

// LoadSearchIndex loads the published offers into a new index and makes it
// the current one; `vivier serve` calls it at start, in the background
// (searches run in PostgreSQL meanwhile). A store that searches before
// loads it then, in the search.
func (s *Store) LoadSearchIndex(ctx context.Context) error {
	if s.search.disabled || !s.search.state.CompareAndSwap(indexEmpty, indexLoading) {
		return nil
	}
	return s.reloadSearchIndex(ctx)
}

// reloadSearchIndex builds an index while searches go on with the old one
// or with PostgreSQL; the caller set the state to indexLoading.
func (s *Store) reloadSearchIndex(ctx context.Context) error {
	ix, err := s.buildSearchIndex(ctx)
	if err != nil {
		s.search.state.Store(indexEmpty)
		return wrap("LoadSearchIndex", err)
	}
	s.search.current.Store(ix)
	s.search.state.Store(indexReady)
	return nil
}

const indexColumns = `o.id, coalesce((extract(epoch FROM o.published_at) * 1000000)::bigint, 0) AS published, o.kind, o.versant,
	o.categories, o.region_codes, o.departement_codes, coalesce(o.domaine_code, '') AS domaine, o.contract_type,
	o.experience, CASE WHEN o.management THEN 'oui' WHEN NOT o.management THEN 'non' ELSE '' END AS management,
	o.administration_id, o.workplace, o.open_to_internal, o.search::text AS search`

type indexRow struct {
	ID         int64          `db:"id"`
	Published  int64          `db:"published"`
	Kind       string         `db:"kind"`
	Versant    string         `db:"versant"`
	Categories pq.StringArray `db:"categories"`
	Regions    pq.StringArray `db:"region_codes"`
	Deps       pq.StringArray `db:"departement_codes"`
	Domaine    string         `db:"domaine"`
	Contract   string         `db:"contract_type"`
	Experience string         `db:"experience"`
	Management string         `db:"management"`
	AdminID    int64          `db:"administration_id"`
	Workplace  string         `db:"workplace"`
	Internal   bool           `db:"open_to_internal"`
	SearchText string         `db:"search"`
}

func (r *indexRow) offer() indexedOffer {
	v := map[string][]string{"type": {r.Kind}, "versant": {r.Versant}, "categorie": r.Categories, "region": r.Regions,
		"departement": r.Deps, "employeur": {strconv.FormatInt(r.AdminID, 10)}, "workplace": {r.Workplace}}
	if r.Internal {
		v["mobilite"] = []string{"oui"}
	}
	for name, val := range map[string]string{"domaine": r.Domaine, "contrat": r.Contract, "experience": r.Experience, "management": r.Management} {
		if val != "" {
			v[name] = []string{val}
		}
	}
	return indexedOffer{ID: r.ID, PublishedAt: r.Published, Values: v, Search: r.SearchText}
}

// buildSearchIndex reads every published offer in one snapshot, whose xmin
// becomes the index's frontier in the change feed.
func (s *Store) buildSearchIndex(ctx context.Context) (*searchIndex, error) {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer rollback(tx)
	ix := newSearchIndex()
	var xmin string
	if err := tx.GetContext(ctx, &xmin, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text`); err != nil {
		return nil, err
	}
	if ix.frontier, err = strconv.ParseUint(xmin, 10, 64); err != nil {
		return nil, err
	}
	rows, err := tx.QueryxContext(ctx, `SELECT `+indexColumns+` FROM offers o WHERE o.status = 'published'`)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }() // rows.Err says how the reading went
	var r indexRow
	for rows.Next() {
		if err := rows.StructScan(&r); err != nil {
			return nil, err
		}
		if err := ix.put(r.offer()); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The changes this snapshot shows are in the rows just read: the feed's
	// first read must not apply them again. A transaction running anywhere
	// in the cluster holds the frontier back, and applying thousands of
	// changes twice left as many dead slots: the index then judged itself
	// stale and loaded everything again, over and over.
	var held []struct {
		Seq int64  `db:"seq"`
		Xid string `db:"xid"`
	}
	if err := tx.SelectContext(ctx, &held, `SELECT seq, xid::text AS xid FROM search_changes WHERE xid >= $1::text::xid8`, xmin); err != nil {
		return nil, err
	}
	for _, c := range held {
		xid, err := strconv.ParseUint(c.Xid, 10, 64)
		if err != nil {
			return nil, err
		}
		ix.seen[c.Seq] = xid
	}
	ix.loadedAt = time.Now()
	return ix, tx.Commit()
}

// readySearchIndex returns the index brought up to date with every change
// committed before this call, or nil when searches must run in PostgreSQL
// (disabled, or being loaded by another caller).
func (s *Store) readySearchIndex(ctx context.Context) (*searchIndex, error) {
	h := s.search
	if h.disabled {
		return nil, nil
	}
	if h.state.CompareAndSwap(indexEmpty, indexLoading) {
		if err := s.reloadSearchIndex(ctx); err != nil {
			return nil, err
		}
	}
	if h.state.Load() != indexReady {
		return nil, nil
	}
	began := time.Now().UnixNano()
	select {
	case h.syncMu <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-h.syncMu }()
	ix := h.current.Load()
	if h.syncedAt.Load() > began {
		return ix, nil // a read of the feed that began after this call covered it
	}
	h.syncedAt.Store(time.Now().UnixNano())
	reload, err := s.syncSearchIndex(ctx, ix)
	if err != nil {
		return nil, wrap("SearchOffers index", err)
	}
	if reload && h.state.CompareAndSwap(indexReady, indexLoading) {
		// Searches run in PostgreSQL while the new index loads (a minute
		// at a million offers): none waits for it.
		go func() {
			if err := s.reloadSearchIndex(context.WithoutCancel(ctx)); err != nil {
				h.state.Store(indexEmpty) // the next search tries again
			}
		}()
		return nil, nil
	}
	return ix, nil
}

// syncSearchIndex applies the change feed's rows past the index's frontier;
// true asks for a full load (a TRUNCATE, a feed read too long ago, too many
// dead slots).
func (s *Store) syncSearchIndex(ctx context.Context, ix *searchIndex) (bool, error) {
	if time.Since(ix.loadedAt) > feedMaxAge/2 || ix.stale() {
		return true, nil
	}
	// One statement, one snapshot: its xmin is the new frontier. The rows
	// of the changed offers are read after it, in a later snapshot, which
	// shows them as they are now or newer; a newer change has an xid past
	// that xmin and is read again at the next search.
	var feed struct {
		Xmin    string `db:"xmin"`
		Changes []byte `db:"changes"`
	}
	st, err := s.searchSync.get(ctx, s.db, `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
		coalesce((SELECT json_agg(json_build_array(seq, offer_id, xid::text)) FROM search_changes
			WHERE xid >= $1::text::xid8), '[]') AS changes`)
	if err != nil {
		return false, err
	}
	if err := st.GetContext(ctx, &feed, strconv.FormatUint(ix.frontier, 10)); err != nil {
		return false, err
	}
	var changes [][3]any
	if err := json.Unmarshal(feed.Changes, &changes); err != nil {
		return false, err
	}
	xmin, err := strconv.ParseUint(feed.Xmin, 10, 64)
	if err != nil {
		return false, err
	}
	var ids []int64
	applied := map[int64]uint64{}
	for _, c := range changes {
		seq, id := int64(c[0].(float64)), int64(c[1].(float64))
		xid, err := strconv.ParseUint(fmt.Sprint(c[2]), 10, 64)
		if err != nil {
			return false, err
		}
		if _, done := ix.seen[seq]; done {
			continue
		}
		if id == 0 {
			return true, nil
		}
		ids, applied[seq] = append(ids, id), xid
	}
	var rows []indexRow
	if len(ids) > 0 {
		if err := s.db.SelectContext(ctx, &rows, `SELECT `+indexColumns+` FROM offers o
			WHERE o.id = ANY($1) AND o.status = 'published'`, pq.Array(ids)); err != nil {
			return false, err
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if len(ids) > 0 {
		ix.changes++
	}
	for _, id := range ids {
		ix.remove(id)
	}
	for i := range rows {
		if err := ix.put(rows[i].offer()); err != nil {
			return false, err
		}
	}
	for seq, xid := range applied {
		ix.seen[seq] = xid
	}
	ix.frontier = max(ix.frontier, xmin)
	for seq, xid := range ix.seen {
		if xid < ix.frontier {
			delete(ix.seen, seq)
		}
	}
	ix.loadedAt = time.Now()
	return false, nil
}

// PurgeSearchChanges deletes the change feed's rows past their age (the
// hourly maintenance).
func (s *Store) PurgeSearchChanges(ctx context.Context) (int64, error) {
	r, err := s.db.ExecContext(ctx, `DELETE FROM search_changes WHERE at < now() - $1 * interval '1 second'`, feedMaxAge.Seconds())
	if err != nil {
		return 0, wrap("PurgeSearchChanges", err)
	}
	n, _ := r.RowsAffected()
	return n, nil
}

// SearchIndexSize is how many offers the in-memory index holds, -1 before
// it is loaded (tests and metrics).
func (s *Store) SearchIndexSize() int {
	if s.search.state.Load() != indexReady {
		return -1
	}
	ix := s.search.current.Load()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return int(ix.live.GetCardinality())
}
