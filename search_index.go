package vivier

import (
	"container/heap"
	"strconv"
	"sync"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
)

// searchIndex holds the published offers' filter values and words in
// memory, as roaring bitmaps of slots, so that a search counts every match
// and every filter value exactly in a few milliseconds at a million offers,
// where PostgreSQL reads each match's row from the heap (55 000 pages for a
// common word). PostgreSQL stays the source of truth: the index is loaded
// from it, and before each search it applies the changes that triggers log
// in search_changes (search_index_store.go), so a search sees every change
// committed before it began.
//
// A slot is never reused: a changed offer gets a new one and its old slot
// leaves live; the dead ones stay in the bitmaps (ANDed away) until the next
// full load, which SearchOffers starts when they reach a quarter of the
// slots.
type searchIndex struct {
	mu        sync.RWMutex
	ids       []int64 // by slot
	published []int64 // by slot, Unix microseconds
	slotOf    map[int64]uint32
	live      *roaring.Bitmap
	facets    map[string]map[string]*roaring.Bitmap // filter name → value → slots
	words     map[string]*roaring.Bitmap            // lexeme → slots
	title     map[string]*roaring.Bitmap            // lexeme → slots with it in the title (weight A)
	employer  map[string]*roaring.Bitmap            // lexeme → slots with it in the employer (weight B)
	// Each slot's filter values as codes (valueOf, names), flat: slot s has
	// codes[starts[s]:starts[s+1]]. A search with few matches counts them
	// from here, cheaper than intersecting every value's bitmap.
	codes   []uint32
	starts  []uint32
	valueOf map[[2]string]uint32
	names   [][2]string // code → filter name, value

	// What the loader and the change feed share (guarded by mu too).
	frontier uint64           // every change of a transaction below this xid is applied
	seen     map[int64]uint64 // changes above the frontier already applied: seq → xid
	loadedAt time.Time        // when the change feed was last read
	changes  uint64           // how many times the feed changed the index
}

// changeCount tells whether the index changed between two reads.
func (ix *searchIndex) changeCount() uint64 {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.changes
}

func newSearchIndex() *searchIndex {
	return &searchIndex{slotOf: map[int64]uint32{}, live: roaring.New(), facets: map[string]map[string]*roaring.Bitmap{},
		words: map[string]*roaring.Bitmap{}, title: map[string]*roaring.Bitmap{}, employer: map[string]*roaring.Bitmap{},
		seen: map[int64]uint64{}, starts: []uint32{0}, valueOf: map[[2]string]uint32{}}
}

// indexedOffer is what the index keeps of a published offer.
type indexedOffer struct {
	ID          int64
	PublishedAt int64
	Values      map[string][]string // filter name → values
	Search      string              // the tsvector's text form
}

func addSlot(m map[string]*roaring.Bitmap, key string, slot uint32) {
	b := m[key]
	if b == nil {
		b = roaring.New()
		m[key] = b
	}
	b.Add(slot)
}

// remove takes an offer out (unpublished, deleted, or before its new
// version); the caller holds mu.
func (ix *searchIndex) remove(id int64) {
	if slot, ok := ix.slotOf[id]; ok {
		ix.live.Remove(slot)
		delete(ix.slotOf, id)
	}
}

// put adds or replaces an offer; the caller holds mu.
func (ix *searchIndex) put(o indexedOffer) error {
	ix.remove(o.ID)
	slot := uint32(len(ix.ids))
	ix.ids = append(ix.ids, o.ID)
	ix.published = append(ix.published, o.PublishedAt)
	ix.slotOf[o.ID] = slot
	for name, values := range o.Values {
		m := ix.facets[name]
		if m == nil {
			m = map[string]*roaring.Bitmap{}
			ix.facets[name] = m
		}
		for _, v := range values {
			addSlot(m, v, slot)
			key := [2]string{name, v}
			code, ok := ix.valueOf[key]
			if !ok {
				code = uint32(len(ix.names))
				ix.valueOf[key] = code
				ix.names = append(ix.names, key)
			}
			ix.codes = append(ix.codes, code)
		}
	}
	ix.starts = append(ix.starts, uint32(len(ix.codes)))
	err := lexemeWeights(o.Search, func(lex string, w int) {
		addSlot(ix.words, lex, slot)
		if w&weightA != 0 {
			addSlot(ix.title, lex, slot)
		}
		if w&weightB != 0 {
			addSlot(ix.employer, lex, slot)
		}
	})
	ix.live.Add(slot)
	return err
}

// stale tells that dead slots are a quarter of all: time for a full load.
func (ix *searchIndex) stale() bool {
	return len(ix.ids) > 1000 && uint64(len(ix.ids)) > ix.live.GetCardinality()*4/3
}

// indexQuery is a search in terms of the index.
type indexQuery struct {
	terms       *tsNode             // nil: no keyword
	filters     map[string][]string // filter name → the one value asked (ANDed)
	after       int64               // published strictly after (Unix µs), or 0
	notBefore   int64               // published at or after, or 0
	until       int64               // published at or before, or 0
	byDate      bool
	offset, max int
	now         time.Time
}

// indexResult is the page's offer ids in order, the total and the counts.
type indexResult struct {
	ids    []int64
	total  int
	facets map[string][]FacetCount
}

// knowsWords reports whether each word a match must contain is in some
// published offer. A search that finds nothing although its words are
// known is answered from the index: PostgreSQL's retry compares the query
// with titles by trigrams, which at a million offers takes seconds, and
// would then only find other forms of a known word under the same filters
// ("sportif" for "sport"), which a search with results does not show either.
func (ix *searchIndex) knowsWords(terms *tsNode) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	for _, lex := range terms.positives(nil) {
		if b := ix.words[lex]; b == nil || !b.Intersects(ix.live) {
			return false
		}
	}
	return true
}

// search runs q; facet values are counted over every match.
func (ix *searchIndex) search(q indexQuery) indexResult {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	m := ix.live.Clone()
	if q.terms != nil {
		m.And(q.terms.eval(ix.words, ix.live))
	}
	for name, values := range q.filters {
		for _, v := range values {
			b := ix.facets[name][v]
			if b == nil {
				m.Clear()
				break
			}
			m.And(b)
		}
	}
	if q.after != 0 || q.notBefore != 0 || q.until != 0 {
		out := roaring.New()
		it := m.Iterator()
		for it.HasNext() {
			s := it.Next()
			p := ix.published[s]
			if (q.after == 0 || p > q.after) && (q.notBefore == 0 || p >= q.notBefore) && (q.until == 0 || p <= q.until) {
				out.Add(s)
			}
		}
		m = out
	}
	res := indexResult{total: int(m.GetCardinality()), facets: ix.facetCounts(m)}
	res.facets["depuis"] = ix.sinceCounts(m, q.now)
	res.ids = ix.top(m, q)
	return res
}

// filterOnly are the filters whose values are not counted: télétravail and
// internal mobility are ticked, not chosen among values.
var filterOnly = map[string]bool{"workplace": true, "mobilite": true}

// facetCounts counts each filter value among the matches m: from the
// slots' codes when the matches are few (an eighth of the offers or less),
// by intersecting each value's bitmap with m otherwise.
func (ix *searchIndex) facetCounts(m *roaring.Bitmap) map[string][]FacetCount {
	out := map[string][]FacetCount{}
	emit := func(name, value string, n int) {
		if n > 0 && !filterOnly[name] {
			out[name] = append(out[name], FacetCount{Value: value, Count: n})
		}
	}
	if m.GetCardinality()*8 <= ix.live.GetCardinality() {
		counts := make([]int, len(ix.names))
		it := m.Iterator()
		for it.HasNext() {
			s := it.Next()
			for _, c := range ix.codes[ix.starts[s]:ix.starts[s+1]] {
				counts[c]++
			}
		}
		for c, n := range counts {
			emit(ix.names[c][0], ix.names[c][1], n)
		}
		return out
	}
	for name, values := range ix.facets {
		for v, b := range values {
			emit(name, v, int(m.AndCardinality(b)))
		}
	}
	return out
}

// sinceCounts counts the matches published within 1, 7 and 30 days.
func (ix *searchIndex) sinceCounts(m *roaring.Bitmap, now time.Time) []FacetCount {
	var out []FacetCount
	var n [3]int
	days := SinceDays()
	limits := make([]int64, len(days))
	for i, d := range days {
		limits[i] = now.Add(-time.Duration(d) * 24 * time.Hour).UnixMicro()
	}
	it := m.Iterator()
	for it.HasNext() {
		p := ix.published[it.Next()]
		for i := range limits {
			if p >= limits[i] {
				n[i]++
			}
		}
	}
	for i, d := range days {
		out = append(out, FacetCount{Value: strconv.Itoa(d), Count: n[i]})
	}
	return out
}

// ranked is a match with its score, for the page's selection.
type ranked struct {
	score     float32
	published int64
	id        int64
}

// before orders by score, then most recent, then highest id.
func (a ranked) before(b ranked) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.published != b.published {
		return a.published > b.published
	}
	return a.id > b.id
}

// worstFirst is a heap whose root is the match that would be last.
type worstFirst []ranked

func (h worstFirst) Len() int           { return len(h) }
func (h worstFirst) Less(i, j int) bool { return h[j].before(h[i]) }
func (h worstFirst) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *worstFirst) Push(x any)        { *h = append(*h, x.(ranked)) }
func (h *worstFirst) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// top selects the page: each match scores, per word of the query, 1 when
// the word is in its title, 0.4 in its employer's name, 0.2 elsewhere (the
// weights of ts_rank), so relevance covers every match.
func (ix *searchIndex) top(m *roaring.Bitmap, q indexQuery) []int64 {
	keep := q.offset + q.max
	if keep <= 0 || m.IsEmpty() {
		return nil
	}
	var titles, employers []*roaring.Bitmap
	if q.terms != nil && !q.byDate {
		for _, lex := range q.terms.positives(nil) {
			titles, employers = append(titles, ix.title[lex]), append(employers, ix.employer[lex])
		}
	}
	h := make(worstFirst, 0, min(keep, int(m.GetCardinality())))
	it := m.Iterator()
	for it.HasNext() {
		s := it.Next()
		r := ranked{published: ix.published[s], id: ix.ids[s]}
		for i := range titles {
			switch {
			case titles[i] != nil && titles[i].Contains(s):
				r.score += 1
			case employers[i] != nil && employers[i].Contains(s):
				r.score += 0.4
			default:
				r.score += 0.2
			}
		}
		if len(h) < keep {
			heap.Push(&h, r)
		} else if r.before(h[0]) {
			h[0] = r
			heap.Fix(&h, 0)
		}
	}
	out := make([]int64, len(h))
	for i := len(h) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&h).(ranked).id
	}
	if q.offset >= len(out) {
		return nil
	}
	return out[q.offset:]
}
