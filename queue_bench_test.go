package vivier_test

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"vivier"
)

// BenchmarkApplicationListQueries times the store's part of a page of the
// administration's list and of "Ma file" with 20 000 applications, half of
// them a direction's: the parent's list, one direction's, and each kind of
// what waits.
func BenchmarkApplicationListQueries(b *testing.B) {
	s, adminID, _, agentID, _ := seedPipeline(b, 20000)
	ctx := context.Background()
	child := &vivier.Administration{Slug: "a-direction", Name: "Direction", Versant: vivier.VersantEtat, ParentID: &adminID}
	if err := s.UpsertAdministration(ctx, child); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE applications a SET administration_id = $2, stage_id = (SELECT c.id FROM pipeline_steps p
			JOIN pipeline_steps c ON c.administration_id = $2 AND c.position = p.position WHERE p.id = a.stage_id)
		 WHERE a.id % 2 = 0 AND a.administration_id = $1`,
		`UPDATE application_assignees SET administration_id = $2 WHERE application_id % 2 = 0 AND administration_id = $1`,
		`INSERT INTO application_messages (application_id, from_candidate, body) SELECT id, true, 'Bonjour' FROM applications WHERE id % 50 = 0`,
		`ANALYZE`,
	} {
		args := []any{adminID, child.ID}
		if q == `ANALYZE` || q[:6] == "INSERT" {
			args = nil
		}
		if _, err := s.DB().ExecContext(ctx, q, args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	within := []int64{adminID, child.ID}
	filters := map[string]vivier.PipelineFilter{
		"alone":     {Page: 1},
		"parent":    {Within: within, Page: 1},
		"parent100": {Within: within, Page: 100},
		"direction": {Within: within, Direction: child.ID, Page: 1},
		"byname":    {Within: within, Sort: "nom", Page: 20},
	}
	for _, k := range vivier.QueueKinds {
		filters[string(k)] = k.Filter(vivier.PipelineFilter{Within: within, Page: 1}, agentID)
	}
	if os.Getenv("QUEUE_EXPLAIN") != "" {
		for _, name := range []string{"due", "assigned", "parent"} {
			page, pageArgs, count, args := vivier.PipelineQueries(adminID, 0, filters[name])
			for _, q := range []struct {
				sql  string
				args []any
			}{{page, pageArgs}, {count, args}} {
				var plan []string
				if err := s.DB().SelectContext(ctx, &plan, "EXPLAIN (ANALYZE) "+q.sql, q.args...); err != nil {
					b.Fatal(err)
				}
				b.Log(name + ":\n" + strings.Join(plan, "\n"))
			}
		}
	}
	names := make([]string, 0, len(filters))
	for k := range filters {
		names = append(names, k)
	}
	sort.Strings(names)
	per := map[string][]time.Duration{}
	var all []time.Duration
	i := 0
	for b.Loop() {
		name := names[i%len(names)]
		start := time.Now()
		if _, _, err := s.ApplicationList(ctx, adminID, filters[name]); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		per[name], all = append(per[name], d), append(all, d)
		i++
	}
	pct := func(lat []time.Duration, q float64) float64 {
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000
	}
	for _, name := range names {
		if len(per[name]) > 0 {
			b.Logf("%-10s p50 %6.1f ms", name, pct(per[name], 0.5))
		}
	}
	b.ReportMetric(pct(all, 0.50), "p50-ms")
	b.ReportMetric(pct(all, 0.95), "p95-ms")
}
