package dbtest

import (
	"database/sql"
	"fmt"
	"testing"
)

// EmptyURL returns the URL of a new database with no schema at all, dropped
// when the test ends: for the tests of the migrations themselves.
func EmptyURL(t testing.TB) string {
	t.Helper()
	server := ServerURL(t)
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	defer closeOrFail(t, admin)
	name := "vivier_test_empty_" + randomHex(6)
	if _, err := admin.Exec(fmt.Sprintf("CREATE DATABASE %s", name)); err != nil {
		t.Fatalf("dbtest: create %s: %v", name, err)
	}
	t.Cleanup(func() { dropDatabase(t, server, name) })
	return withDatabase(server, name)
}

// Empty is EmptyURL opened: a connection pool to a database with no schema,
// closed when the test ends.
func Empty(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", EmptyURL(t))
	if err != nil {
		t.Fatalf("dbtest: %v", err)
	}
	t.Cleanup(func() { closeOrFail(t, db) })
	return db
}
