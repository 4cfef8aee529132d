package policies_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"testing"

	"vivier/policies"
)

// TestAllListsEveryConstant keeps All complete: a constant left out of it
// would escape the start-up check against policy.csv.
func TestAllListsEveryConstant(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "permission.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			for _, n := range s.(*ast.ValueSpec).Names {
				declared = append(declared, n.Name)
			}
		}
	}
	if len(declared) == 0 {
		t.Fatal("no permission constant found in permission.go")
	}
	all := policies.All()
	if len(all) != len(declared) {
		t.Errorf("All lists %d permissions, permission.go declares %d: %v", len(all), len(declared), declared)
	}
	for i, p := range all {
		if _, err := policies.ParsePermission(string(p)); err != nil {
			t.Error(err)
		}
		if slices.Contains(all[:i], p) {
			t.Errorf("%s is listed twice", p)
		}
	}
}

func TestEveryConstantIsGranted(t *testing.T) {
	t.Parallel()
	w, _ := newWorld(t)
	e, err := policies.New(context.Background(), w.store.DB())
	if err != nil {
		t.Fatal(err)
	}
	if u := e.Unknown(); len(u) > 0 {
		t.Errorf("granted to no role in policy.csv: %v", u)
	}
	if !e.Known(policies.OffersPublish) || e.Known(policies.Permission("offers:publsh")) {
		t.Error("Known does not tell policy.csv's permissions from others")
	}
}
