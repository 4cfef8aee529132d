package vivier_test

import (
	"context"
	"testing"

	"vivier"
	"vivier/migrations/dbtest"
)

// BenchmarkOfferChanges pages through the change feed of 20 000 offers
// (a third published, a third closed, a third archived), 100 at a time, at
// the start and near the end.
//
//	go test -run '^$' -bench BenchmarkOfferChanges -benchtime 50x .
func BenchmarkOfferChanges(b *testing.B) {
	ctx := context.Background()
	s := vivier.NewStore(dbtest.New(b))
	adm := &vivier.Administration{Slug: "a", Name: "a", Versant: vivier.VersantEtat}
	if err := s.UpsertAdministration(ctx, adm); err != nil {
		b.Fatal(err)
	}
	// Several transactions, as offers are written over time.
	for batch := 0; batch < 20; batch++ {
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO offers (administration_id, kind, status, reference, versant, title, published_at)
			SELECT $1, 'emploi', (ARRAY['published', 'closed', 'archived'])[n % 3 + 1], 'REF-' || $2::int || '-' || n, 'etat',
				'Offre ' || n, now() FROM generate_series(1, 1000) n`, adm.ID, batch); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.DB().ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
		b.Fatal(err)
	}
	var late vivier.ChangeCursor
	for cur, n := (vivier.ChangeCursor{}), 0; n < 190; n++ {
		_, next, _, err := s.OfferChangesAfter(ctx, cur, 100)
		if err != nil {
			b.Fatal(err)
		}
		cur, late = next, next
	}
	for name, from := range map[string]vivier.ChangeCursor{"first page": {}, "page 191": late} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				list, _, _, err := s.OfferChangesAfter(ctx, from, 100)
				if err != nil || len(list) == 0 {
					b.Fatalf("%d changes: %v", len(list), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/page")
		})
	}
}
