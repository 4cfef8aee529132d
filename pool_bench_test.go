package vivier_test

import (
	"context"
	"testing"

	"vivier"
	"vivier/migrations/dbtest"
)

// BenchmarkTalentPool searches a pool of 5 000 candidates (half with a CV
// about hedges) among 20 000 applications of four administrations.
//
//	go test -run '^$' -bench BenchmarkTalentPool -benchtime 50x .
func BenchmarkTalentPool(b *testing.B) {
	ctx := context.Background()
	s := vivier.NewStore(dbtest.New(b))
	var admins []int64
	for _, slug := range []string{"a", "b", "c", "d"} {
		adm := &vivier.Administration{Slug: slug, Name: slug, Versant: vivier.VersantEtat}
		if err := s.UpsertAdministration(ctx, adm); err != nil {
			b.Fatal(err)
		}
		admins = append(admins, adm.ID)
	}
	for i, id := range admins {
		if _, err := s.DB().ExecContext(ctx, `
			WITH c AS (INSERT INTO candidates (email)
				SELECT 'c' || $2::int || '-' || n || '@exemple.fr' FROM generate_series(1, 5000) n RETURNING id),
			a AS (INSERT INTO applications (administration_id, candidate_id, consent_at, talent_pool_at, idempotency_key, first_name, last_name)
				SELECT $1, id, now(), CASE WHEN $2::int = 0 THEN now() END, gen_random_uuid(), 'Prénom' || id, 'Nom' || id FROM c RETURNING id)
			INSERT INTO application_files (application_id, kind, file_key, name, content_type, size, sha256, text)
			SELECT id, 'cv', 'k/' || id, 'cv.pdf', 'application/pdf', 1, md5(id::text) || md5(id::text),
				CASE WHEN id % 2 = 0 THEN 'Jardinier paysagiste, taille des haies' ELSE 'Comptable public' END FROM a`, id, i); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.DB().ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, q := range []string{"", "haies", "Nom42"} {
			if _, _, err := s.TalentPool(ctx, admins[0], q, 1); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/3, "ms/search")
}
