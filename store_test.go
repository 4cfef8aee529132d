package vivier_test

import (
	"testing"

	"vivier"
	"vivier/migrations/dbtest"
)

func newStore(t *testing.T) *vivier.Store {
	t.Helper()
	return vivier.NewStore(dbtest.New(t))
}

func ptr[T any](v T) *T { return &v }
