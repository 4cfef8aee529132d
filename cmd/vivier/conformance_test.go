package main

import (
	"context"
	"strings"
	"testing"
)

// TestFooterSaysTheDeclaredConformance: the footer of every page says the
// RGAA state of the platform's accessibility statement, "non conforme" until
// one is declared.
func TestFooterSaysTheDeclaredConformance(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", nil)
	ctx := context.Background()
	if _, page := get(t, newClient(t), p.URL+"/offres"); !strings.Contains(page, "Accessibilité\u00a0: non conforme") {
		t.Fatal("the footer does not say « non conforme » before any statement")
	}
	p.Store().DB().MustExec(`UPDATE legal_pages SET conformance = 'partielle', conformance_rate = 72`)
	x := newConformance(p.Store())
	if got := x.current(ctx); got != "partiellement conforme" {
		t.Fatalf("after the statement, the footer would say %q", got)
	}
}
