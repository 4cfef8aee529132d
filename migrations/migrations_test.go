package migrations_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	_ "github.com/lib/pq"

	"vivier/migrations"
	"vivier/migrations/dbtest"
)

func TestUpFromEmpty(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.Empty(t)

	// A database goose has never seen must not read as up to date.
	if n, err := migrations.Pending(ctx, db); err == nil && n == 0 {
		t.Fatal("an empty database reports no pending migration")
	}
	applied, err := migrations.Up(ctx, db)
	if err != nil {
		t.Fatalf("Up: %v", err)
	}
	if applied == 0 {
		t.Fatal("Up applied nothing on an empty database")
	}
	if n, err := migrations.Pending(ctx, db); err != nil || n != 0 {
		t.Fatalf("Pending after Up = %d, %v; want 0", n, err)
	}
	for _, table := range []string{"administrations", "agents", "outbox", "sent_emails", "casbin_rules", "http_sessions"} {
		var exists bool
		if err := db.QueryRow(`SELECT to_regclass($1) IS NOT NULL`, table).Scan(&exists); err != nil || !exists {
			t.Errorf("table %s missing after Up (%v)", table, err)
		}
	}
	for _, ext := range []string{"citext", "unaccent", "pg_trgm"} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM pg_extension WHERE extname = $1`, ext).Scan(&n); err != nil || n != 1 {
			t.Errorf("extension %s missing after Up", ext)
		}
	}
	again, err := migrations.Up(ctx, db)
	if err != nil || again != 0 {
		t.Fatalf("second Up = %d, %v; want 0, nil", again, err)
	}
	var out strings.Builder
	if err := migrations.Status(ctx, db, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "00001_foundation.sql") || strings.Contains(out.String(), "en attente") {
		t.Fatalf("Status:\n%s", out.String())
	}
}

func TestConcurrentUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtest.EmptyURL(t)
	errs := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() {
			db, err := sql.Open("postgres", url)
			if err != nil {
				errs <- err
				return
			}
			_, err = migrations.Up(ctx, db)
			if cerr := db.Close(); err == nil {
				err = cerr
			}
			errs <- err
		}()
	}
	for i := 0; i < 3; i++ {
		if err := <-errs; err != nil {
			t.Errorf("instances migrating at once: %v", err)
		}
	}
}
