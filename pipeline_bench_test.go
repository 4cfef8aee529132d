package vivier_test

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"vivier"
	"vivier/migrations/dbtest"
)

// seedPipeline puts n applications on one offer straight in SQL (the apply
// path has its own benchmark): a CV text each, a quarter about hedges, and
// tags, ratings and assignments on some.
func seedPipeline(b *testing.B, n int) (s *vivier.Store, adminID, offerID, agentID, tagID int64) {
	b.Helper()
	ctx := context.Background()
	s = vivier.NewStore(dbtest.New(b))
	a := &vivier.Administration{Slug: "a", Name: "A", Versant: vivier.VersantEtat}
	if err := s.UpsertAdministration(ctx, a); err != nil {
		b.Fatal(err)
	}
	o := sampleOffer("BENCH-1")
	if err := s.CreateOffer(ctx, a.ID, o, vivier.Actor{}); err != nil {
		b.Fatal(err)
	}
	ag := &vivier.Agent{Email: "jury@a.fr", FirstName: "Jules", LastName: "Ury"}
	if err := s.UpsertAgent(ctx, ag); err != nil {
		b.Fatal(err)
	}
	if err := s.AssignRole(ctx, ag.ID, vivier.RoleMembreJury, vivier.AdministrationDomain(a.ID)); err != nil {
		b.Fatal(err)
	}
	A, O, J := a.ID, o.ID, ag.ID
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO candidates (email) SELECT 'c' || i || '@exemple.fr' FROM generate_series(1, $1::int) i`, []any{n}},
		{`INSERT INTO applications (administration_id, offer_id, candidate_id, source, answers, consent_at, idempotency_key, created_at,
			first_name, last_name)
		 SELECT $1, $2, c.id, (ARRAY['site_vivier', 'linkedin', 'apec', 'pole_emploi'])[1 + c.id % 4], '{"permis": "oui"}',
			now(), gen_random_uuid(), now() - c.id * interval '1 minute', 'Prénom' || split_part(c.email, '@', 1),
			'Nom' || lpad(substr(split_part(c.email, '@', 1), 2), 5, '0') FROM candidates c`, []any{A, O}},
		{`INSERT INTO application_files (application_id, kind, file_key, name, content_type, size, sha256, text)
		 SELECT a.id, 'cv', 'k' || a.id, 'cv.pdf', 'application/pdf', 1000, repeat('a', 64),
			(ARRAY['Jardinier paysagiste, taille des haies', 'Comptable public, marchés', 'Développeuse Go', 'Agent d''accueil'])[1 + a.id % 4]
		 FROM applications a`, nil},
		{`INSERT INTO tags (administration_id, label) VALUES ($1, 'À revoir')`, []any{A}},
		{`INSERT INTO application_tags (application_id, tag_id, administration_id)
		 SELECT a.id, t.id, $1 FROM applications a, tags t WHERE a.id % 10 = 0`, []any{A}},
		{`INSERT INTO application_assignees (application_id, agent_id, administration_id)
		 SELECT a.id, $2, $1 FROM applications a WHERE a.id % 20 = 0`, []any{A, J}},
		{`INSERT INTO application_ratings (application_id, agent_id, administration_id, score)
		 SELECT a.id, $2, $1, 1 + a.id % 4 FROM applications a WHERE a.id % 20 = 0`, []any{A, J}},
		{`ANALYZE`, nil},
	} {
		if _, err := s.DB().ExecContext(ctx, q.sql, q.args...); err != nil {
			b.Fatalf("%s: %v", q.sql, err)
		}
	}
	tags, err := s.Tags(ctx, a.ID)
	if err != nil {
		b.Fatal(err)
	}
	return s, a.ID, o.ID, ag.ID, tags[0].ID
}

// BenchmarkPipelineListQueries times the store's part of a page of the
// per-offer list with 10 000 applications: the pages the HTTP benchmark
// opens, and the collaboration filters.
func BenchmarkPipelineListQueries(b *testing.B) {
	s, adminID, offerID, agentID, tagID := seedPipeline(b, 10000)
	ctx := context.Background()
	steps, err := s.Steps(ctx, adminID)
	if err != nil {
		b.Fatal(err)
	}
	filters := map[string]vivier.PipelineFilter{
		"first":     {Page: 1},
		"page150":   {Page: 150},
		"step":      {StageID: steps[0].ID, Page: 1},
		"source":    {Source: "linkedin", Page: 1},
		"fulltext":  {Query: "haies", Page: 1},
		"name20":    {Sort: "nom", Page: 20},
		"tag":       {TagID: tagID, Page: 1},
		"assignee":  {AssigneeID: agentID, Page: 1},
		"rating3":   {MinRating: 3, Page: 1},
		"unrated":   {Unrated: true, Page: 1},
		"juryscope": {Scope: vivier.Scope{AssignedTo: agentID}, Page: 1},
	}
	names := make([]string, 0, len(filters))
	for k := range filters {
		names = append(names, k)
	}
	sort.Strings(names)
	// PIPELINE_EXPLAIN=file writes the plans of every query there.
	if out := os.Getenv("PIPELINE_EXPLAIN"); out != "" {
		var plans []string
		for _, name := range names {
			page, pageArgs, count, args := vivier.PipelineQueries(adminID, offerID, filters[name])
			for _, q := range []struct {
				sql  string
				args []any
			}{{page, pageArgs}, {count, args}} {
				var plan []string
				if err := s.DB().SelectContext(ctx, &plan, "EXPLAIN (ANALYZE, BUFFERS) "+q.sql, q.args...); err != nil {
					b.Fatal(err)
				}
				plans = append(plans, name+":\n"+strings.Join(plan, "\n"))
			}
		}
		if err := os.WriteFile(out, []byte(strings.Join(plans, "\n\n")), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	per := map[string][]time.Duration{}
	var all []time.Duration
	i := 0
	for b.Loop() {
		name := names[i%len(names)]
		start := time.Now()
		if _, _, err := s.PipelineList(ctx, adminID, offerID, filters[name]); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		per[name] = append(per[name], d)
		all = append(all, d)
		i++
	}
	pct := func(lat []time.Duration, q float64) float64 {
		sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
		return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000
	}
	for _, name := range names {
		if len(per[name]) == 0 {
			continue // a short run (-benchtime 1x) reaches only the first filters
		}
		b.Logf("%-10s p50 %6.1f ms", name, pct(per[name], 0.5))
	}
	b.ReportMetric(pct(all, 0.50), "p50-ms")
	b.ReportMetric(pct(all, 0.95), "p95-ms")
}
