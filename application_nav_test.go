package vivier_test

import (
	"context"
	"testing"

	"vivier"
)

// Each application of a list knows its place and its neighbours in every
// order the list offers, ties included; one decided out of a filtered list
// keeps the neighbours it had; another administration places nothing.
func TestApplicationNav(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids := pipelineWorld(t, 7)
	offer := mustOfferOf(t, s, ids[0])
	// Names out of the ids' order, and two applications received at the
	// same instant, so that every order ends on its tie-breaker.
	for i, name := range []string{"Dupont", "achard", "Martin", "dupont", "Zola", "Bernard", "martin"} {
		if _, err := s.DB().ExecContext(ctx, `UPDATE applications SET last_name = $2, created_at = now() - make_interval(hours => $3)
			WHERE id = $1`, ids[i], name, []int{5, 4, 4, 3, 2, 1, 0}[i]); err != nil {
			t.Fatal(err)
		}
	}
	check := func(f vivier.PipelineFilter) {
		t.Helper()
		offer := offer
		rows, total, err := s.PipelineList(ctx, a.ID, offer, f)
		if f.Within != nil { // the administration's list, over its tree
			offer = 0
			var list []vivier.ApplicationListRow
			list, total, err = s.ApplicationList(ctx, a.ID, f)
			rows = rows[:0]
			for _, r := range list {
				rows = append(rows, r.PipelineRow)
			}
		}
		if err != nil || len(rows) == 0 {
			t.Fatalf("the list %+v: %d rows, %v", f, len(rows), err)
		}
		for i, r := range rows {
			nav, err := s.ApplicationNav(ctx, a.ID, offer, f, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := vivier.ApplicationNav{Position: i + 1, Total: total}
			if i > 0 {
				want.PrevID = rows[i-1].ID
			}
			if i < len(rows)-1 {
				want.NextID = rows[i+1].ID
			}
			if nav != want {
				t.Errorf("sort %q, row %d: %+v, want %+v", f.Sort, i, nav, want)
			}
		}
	}
	for _, sort := range []string{"", "anciennes", "nom"} {
		check(vivier.PipelineFilter{Sort: sort})
		check(vivier.PipelineFilter{Sort: sort, Query: "Camille"})
		check(vivier.PipelineFilter{Sort: sort, Within: []int64{a.ID}}) // a parent's list names its tree
	}

	newStep := stepNamed(t, s, a.ID, "Nouvelle")
	filter := vivier.PipelineFilter{StageID: newStep.ID, Sort: "anciennes"}
	rows, _, err := s.PipelineList(ctx, a.ID, offer, filter)
	if err != nil {
		t.Fatal(err)
	}
	decided := rows[2].ID
	if _, err := s.MoveApplication(ctx, a.ID, decided, vivier.Move{StageID: stepNamed(t, s, a.ID, "Entretien RH").ID}, vivier.Actor{Email: "rh@a.fr"}); err != nil {
		t.Fatal(err)
	}
	check(filter)
	nav, err := s.ApplicationNav(ctx, a.ID, offer, filter, decided)
	if err != nil {
		t.Fatal(err)
	}
	if want := (vivier.ApplicationNav{Total: 6, PrevID: rows[1].ID, NextID: rows[3].ID}); nav != want {
		t.Errorf("decided out of the list: %+v, want %+v", nav, want)
	}

	if nav, err := s.ApplicationNav(ctx, b.ID, offer, vivier.PipelineFilter{}, ids[0]); err != nil || nav != (vivier.ApplicationNav{}) {
		t.Errorf("another administration: %+v, %v", nav, err)
	}
}

// BenchmarkApplicationNav places an application in the middle of one
// offer's 50 000 applications, in each order and with a step filter: the
// application view does it on every opening from a list.
func BenchmarkApplicationNav(b *testing.B) {
	s, adminID, offerID, _, _ := seedPipeline(b, 50000)
	ctx := context.Background()
	// As autovacuum leaves a table in use: its visibility map set, so that
	// the counts read the indexes only.
	if _, err := s.DB().ExecContext(ctx, `VACUUM ANALYZE applications`); err != nil {
		b.Fatal(err)
	}
	var mid int64
	if err := s.DB().GetContext(ctx, &mid, `SELECT id FROM applications ORDER BY created_at DESC, id DESC OFFSET 25000 LIMIT 1`); err != nil {
		b.Fatal(err)
	}
	steps, err := s.Steps(ctx, adminID)
	if err != nil {
		b.Fatal(err)
	}
	for name, f := range map[string]vivier.PipelineFilter{
		"recentes": {}, "nom": {Sort: "nom"}, "step": {StageID: steps[0].ID}, "fulltext": {Query: "haies"},
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				nav, err := s.ApplicationNav(ctx, adminID, offerID, f, mid)
				if err != nil || nav.Total == 0 {
					b.Fatalf("%+v, %v", nav, err)
				}
			}
		})
	}
}
