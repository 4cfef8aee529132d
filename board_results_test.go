package vivier_test

import (
	"testing"
	"time"

	"vivier"
)

func TestComputeResultsTieRules(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2026, 3, d, 9, 0, 0, 0, time.UTC) }
	in := vivier.ResultInput{
		Board:    vivier.SelectionBoard{ScaleMax: 20, TieRule: vivier.TieByAppliedAt},
		Criteria: []vivier.BoardCriterion{{ID: 1, Weight: 3}, {ID: 2, Weight: 1}},
		Members:  []vivier.BoardMember{{ID: 10}, {ID: 20}},
		// Application 7 arrived before 5: equal means, 7 first.
		Applications: []vivier.ResultApplication{{ID: 5, AppliedAt: day(2)}, {ID: 7, AppliedAt: day(1)}, {ID: 9, AppliedAt: day(3)}},
	}
	add := func(member, app int64, c1, c2 float64) {
		in.Marks = append(in.Marks, vivier.BoardMark{MemberID: member, ApplicationID: app, CriterionID: 1, Score: c1},
			vivier.BoardMark{MemberID: member, ApplicationID: app, CriterionID: 2, Score: c2})
	}
	add(10, 5, 12, 8)  // (36 + 8) / 4 = 11
	add(20, 5, 12, 8)  // 11
	add(10, 7, 10, 14) // (30 + 14) / 4 = 11
	add(20, 7, 14, 2)  // (42 + 2) / 4 = 11
	// Member 20 marked only one criterion of 9: their sheet does not count.
	add(10, 9, 20, 20)
	in.Marks = append(in.Marks, vivier.BoardMark{MemberID: 20, ApplicationID: 9, CriterionID: 1, Score: 0})
	got := vivier.ComputeResults(in)
	if got[0].ApplicationID != 9 || got[0].Mean != 20 || got[0].Markers != 1 || got[1].ApplicationID != 7 || got[2].ApplicationID != 5 {
		t.Fatalf("applied_at rule: %+v", got)
	}
	in.Board.TieRule = vivier.TieBySpread
	if got = vivier.ComputeResults(in); got[1].ApplicationID != 5 || got[1].Spread != 0 || got[2].Spread != 0 {
		t.Fatalf("spread rule: %+v", got)
	}
	in.Board.TieRule = vivier.TieByCriterion
	in.Board.TieCriterionID = ptr[int64](2) // 5: mean 8, 7: mean 8 → the id decides
	if got = vivier.ComputeResults(in); got[1].ApplicationID != 5 || !got[1].Tied || got[0].Tied {
		t.Fatalf("criterion rule, equal: %+v", got)
	}
	p, c := vivier.ProposeLists(got, false, 1, 5)
	if !equalIDs(p, 9) || !equalIDs(c, 5, 7) {
		t.Errorf("proposed lists %v %v", p, c)
	}
	if m := vivier.FrenchMark(12.5); m != "12,50" {
		t.Errorf("FrenchMark %q", m)
	}
}
