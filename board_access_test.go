package vivier_test

import (
	"context"
	"testing"

	"vivier"
)

func TestBoardIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newBoardWorld(t)
	s, board := w.s, w.board.ID
	other := w.agents["other"]
	otherAct := act(other)
	// An application of the other administration.
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ob := openOffer(t, s, w.b.ID, "B-1")
	sub := submission(t, "b@exemple.fr")
	if err := sub.Validate(ob); err != nil {
		t.Fatal(err)
	}
	appB, _, err := s.Apply(ctx, sub, ob, files)
	if err != nil {
		t.Fatal(err)
	}
	snapshot := func() string {
		var out string
		if err := s.DB().QueryRowContext(ctx, `SELECT concat_ws(' ',
			(SELECT count(*) FROM selection_boards), (SELECT count(*) FROM board_members), (SELECT count(*) FROM board_criteria),
			(SELECT count(*) FROM board_applications), (SELECT count(*) FROM board_marks), (SELECT count(*) FROM board_conflicts),
			(SELECT count(*) FROM board_list_entries), (SELECT max(updated_at)::text FROM selection_boards))`).Scan(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	before := snapshot()
	g := map[int64]float64{w.grid[0].ID: 10}
	notFound := map[string]error{
		"CreateBoard": func() error {
			_, err := s.CreateBoard(ctx, w.b.ID, mustOfferOf(t, s, w.apps[0]), vivier.BoardJury, "Jury", 20, otherAct)
			return err
		}(),
		"BoardByID": func() error { _, err := s.BoardByID(ctx, w.b.ID, board); return err }(),
		"BoardForMember": func() error {
			_, _, err := s.BoardForMember(ctx, w.b.ID, board, other.ID)
			return err
		}(),
		"BoardForMember, non-member": func() error {
			_, _, err := s.BoardForMember(ctx, w.a.ID, board, other.ID)
			return err
		}(),
		"Settings": s.UpdateBoardSettings(ctx, w.b.ID, board, vivier.BoardSettings{Name: "X", ScaleMax: 10, TieRule: vivier.TieBySpread}, otherAct),
		"Criteria": func() error {
			_, err := s.SetBoardCriteria(ctx, w.b.ID, board, []vivier.CriterionInput{{Label: "X", Weight: 1}}, otherAct)
			return err
		}(),
		"AddBoardMember": func() error {
			_, err := s.AddBoardMember(ctx, w.b.ID, board, other.ID, "", "", otherAct)
			return err
		}(),
		"RemoveBoardMember": s.RemoveBoardMember(ctx, w.b.ID, board, w.members[1].ID, otherAct),
		"SetPresident":      s.SetPresident(ctx, w.b.ID, board, w.members[1].ID, otherAct),
		"AssignToBoard": func() error {
			_, err := s.AssignToBoard(ctx, w.b.ID, board, []int64{appB.ID}, otherAct)
			return err
		}(),
		"SaveMarks":             s.SaveMarks(ctx, w.b.ID, board, other.ID, w.apps[0], g, "", otherAct),
		"SaveMarks, non-member": s.SaveMarks(ctx, w.a.ID, board, other.ID, w.apps[0], g, "", otherAct),
		"DeclareConflict":       s.DeclareConflict(ctx, w.a.ID, board, other.ID, w.apps[0], "", otherAct),
		"MarkingSheet": func() error {
			_, err := s.MarkingSheet(ctx, w.b.ID, board, other.ID)
			return err
		}(),
		"CloseMarking": s.CloseMarking(ctx, w.b.ID, board, other.ID, otherAct),
		"Arrest":       s.Arrest(ctx, w.a.ID, board, other.ID, otherAct),
		"BoardResults": func() error {
			_, err := s.BoardResults(ctx, w.b.ID, board, vivier.BoardViewer{Manager: true})
			return err
		}(),
		"BoardApplicants": func() error { _, err := s.BoardApplicants(ctx, w.b.ID, board); return err }(),
		"BoardMembers":    func() error { _, err := s.BoardMembers(ctx, w.b.ID, board); return err }(),
	}
	for name, err := range notFound {
		if vivier.ErrorCode(err) != vivier.ENOTFOUND {
			t.Errorf("%s from the other administration: %v", name, err)
		}
	}
	if boards, err := s.BoardsOfOffer(ctx, w.b.ID, w.board.OfferID); err != nil || len(boards) != 0 {
		t.Errorf("boards of another administration's offer: %v %v", boards, err)
	}
	// Within the administration, an agent of the other one cannot be
	// seated, and its applications are skipped, named.
	if _, err := s.AddBoardMember(ctx, w.a.ID, board, other.ID, "", "", w.manager); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("seating an agent of another administration: %v", err)
	}
	res, err := s.AssignToBoard(ctx, w.a.ID, board, []int64{appB.ID}, w.manager)
	if err != nil || len(res.Assigned) != 0 || !equalIDs(res.Skipped, appB.ID) {
		t.Errorf("assigning another administration's application: %+v %v", res, err)
	}
	if after := snapshot(); after != before {
		t.Errorf("the other administration changed something: %s → %s", before, after)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM audit_log WHERE agent_email = $1`, other.Email); n != 0 {
		t.Errorf("%d audit entries by the other administration's agent", n)
	}
}

func TestBoardMarksStayPrivateUntilClosing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newBoardWorld(t)
	s, adm, board := w.s, w.a.ID, w.board.ID
	presID, pres := w.member(0)
	m2ID, _ := w.member(1)
	w.mark(t, 0, 0, 17, 13, 11)
	w.mark(t, 1, 0, 9, 8, 7)
	w.mark(t, 1, 1, 9, 8, 7)
	if err := s.DeclareConflict(ctx, adm, board, m2ID, w.apps[2], "", act(w.agents["m2"])); err != nil {
		t.Fatal(err)
	}
	progress, err := s.MarkingProgress(ctx, adm, board)
	if err != nil || len(progress) != 3 || progress[0].Marked != 1 || progress[1].Marked != 2 || progress[1].Conflicts != 1 || progress[2].Marked != 0 {
		t.Errorf("progress %+v %v", progress, err)
	}
	cands, err := s.BoardCandidates(ctx, adm, board)
	if err != nil || len(cands) != 12 || !cands[11].Assigned || cands[11].Applicant.Pseudonym != "Candidat·e 12" || cands[0].Step != "Nouvelle" {
		t.Errorf("candidates %+v %v", cands, err)
	}
	if _, err := s.SetBoardCriteria(ctx, adm, board, []vivier.CriterionInput{{Label: "Autre", Weight: 1}}, w.manager); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("the grid changed after marking: %v", err)
	}
	sheet, err := s.MarkingSheet(ctx, adm, board, m2ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sheet.Rows) != 12 || sheet.Rows[0].Applicant.ApplicationID != w.apps[0] || sheet.Rows[0].Applicant.Pseudonym != "Candidat·e 1" ||
		sheet.Rows[0].Applicant.Name != "Camille Martin" || !sheet.Rows[0].Complete(sheet.Criteria) || sheet.Rows[3].Complete(sheet.Criteria) ||
		!sheet.Rows[2].Conflict || sheet.Rows[0].Comment != "Dossier solide." {
		t.Fatalf("sheet %+v", sheet.Rows[:2])
	}
	for id, v := range sheet.Rows[0].Scores {
		if v != map[int64]float64{w.grid[0].ID: 9, w.grid[1].ID: 8, w.grid[2].ID: 7}[id] {
			t.Errorf("the second member's sheet shows %v for criterion %d", v, id)
		}
	}
	for _, v := range []vivier.BoardViewer{{AgentID: m2ID}, {AgentID: presID}, {Manager: true}} {
		if _, err := s.BoardResults(ctx, adm, board, v); vivier.ErrorCode(err) != vivier.ECONFLICT {
			t.Errorf("results before the closing for %+v: %v", v, err)
		}
		if _, err := s.BoardMinutes(ctx, adm, board, v); vivier.ErrorCode(err) != vivier.ECONFLICT {
			t.Errorf("minutes before the closing for %+v: %v", v, err)
		}
	}
	if _, err := s.MarkingSheet(ctx, adm, board, w.agents["outsider"].ID); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("an agent off the board read a sheet: %v", err)
	}
	if err := s.CloseMarking(ctx, adm, board, presID, pres); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BoardResults(ctx, adm, board, vivier.BoardViewer{AgentID: w.agents["outsider"].ID}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("an agent off the board read the results: %v", err)
	}
	if _, err := s.AssignToBoard(ctx, adm, board, w.apps[:1], w.manager); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("assigning after the closing: %v", err)
	}
	if err := s.SetTieRule(ctx, adm, board, m2ID, vivier.TieBySpread, nil, act(w.agents["m2"])); vivier.ErrorCode(err) != vivier.EFORBIDDEN {
		t.Errorf("a member who is not the president chose the tie rule: %v", err)
	}
	if err := s.SetTieRule(ctx, adm, board, presID, vivier.TieByCriterion, &w.grid[2].ID, pres); err != nil {
		t.Fatal(err)
	}
	res, err := s.BoardResults(ctx, adm, board, vivier.BoardViewer{AgentID: m2ID})
	if err != nil {
		t.Fatal(err)
	}
	if res.Board.TieRule != vivier.TieByCriterion || *res.Board.TieCriterionID != w.grid[2].ID {
		t.Errorf("tie rule %s %v", res.Board.TieRule, res.Board.TieCriterionID)
	}
	// 17×2 + 13 + 11 = 58 → 14.5; 9×2 + 8 + 7 = 33 → 8.25.
	r := res.Rows[0]
	if p, ok := r.TotalOf(w.members[0].ID); r.ApplicationID != w.apps[0] || !ok || p != 14.5 || r.Mean != 11.375 || r.Spread != 6.25 || r.Markers != 2 {
		t.Errorf("after the closing: %+v", r)
	}
	if last := res.Rows[len(res.Rows)-1]; last.Rank != 0 || last.Markers != 0 {
		t.Errorf("an unmarked application is ranked: %+v", last)
	}
}
