package vivier_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"vivier"
	"vivier/migrations/dbtest"
)

// BenchmarkStatistics computes the statistics page's figures over an
// administration with 100 000 applications in a year (each with two to
// four events), beside another with 20 000. With STATS_EXPLAIN=1 it first
// prints the plan of each query of the page (EXPLAIN ANALYZE, BUFFERS).
//
//	go test -run '^$' -bench BenchmarkStatistics -benchtime 10x .
func BenchmarkStatistics(b *testing.B) {
	ctx := context.Background()
	s := vivier.NewStore(dbtest.New(b))
	adminID := loadStatsBench(b, s)
	now := time.Now()
	for _, period := range []struct {
		name string
		days int
	}{{"90days", 90}, {"365days", 366}} {
		b.Run(period.name, func(b *testing.B) {
			f := vivier.StatsFilter{AdministrationID: adminID, WithChildren: true, From: now.AddDate(0, 0, -period.days), To: now}
			if os.Getenv("STATS_EXPLAIN") != "" {
				plans, err := vivier.ExplainStatistics(ctx, s, f)
				if err != nil {
					b.Fatal(err)
				}
				for _, p := range plans {
					b.Logf("%s, %s:\n%s", period.name, p.Name, p.Plan)
				}
			}
			var received int
			start := time.Now()
			for b.Loop() {
				st, err := s.Statistics(ctx, f)
				if err != nil {
					b.Fatal(err)
				}
				received = st.Received
			}
			b.ReportMetric(float64(time.Since(start).Milliseconds())/float64(b.N), "ms/page")
			b.ReportMetric(float64(received), "applications")
		})
	}
}

// loadStatsBench fills the store with the benchmark's two administrations
// and returns the id of the big one.
func loadStatsBench(tb testing.TB, s *vivier.Store) int64 {
	ctx := context.Background()
	a := &vivier.Administration{Slug: "a", Name: "A", Versant: vivier.VersantEtat}
	other := &vivier.Administration{Slug: "b", Name: "B", Versant: vivier.VersantEtat}
	for _, adm := range []*vivier.Administration{a, other} {
		if err := s.UpsertAdministration(ctx, adm); err != nil {
			tb.Fatal(err)
		}
		for i := range 20 {
			o := sampleOffer(fmt.Sprintf("BENCH-%s-%d", adm.Slug, i))
			if err := s.CreateOffer(ctx, adm.ID, o, vivier.Actor{Email: "b@b"}); err != nil {
				tb.Fatal(err)
			}
			if err := s.MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{Email: "b@b"}); err != nil {
				tb.Fatal(err)
			}
		}
	}
	load := func(adminID int64, n int) {
		for _, q := range []string{
			`INSERT INTO candidates (email)
				SELECT 'c' || $1::bigint::text || '-' || g || '@exemple.fr' FROM generate_series(1, $2) g`,
			// Every fifth application is spontaneous; the rest go round the offers.
			`INSERT INTO applications (administration_id, offer_id, candidate_id, source, consent_at, idempotency_key, created_at)
				SELECT $1::bigint, CASE WHEN g % 5 = 0 THEN NULL ELSE o.ids[1 + g % array_length(o.ids, 1)] END, c.id,
					(ARRAY['linkedin', 'site_vivier', 'salon', ''])[1 + g % 4], now(), gen_random_uuid(),
					now() - (g % 365) * interval '1 day' - (g % 24) * interval '1 hour'
				FROM generate_series(1, $2) g
				JOIN candidates c ON c.email = 'c' || $1::bigint::text || '-' || g || '@exemple.fr'
				CROSS JOIN (SELECT array_agg(id) AS ids FROM offers WHERE administration_id = $1) o`,
			`INSERT INTO application_events (application_id, at, actor, to_category)
				SELECT id, created_at, 'candidat·e', 'nouvelle' FROM applications WHERE administration_id = $1 AND $2 > 0`,
			// Then one to three moves along the steps, a few days apart.
			`WITH st AS (SELECT array_agg(id ORDER BY position) AS ids, array_agg(category ORDER BY position) AS cats,
					array_agg(name ORDER BY position) AS names FROM pipeline_steps WHERE administration_id = $1)
			INSERT INTO application_events (application_id, at, actor, from_category, to_category, step, stage_id)
				SELECT a.id, a.created_at + k * 3 * interval '1 day', 'rh@a.fr', st.cats[k], st.cats[k + 1], st.names[k + 1], st.ids[k + 1]
				FROM applications a CROSS JOIN st CROSS JOIN generate_series(1, 3) k
				WHERE a.administration_id = $1 AND k <= 1 + a.id % 3 AND $2 > 0`,
			`UPDATE applications a SET stage_id = e.stage_id, category = e.to_category
				FROM (SELECT DISTINCT ON (application_id) application_id, stage_id, to_category FROM application_events
					WHERE stage_id IS NOT NULL ORDER BY application_id, at DESC) e
				WHERE e.application_id = a.id AND a.administration_id = $1 AND $2 > 0`,
		} {
			if _, err := s.DB().ExecContext(ctx, q, adminID, n); err != nil {
				tb.Fatal(err)
			}
		}
	}
	load(a.ID, 100_000)
	load(other.ID, 20_000)
	if _, err := s.DB().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		tb.Fatal(err)
	}
	return a.ID
}
