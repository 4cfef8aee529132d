package vivier

import "time"

// PipelineQueries exposes the list's SQL to the benchmark, which explains
// the plans.
func PipelineQueries(adminID, offerID int64, f PipelineFilter) (page string, pageArgs []any, count string, args []any) {
	q := pipelineQuery(adminID, offerID, f)
	return q.page, q.pageArgs, q.count, q.args
}

// SetClock makes the store read the time from now: a test moves the clock
// instead of waiting for time to pass.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// SearchIndexSlots is how many slots the loaded search index has, dead ones
// included (-1 before it is loaded).
func SearchIndexSlots(s *Store) int {
	if s.search.state.Load() != indexReady {
		return -1
	}
	ix := s.search.current.Load()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.ids)
}
