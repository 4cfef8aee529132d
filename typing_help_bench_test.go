package vivier_test

import (
	"context"
	"testing"

	"vivier"
	"vivier/migrations/dbtest"
)

// BenchmarkTypingHints is one keystroke of the typing help: métiers (2 000,
// trigram index), employers with published offers (200, 20 000 offers) and
// communes (34 969, prefix index), for short and longer prefixes.
//
//	go test -run '^$' -bench BenchmarkTypingHints .
func BenchmarkTypingHints(b *testing.B) {
	ctx := context.Background()
	s := vivier.NewStore(dbtest.New(b))
	if _, err := s.DB().ExecContext(ctx, `
		INSERT INTO metiers (code, domaine_code, label)
			SELECT 'M' || n, (SELECT code FROM domaines_fonctionnels ORDER BY code LIMIT 1),
				(ARRAY['Infirmier', 'Gestionnaire', 'Chargé de mission', 'Technicien', 'Juriste'])[n % 5 + 1] || ' spécialité ' || n
			FROM generate_series(1, 2000) n;
		WITH a AS (INSERT INTO administrations (slug, name, versant)
			SELECT 'adm-' || n, 'Ville de Commune ' || n, 'territoriale' FROM generate_series(1, 200) n RETURNING id)
		INSERT INTO offers (administration_id, kind, status, reference, versant, title)
			SELECT a.id, 'emploi', 'published', 'R-' || a.id || '-' || n, 'territoriale', 'Offre ' || n
			FROM a, generate_series(1, 100) n;
		ANALYZE`); err != nil {
		b.Fatal(err)
	}
	for _, typed := range []string{"sa", "saint-e", "infirm", "ville de c", "35000"} {
		b.Run(typed, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.TypingHints(ctx, typed, false, 6); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
