// Package dbtest gives tests a real, freshly migrated PostgreSQL database.
//
// It departs from "one database per package, truncated between tests": the
// schema is migrated once per run into a template database (named after a hash
// of the migration files), and each test gets its own copy of it, dropped when
// the test ends. A copy costs a few milliseconds, and tests may then run in
// parallel with no shared rows and no truncation order to get right.
//
// The server comes from TEST_DATABASE_URL (a role with CREATEDB, connected to a
// maintenance database such as "postgres"); `make test` starts one and sets it.
// Without it the test fails: a test never skips for lack of its database.
package dbtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"vivier/migrations"
)

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// ServerURL returns TEST_DATABASE_URL or fails the test.
func ServerURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("TEST_DATABASE_URL")
	if u == "" {
		t.Fatal("TEST_DATABASE_URL is not set: run the tests with `make test`, which starts PostgreSQL")
	}
	return u
}

// New returns a connection pool to a new database holding the current schema
// and no rows. The database is dropped when the test ends.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	dsn := NewURL(t)
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	// As vivier.OpenDB does: database/sql keeps 2 idle connections by
	// default, and a worker's ten tasks would open a new one per query.
	db.SetMaxIdleConns(10)
	t.Cleanup(func() { closeOrFail(t, db) })
	return db
}

// NewURL is New for code that opens its own connections (the whole program
// started by cmd/vivier's Main): it returns the new database's URL.
func NewURL(t testing.TB) string {
	t.Helper()
	server := ServerURL(t)
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(server) })
	if templateErr != nil {
		t.Fatalf("dbtest: template database: %v", templateErr)
	}
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	defer closeOrFail(t, admin)

	name := "vivier_test_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := createFromTemplate(ctx, admin, name, templateName); err != nil {
		t.Fatalf("dbtest: create %s: %v", name, err)
	}
	t.Cleanup(func() { dropDatabase(t, server, name) })
	return withDatabase(server, name)
}

// closeOrFail closes c, failing the test if that fails.
func closeOrFail(t testing.TB, c io.Closer) {
	t.Helper()
	if err := c.Close(); err != nil {
		t.Errorf("dbtest: close: %v", err)
	}
}

// closeInto closes c, and keeps its error in *err unless *err holds one
// already: for a deferred close in a function that returns an error.
func closeInto(err *error, c io.Closer) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = cerr
	}
}

// createFromTemplate retries while another session is still connected to the
// template (PostgreSQL refuses to copy a database in use).
func createFromTemplate(ctx context.Context, admin *sql.DB, name, tpl string) error {
	var err error
	for i := 0; i < 50; i++ {
		_, err = admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, tpl))
		if err == nil || !strings.Contains(err.Error(), "being accessed by other users") {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

func dropDatabase(t testing.TB, server, name string) {
	t.Helper()
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Errorf("dbtest: %v", err)
		return
	}
	defer closeOrFail(t, admin)
	// FORCE ends the test's own connections, but not a backend of another
	// role, such as an autovacuum worker busy on a database a benchmark has
	// just filled: that refusal (insufficient_privilege) passes within
	// moments, so the drop is tried again for a while.
	for try := 0; ; try++ {
		_, err := admin.Exec(fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
		var pqErr *pq.Error
		if err == nil {
			return
		}
		if !errors.As(err, &pqErr) || pqErr.Code != "42501" || try == 50 {
			t.Errorf("dbtest: drop %s: %v", name, err)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// ensureTemplate creates and migrates the template database once for this
// set of migration files; concurrent test binaries wait on an advisory lock.
func ensureTemplate(server string) (_ string, err error) {
	hash, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "vivier_tpl_" + hash
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	admin, err := sql.Open("postgres", server)
	if err != nil {
		return "", err
	}
	defer closeInto(&err, admin)
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer closeInto(&err, conn)
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(727274)"); err != nil {
		return "", err
	}
	defer func() {
		if _, uerr := conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(727274)"); uerr != nil && err == nil {
			err = uerr
		}
	}()

	var ready bool
	err = conn.QueryRowContext(ctx, "SELECT datistemplate FROM pg_database WHERE datname = $1", name).Scan(&ready)
	if err == nil && ready {
		return name, nil
	}
	if err != nil && err != sql.ErrNoRows {
		return "", err
	}
	// A half-made template (a crash mid-migration) is started again.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s", name)); err != nil {
		return "", err
	}
	db, err := sql.Open("postgres", withDatabase(server, name))
	if err != nil {
		return "", err
	}
	_, err = migrations.Up(ctx, db)
	closeInto(&err, db)
	if err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s WITH is_template true", name)); err != nil {
		return "", err
	}
	return name, nil
}

func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS(), path)
		if err != nil {
			return err
		}
		h.Write(fmt.Appendf(nil, "%s\x00%d\x00", path, len(b)))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

func withDatabase(server, name string) string {
	u, err := url.Parse(server)
	if err != nil {
		return server
	}
	u.Path = "/" + name
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
