package main

import "testing"

// scalar returns the one value that the query q selects from the program's
// database, and fails the test if the query fails.
func scalar[T any](t testing.TB, p *program, q string, args ...any) T {
	t.Helper()
	var v T
	if err := p.Store().DB().Get(&v, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// count is scalar for a count.
func count(t testing.TB, p *program, q string, args ...any) int {
	t.Helper()
	return scalar[int](t, p, q, args...)
}
