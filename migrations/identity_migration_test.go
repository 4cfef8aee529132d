package migrations_test

import (
	"context"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/pressly/goose/v3"

	"vivier/migrations"
	"vivier/migrations/dbtest"
)

// identityMigration is the migration that moved the identity from the
// candidate (one per address) to each application.
const identityMigration = 21

type sentIdentity struct {
	App       int64  `db:"app"`
	Civility  string `db:"civility"`
	FirstName string `db:"first_name"`
	LastName  string `db:"last_name"`
	Phone     string `db:"phone"`
}

// TestIdentityMigrationKeepsWhatRecruitersSaw fills a database at the
// version before the migration with data shaped like the demo's (two
// administrations, 350 applications, addresses that applied several times
// and to both, applications anonymised by retention, erased candidates),
// notes what each application's recruiters saw, migrates, and checks that
// every application says the same; then goes back down.
func TestIdentityMigrationKeepsWhatRecruitersSaw(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	raw := dbtest.Empty(t)
	db := sqlx.NewDb(raw, "postgres")
	p, err := goose.NewProvider(goose.DialectPostgres, raw, migrations.FS())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(ctx, identityMigration-1); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO administrations (slug, name, versant) VALUES ('ministere-demo', 'Ministère démo', 'etat'),
			('ville-demo', 'Ville démo', 'territoriale')`,
		`INSERT INTO candidates (email, civility, first_name, last_name, phone)
			SELECT 'c' || g || '@exemple.fr', (ARRAY['', 'madame', 'monsieur'])[1 + g % 3],
				(ARRAY['Camille', 'Inès', 'Hugo', 'Léa', 'Mohamed'])[1 + g % 5], 'Nom' || g,
				CASE WHEN g % 4 = 0 THEN '' ELSE '+3361234' || lpad(g::text, 4, '0') END
			FROM generate_series(1, 120) g`,
		// Erased candidates: no address, no identity (EraseCandidate).
		`UPDATE candidates SET email = NULL, civility = '', first_name = '', last_name = '', phone = '', erased_at = now()
			WHERE id % 17 = 0`,
		`INSERT INTO applications (administration_id, candidate_id, category, consent_at, idempotency_key, created_at)
			SELECT 1 + g % 2, 1 + g % 120,
				CASE WHEN (1 + g % 120) % 17 = 0 THEN 'anonymisee'
				     ELSE (ARRAY['nouvelle', 'en_cours', 'acceptee', 'refusee', 'retiree', 'anonymisee', 'en_cours'])[1 + g % 7] END,
				now(), gen_random_uuid(), now() - g * interval '1 hour'
			FROM generate_series(1, 350) g`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	var saw []sentIdentity
	if err := db.SelectContext(ctx, &saw, `SELECT a.id AS app, c.civility, c.first_name, c.last_name, c.phone
		FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.category <> 'anonymisee' ORDER BY a.id`); err != nil {
		t.Fatal(err)
	}
	if len(saw) < 250 {
		t.Fatalf("only %d applications to check", len(saw))
	}

	if _, err := p.UpTo(ctx, identityMigration); err != nil {
		t.Fatal(err)
	}
	var now []sentIdentity
	if err := db.SelectContext(ctx, &now, `SELECT a.id AS app, a.civility, a.first_name, a.last_name, a.phone
		FROM applications a WHERE a.category <> 'anonymisee' ORDER BY a.id`); err != nil {
		t.Fatal(err)
	}
	if len(now) != len(saw) {
		t.Fatalf("%d applications after, %d before", len(now), len(saw))
	}
	for i := range saw {
		if now[i] != saw[i] {
			t.Errorf("application %d: recruiters saw %+v, it now says %+v", saw[i].App, saw[i], now[i])
		}
	}
	var anonymised int
	if err := db.GetContext(ctx, &anonymised, `SELECT count(*) FROM applications WHERE category = 'anonymisee'
		AND (first_name <> '' OR last_name <> '' OR phone <> '' OR civility <> '')`); err != nil || anonymised != 0 {
		t.Errorf("%d anonymised applications got an identity (%v)", anonymised, err)
	}
	var cols int
	if err := db.GetContext(ctx, &cols, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'candidates'
		AND column_name IN ('civility', 'first_name', 'last_name', 'phone')`); err != nil || cols != 0 {
		t.Errorf("candidates still hold %d identity columns (%v)", cols, err)
	}

	// Down: one identity per address again, the latest application's (an
	// address left with anonymised applications only has none to get back).
	if _, err := p.DownTo(ctx, identityMigration-1); err != nil {
		t.Fatal(err)
	}
	var wrong int
	if err := db.GetContext(ctx, &wrong, `SELECT count(*) FROM candidates c WHERE c.last_name <> 'Nom' || c.id
		AND EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = c.id AND a.category <> 'anonymisee')`); err != nil || wrong != 0 {
		t.Errorf("%d candidates lost their name going down (%v)", wrong, err)
	}
}
