package policies_test

import (
	"context"
	"testing"

	"vivier/policies"
)

// BenchmarkAllowed measures one authorization check of a role inherited
// from a parent administration (the path every back-office request takes).
func BenchmarkAllowed(b *testing.B) {
	w, _ := newWorldTB(b)
	e, err := policies.New(context.Background(), w.store.DB())
	if err != nil {
		b.Fatal(err)
	}
	p := perm(b, "agents:manage")
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := e.Allowed(w.admin.ID, w.dnum.ID, p); err != nil || !ok {
			b.Fatal("refused")
		}
	}
}
