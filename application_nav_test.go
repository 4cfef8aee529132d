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
		rows, total, err := s.PipelineList(ctx, a.ID, offer, f)
		if err != nil {
			t.Fatal(err)
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
