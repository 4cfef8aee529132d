package vivier_test

import (
	"context"
	"testing"

	"vivier"
	"vivier/migrations/dbtest"
)

// BenchmarkOfferList lists, searches and sorts an administration of 5 000
// offers and 50 000 applications, beside another of the same size.
//
//	go test -run '^$' -bench BenchmarkOfferList -benchtime 20x .
func BenchmarkOfferList(b *testing.B) {
	ctx := context.Background()
	s := vivier.NewStore(dbtest.New(b))
	var admins []int64
	for _, slug := range []string{"a", "b"} {
		adm := &vivier.Administration{Slug: slug, Name: slug, Versant: vivier.VersantEtat}
		if err := s.UpsertAdministration(ctx, adm); err != nil {
			b.Fatal(err)
		}
		admins = append(admins, adm.ID)
	}
	for _, id := range admins {
		if _, err := s.DB().ExecContext(ctx, `
			WITH o AS (INSERT INTO offers (administration_id, kind, status, reference, versant, title, updated_at)
				SELECT $1, 'emploi', CASE WHEN n % 3 = 0 THEN 'published' ELSE 'closed' END, 'REF-' || n, 'etat',
					(ARRAY['Infirmier', 'Gestionnaire', 'Chargé de mission', 'Technicien'])[n % 4 + 1] || ' ' || n, now() - make_interval(mins => n)
				FROM generate_series(1, 5000) n RETURNING id),
			c AS (INSERT INTO candidates (email) SELECT 'c' || $1::bigint || '-' || n || '@exemple.fr' FROM generate_series(1, 50000) n RETURNING id),
			oc AS (SELECT o.id, row_number() OVER (ORDER BY o.id) AS r FROM o),
			cc AS (SELECT c.id, row_number() OVER (ORDER BY c.id) AS r FROM c)
			INSERT INTO applications (administration_id, offer_id, candidate_id, consent_at, idempotency_key, first_name, last_name)
			SELECT $1, oc.id, cc.id, now(), gen_random_uuid(), 'P', 'N' FROM cc JOIN oc ON oc.r = (cc.r % 5000) + 1`, id); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.DB().ExecContext(ctx, `VACUUM ANALYZE`); err != nil { // as autovacuum leaves a table at rest
		b.Fatal(err)
	}
	filters := map[string]vivier.OfferListFilter{
		"page 1":          {WithDirections: true},
		"page 60":         {WithDirections: true, Page: 60},
		"search":          {WithDirections: true, Query: "infirmier 42"},
		"reference":       {WithDirections: true, Query: "REF-4999"},
		"by title":        {WithDirections: true, Sort: vivier.OfferSortTitle},
		"by applications": {WithDirections: true, Sort: vivier.OfferSortApplications},
		"published":       {Status: vivier.OfferPublished, Query: "gestion"},
	}
	for name, f := range filters {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.OfferList(ctx, admins[0], f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/list")
		})
	}
}
