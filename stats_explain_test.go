package vivier

import (
	"context"
	"strings"
)

// StatsPlan is the plan of one query of the statistics page.
type StatsPlan struct {
	Name, Plan string
}

// ExplainStatistics runs each query of the statistics page under EXPLAIN
// (ANALYZE, BUFFERS), for BenchmarkStatistics to show where the time goes.
func ExplainStatistics(ctx context.Context, s *Store, f StatsFilter) ([]StatsPlan, error) {
	if f.ScopeID == 0 {
		f.ScopeID = f.AdministrationID
	}
	tx, err := s.statsTx(ctx)
	if err != nil {
		return nil, err
	}
	defer rollback(tx)
	var out []StatsPlan
	for _, q := range statsQueries(f, s.now(), &Stats{}, &[]statsKeyCount{}, &[]equalityCounts{}) {
		var lines []string
		if err := tx.SelectContext(ctx, &lines, "EXPLAIN (ANALYZE, BUFFERS) "+q.sql, q.args...); err != nil {
			return nil, wrap("ExplainStatistics "+q.name, err)
		}
		out = append(out, StatsPlan{Name: q.name, Plan: strings.Join(lines, "\n")})
	}
	return out, nil
}
