package vivier_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/lib/pq"

	"vivier"
)

type boardWorld struct {
	s       *vivier.Store
	a, b    *vivier.Administration
	apps    []int64
	board   *vivier.SelectionBoard
	grid    []vivier.BoardCriterion
	members []*vivier.BoardMember // president, second member, outside member
	agents  map[string]*vivier.Agent
	manager vivier.Actor
}

// newBoardWorld makes a commission of 3 members (the president and a second
// member are agents; the third is invited by email and accepts), a grid of
// three criteria weighted 2, 1, 1 on a scale of 20, and 12 applications.
func newBoardWorld(t *testing.T) *boardWorld {
	t.Helper()
	ctx := context.Background()
	s, a, b, ids := pipelineWorld(t, 12)
	w := &boardWorld{s: s, a: a, b: b, apps: ids, agents: map[string]*vivier.Agent{}}
	for _, x := range []struct {
		key, email string
		role       vivier.Role
		adm        int64
	}{
		{"rh", "rh@a.fr", vivier.RoleRecruteur, a.ID},
		{"pres", "presidente@a.fr", vivier.RoleLecteur, a.ID},
		{"m2", "membre@a.fr", vivier.RoleRecruteur, a.ID},
		{"outsider", "autre@a.fr", vivier.RoleLecteur, a.ID},
		{"other", "rh@b.fr", vivier.RoleAdmin, b.ID},
	} {
		ag := &vivier.Agent{Email: x.email, FirstName: "Prénom", LastName: strings.ToUpper(x.key)}
		if err := s.UpsertAgent(ctx, ag); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignRole(ctx, ag.ID, x.role, vivier.AdministrationDomain(x.adm)); err != nil {
			t.Fatal(err)
		}
		w.agents[x.key] = ag
	}
	w.manager = act(w.agents["rh"])
	offerID := mustOfferOf(t, s, ids[0])
	board, err := s.CreateBoard(ctx, a.ID, offerID, vivier.BoardCommission, "Commission de sélection", 20, w.manager)
	if err != nil {
		t.Fatal(err)
	}
	w.board = board
	if w.grid, err = s.SetBoardCriteria(ctx, a.ID, board.ID, []vivier.CriterionInput{
		{Label: "Connaissances", Weight: 2}, {Label: "Motivation", Weight: 1}, {Label: "Expression", Weight: 1},
	}, w.manager); err != nil || len(w.grid) != 3 {
		t.Fatal(w.grid, err)
	}
	for _, key := range []string{"pres", "m2"} {
		m, err := s.AddBoardMember(ctx, a.ID, board.ID, w.agents[key].ID, "", "", w.manager)
		if err != nil {
			t.Fatal(err)
		}
		w.members = append(w.members, m)
	}
	ext, err := s.AddBoardMember(ctx, a.ID, board.ID, 0, " Externe@Exemple.fr ", "Eva Terne", w.manager)
	if err != nil || ext.AgentID != nil || ext.Email != "externe@exemple.fr" {
		t.Fatalf("outside member %+v, %v", ext, err)
	}
	var invID int64
	if err := s.DB().QueryRowContext(ctx, `SELECT id FROM agent_invitations WHERE administration_id = $1 AND email = $2 AND role = 'membre_jury'`,
		a.ID, "externe@exemple.fr").Scan(&invID); err != nil {
		t.Fatalf("no membre_jury invitation: %v", err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1 AND (payload->>'invitation_id')::bigint = $2`,
		vivier.TaskAgentInvitationEmail, invID); n != 1 {
		t.Fatalf("%d invitation emails for the outside member", n)
	}
	if err := s.SetInvitationToken(ctx, invID, vivier.HashToken("jeton-du-jury")); err != nil {
		t.Fatal(err)
	}
	eva, err := s.AcceptInvitation(ctx, "jeton-du-jury", "Eva", "Terne", "une phrase de passe du jury", "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	w.agents["m3"] = eva
	_, ext, err = s.BoardForMember(ctx, a.ID, board.ID, eva.ID)
	if err != nil || ext.AgentID == nil || *ext.AgentID != eva.ID {
		t.Fatalf("the accepted invitation did not link the seat: %+v, %v", ext, err)
	}
	w.members = append(w.members, ext)
	if err := s.SetPresident(ctx, a.ID, board.ID, w.members[0].ID, w.manager); err != nil {
		t.Fatal(err)
	}
	res, err := s.AssignToBoard(ctx, a.ID, board.ID, ids, w.manager)
	if err != nil || len(res.Assigned) != 12 || len(res.Skipped) != 0 {
		t.Fatal(res, err)
	}
	return w
}

func (w *boardWorld) member(i int) (int64, vivier.Actor) {
	ag := w.agents[[]string{"pres", "m2", "m3"}[i]]
	return ag.ID, act(ag)
}

// mark saves one member's three marks of one application.
func (w *boardWorld) mark(t *testing.T, member, app int, c1, c2, c3 float64) {
	t.Helper()
	id, actor := w.member(member)
	scores := map[int64]float64{w.grid[0].ID: c1, w.grid[1].ID: c2, w.grid[2].ID: c3}
	if err := w.s.SaveMarks(context.Background(), w.a.ID, w.board.ID, id, w.apps[app], scores, "Dossier solide.", actor); err != nil {
		t.Fatalf("member %d, application %d: %v", member, app, err)
	}
}

// boardMarks are the members' marks (Connaissances ×2, Motivation ×1,
// Expression ×1) of the 12 applications; nil: a conflict of interest.
var boardMarks = [3][12]*[3]float64{
	{{16, 14, 14}, {10, 10, 10}, {18, 16, 14}, {12, 14, 10}, {8, 12, 12}, {14, 10, 10}, {20, 18, 18}, {6, 8, 6}, {12, 10, 10}, {15, 11, 13}, {9, 9, 9}, {11, 13, 9}},
	{{14, 14, 14}, {12, 10, 10}, {16, 16, 16}, nil, {12, 8, 8}, {10, 14, 14}, {18, 18, 18}, {8, 8, 8}, {12, 12, 12}, {13, 13, 13}, {10, 10, 10}, {12, 10, 10}},
	{{14, 12, 12}, {12, 12, 12}, {17, 16, 15}, {14, 12, 12}, {10, 10, 10}, {12, 12, 12}, {19, 18, 18}, {7, 7, 8}, {14, 12, 12}, {12, 13, 13}, {10, 9, 9}, {11, 11, 11}},
}

func sameMark(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestBoardMarksRankAndLock(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newBoardWorld(t)
	s, adm, board := w.s, w.a.ID, w.board.ID
	presID, pres := w.member(0)
	m2ID, m2 := w.member(1)
	// The second member marks application 3, then declares a conflict of
	// interest: their marks of it go, the declaration stays.
	w.mark(t, 1, 3, 20, 20, 20)
	if err := s.DeclareConflict(ctx, adm, board, m2ID, w.apps[3], "Ancien collègue", m2); err != nil {
		t.Fatal(err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM board_marks WHERE application_id = $1`, w.apps[3]); n != 0 {
		t.Errorf("%d marks left after the conflict", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM audit_log WHERE action = 'board.conflict_declared' AND summary->>'notes retirées' = '3'`); n != 1 {
		t.Errorf("conflict not in the audit log with its removed marks (%d)", n)
	}
	err := s.SaveMarks(ctx, adm, board, m2ID, w.apps[3], map[int64]float64{w.grid[0].ID: 10}, "", m2)
	if vivier.ErrorCode(err) != vivier.ECONFLICT || !strings.Contains(vivier.ErrorMessage(err), "conflit d'intérêts") {
		t.Errorf("marking despite a conflict: %v", err)
	}
	for m := range boardMarks {
		for app, sc := range boardMarks[m] {
			if sc != nil {
				w.mark(t, m, app, sc[0], sc[1], sc[2])
			}
		}
	}
	// Refusals: a mark above the scale, an application not given to the
	// board, a non-president closing.
	err = s.SaveMarks(ctx, adm, board, presID, w.apps[0], map[int64]float64{w.grid[0].ID: 20.5}, "", pres)
	if vivier.ErrorCode(err) != vivier.EINVALID || !strings.Contains(vivier.ErrorMessage(err), "de 0 à 20") {
		t.Errorf("mark above the scale: %v", err)
	}
	// A refusal names the marking form's own field, which shows it.
	err = s.SaveMarks(ctx, adm, board, presID, w.apps[0], map[int64]float64{w.grid[0].ID: 12.345}, "", pres)
	if e, ok := errorOf(err); !ok || e.Field != fmt.Sprintf("mark-%d-%d", w.apps[0], w.grid[0].ID) {
		t.Errorf("a mark finer than the hundredth: %v", err)
	}
	if err := s.UnassignFromBoard(ctx, adm, board, w.apps[11], w.manager); err != nil {
		t.Fatal(err)
	}
	err = s.SaveMarks(ctx, adm, board, presID, w.apps[11], map[int64]float64{w.grid[0].ID: 10}, "", pres)
	if vivier.ErrorCode(err) != vivier.EINVALID || !strings.Contains(vivier.ErrorMessage(err), "pas confiée") {
		t.Errorf("marking an application not given to the board: %v", err)
	}
	if _, err := s.AssignToBoard(ctx, adm, board, w.apps[11:], w.manager); err != nil {
		t.Fatal(err)
	}
	for m := range boardMarks {
		sc := boardMarks[m][11]
		w.mark(t, m, 11, sc[0], sc[1], sc[2])
	}
	if err := s.CloseMarking(ctx, adm, board, m2ID, m2); vivier.ErrorCode(err) != vivier.EFORBIDDEN {
		t.Errorf("a member who is not the president closed the marking: %v", err)
	}
	if err := s.CloseMarking(ctx, adm, board, presID, pres); err != nil {
		t.Fatal(err)
	}
	err = s.SaveMarks(ctx, adm, board, m2ID, w.apps[0], map[int64]float64{w.grid[0].ID: 1}, "", m2)
	if vivier.ErrorCode(err) != vivier.ECONFLICT || !strings.Contains(vivier.ErrorMessage(err), "close") {
		t.Errorf("marking after the closing: %v", err)
	}

	// The hand computation: each member's total is (2×C1 + C2 + C3) / 4;
	// the mean is over the members who marked; the spread is the highest
	// total minus the lowest. Application 3 has two markers (a conflict).
	// Applications 8 and 5 tie at 12: the tie rule (the first criterion,
	// Connaissances, whose means are 38/3 and 12) puts 8 first.
	// Applications 1 and 11 tie at 11 with the same Connaissances mean
	// (34/3): the lower id, 1, comes first.
	want := []struct {
		app            int
		totals         [3]float64 // -1: no total (conflict)
		mean, spread   float64
		markers, confl int
	}{
		{6, [3]float64{19, 18, 18.5}, 18.5, 1, 3, 0},
		{2, [3]float64{16.5, 16, 16.25}, 16.25, 0.5, 3, 0},
		{0, [3]float64{15, 14, 13}, 14, 2, 3, 0},
		{9, [3]float64{13.5, 13, 12.5}, 13, 1, 3, 0},
		{3, [3]float64{12, -1, 13}, 12.5, 1, 2, 1},
		{8, [3]float64{11, 12, 13}, 12, 2, 3, 0},
		{5, [3]float64{12, 12, 12}, 12, 0, 3, 0},
		{1, [3]float64{10, 11, 12}, 11, 2, 3, 0},
		{11, [3]float64{11, 11, 11}, 11, 0, 3, 0},
		{4, [3]float64{10, 10, 10}, 10, 0, 3, 0},
		{10, [3]float64{9, 10, 9.5}, 9.5, 1, 3, 0},
		{7, [3]float64{6.5, 8, 7.25}, 7.25, 1.5, 3, 0},
	}
	res, err := s.BoardResults(ctx, adm, board, vivier.BoardViewer{Manager: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != len(want) {
		t.Fatalf("%d rows", len(res.Rows))
	}
	for i, wr := range want {
		r := res.Rows[i]
		if r.ApplicationID != w.apps[wr.app] || r.Rank != i+1 {
			t.Errorf("rank %d: application %d (rank %d), want application %d", i+1, r.ApplicationID, r.Rank, w.apps[wr.app])
			continue
		}
		if !sameMark(r.Mean, wr.mean) || !sameMark(r.Spread, wr.spread) || r.Markers != wr.markers || r.Conflicts != wr.confl {
			t.Errorf("application %d: mean %v spread %v markers %d conflicts %d, want %v %v %d %d",
				wr.app, r.Mean, r.Spread, r.Markers, r.Conflicts, wr.mean, wr.spread, wr.markers, wr.confl)
		}
		for m, total := range wr.totals {
			got, ok := r.TotalOf(w.members[m].ID)
			if (total < 0) == ok || (ok && !sameMark(got, total)) {
				t.Errorf("application %d, member %d: total %v (%v), want %v", wr.app, m, got, ok, total)
			}
		}
	}
	if !res.Rows[5].Tied || !res.Rows[6].Tied || res.Rows[4].Tied {
		t.Errorf("ties not flagged: %v %v %v", res.Rows[4].Tied, res.Rows[5].Tied, res.Rows[6].Tied)
	}

	// The spread rule puts the closest agreement first: 5 before 8, 11
	// before 1; a threshold of 12 makes the first seven admissible.
	twelve := 12.0
	if err := s.UpdateBoardSettings(ctx, adm, board, vivier.BoardSettings{Name: "Commission de sélection", ScaleMax: 20,
		TieRule: vivier.TieBySpread, Threshold: &twelve}, w.manager); err != nil {
		t.Fatal(err)
	}
	if res, err = s.BoardResults(ctx, adm, board, vivier.BoardViewer{AgentID: m2ID}); err != nil {
		t.Fatal(err)
	}
	order := []int{6, 2, 0, 9, 3, 5, 8, 11, 1, 4, 10, 7}
	for i, app := range order {
		if res.Rows[i].ApplicationID != w.apps[app] || res.Rows[i].Admissible != (i < 7) {
			t.Errorf("spread rule, rank %d: application %d admissible %v, want application %d",
				i+1, res.Rows[i].ApplicationID, res.Rows[i].Admissible, w.apps[app])
		}
	}

	// Lists: the first three admissible on the liste principale, the next
	// two on the liste complémentaire.
	if err := s.PlaceOnList(ctx, adm, board, m2ID, w.apps[6], vivier.ListPrincipale, 1, m2); vivier.ErrorCode(err) != vivier.EFORBIDDEN {
		t.Errorf("a member who is not the president drew up a list: %v", err)
	}
	drawn, err := s.DrawUpLists(ctx, adm, board, presID, 3, 2, pres)
	if err != nil {
		t.Fatal(err)
	}
	if !equalIDs(drawn.Principale, w.apps[6], w.apps[2], w.apps[0]) || !equalIDs(drawn.Complementaire, w.apps[9], w.apps[3]) {
		t.Fatalf("lists %+v", drawn)
	}
	// The president moves application 5 to the head of the liste
	// complémentaire: the others go down one rank.
	if err := s.PlaceOnList(ctx, adm, board, presID, w.apps[5], vivier.ListComplementaire, 1, pres); err != nil {
		t.Fatal(err)
	}
	for app, want := range map[int]string{6: "principale 1", 2: "principale 2", 0: "principale 3",
		5: "complementaire 1", 9: "complementaire 2", 3: "complementaire 3"} {
		var got string
		if err := s.DB().QueryRowContext(ctx, `SELECT list || ' ' || rank FROM board_list_entries WHERE board_id = $1 AND application_id = $2`,
			board, w.apps[app]).Scan(&got); err != nil || got != want {
			t.Errorf("application %d: %q (%v), want %q", app, got, err, want)
		}
	}
	// Until the results are arrested, the lists are a draft: placing
	// (even on the liste principale, then off it) moves no one, emails no
	// one and records no hire.
	if err := s.PlaceOnList(ctx, adm, board, presID, w.apps[8], vivier.ListPrincipale, 1, pres); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveFromList(ctx, adm, board, presID, w.apps[8], pres); err != nil {
		t.Fatal(err)
	}
	for _, app := range []int{6, 2, 0, 5, 9, 3, 8} {
		if c := stepOf(t, s, w.apps[app]); c != "nouvelle Nouvelle" {
			t.Errorf("application %d moved before the arrest: %q", app, c)
		}
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskApplicationStatus); n != 0 {
		t.Errorf("%d status emails before the arrest", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM sirh_hires`); n != 0 {
		t.Errorf("%d hires recorded before the arrest", n)
	}

	// Arrêter: president only, then the database refuses any write.
	if err := s.Arrest(ctx, adm, board, m2ID, m2); vivier.ErrorCode(err) != vivier.EFORBIDDEN {
		t.Errorf("a member who is not the president arrested the results: %v", err)
	}
	if err := s.Arrest(ctx, adm, board, presID, pres); err != nil {
		t.Fatal(err)
	}
	// Arrested, the lists move the applications, once. The liste
	// principale is a decision (the first step of
	// category acceptee, with the status email through the outbox); the
	// liste complémentaire waits in a step en_cours, without an email.
	for _, app := range []int{6, 2, 0} {
		if c := stepOf(t, s, w.apps[app]); c != "acceptee Recrutée" {
			t.Errorf("application %d on the liste principale is %q", app, c)
		}
		if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1 AND (payload->>'application_id')::bigint = $2`,
			vivier.TaskApplicationStatus, w.apps[app]); n != 1 {
			t.Errorf("application %d: %d status emails", app, n)
		}
		if n := countWhere(t, s, `SELECT count(*) FROM sirh_hires WHERE application_id = $1`, w.apps[app]); n != 1 {
			t.Errorf("application %d: %d hires recorded", app, n)
		}
	}
	for _, app := range []int{5, 9, 3} {
		if c := stepOf(t, s, w.apps[app]); c != "en_cours Présélection" {
			t.Errorf("application %d on the liste complémentaire is %q", app, c)
		}
		if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1 AND (payload->>'application_id')::bigint = $2`,
			vivier.TaskApplicationStatus, w.apps[app]); n != 0 {
			t.Errorf("application %d on the waiting list was emailed", app)
		}
	}
	if c := stepOf(t, s, w.apps[8]); c != "nouvelle Nouvelle" {
		t.Errorf("application 8, on no list, moved: %q", c)
	}

	c0 := w.grid[0].ID
	for _, q := range []string{
		`UPDATE board_marks SET score = 0 WHERE board_id = $1`,
		`DELETE FROM board_marks WHERE board_id = $1`,
		`INSERT INTO board_marks (board_id, member_id, application_id, criterion_id, score) VALUES ($1, ` + itoa(w.members[1].ID) + `, ` + itoa(w.apps[3]) + `, ` + itoa(c0) + `, 1)`,
		`UPDATE board_list_entries SET rank = rank + 10 WHERE board_id = $1`,
		`DELETE FROM board_list_entries WHERE board_id = $1`,
		`INSERT INTO board_list_entries (board_id, application_id, list, rank) VALUES ($1, ` + itoa(w.apps[8]) + `, 'complementaire', 9)`,
		`UPDATE selection_boards SET arrested_at = NULL WHERE id = $1`,
	} {
		_, err := s.DB().ExecContext(ctx, q, board)
		var pe *pq.Error
		if !errors.As(err, &pe) || pe.Constraint != "board_arrested" {
			t.Errorf("%s: %v", q, err)
		}
		if err := s.BoardExec(ctx, q, board); vivier.ErrorCode(err) != vivier.ECONFLICT ||
			vivier.ErrorMessage(err) != "Les résultats ont été arrêtés : ils ne peuvent plus être modifiés." {
			t.Errorf("through the store, %s: %v", q, err)
		}
	}
	for name, err := range map[string]error{
		"SaveMarks":       s.SaveMarks(ctx, adm, board, presID, w.apps[0], map[int64]float64{c0: 1}, "", pres),
		"PlaceOnList":     s.PlaceOnList(ctx, adm, board, presID, w.apps[8], vivier.ListComplementaire, 0, pres),
		"RemoveFromList":  s.RemoveFromList(ctx, adm, board, presID, w.apps[6], pres),
		"DeclareConflict": s.DeclareConflict(ctx, adm, board, presID, w.apps[1], "", pres),
		"Settings":        s.UpdateBoardSettings(ctx, adm, board, vivier.BoardSettings{Name: "x", ScaleMax: 20, TieRule: vivier.TieBySpread}, w.manager),
	} {
		if vivier.ErrorMessage(err) != "Les résultats ont été arrêtés : ils ne peuvent plus être modifiés." {
			t.Errorf("%s after the arrest: %v", name, err)
		}
	}
	if n := countWhere(t, s, `SELECT count(*) FROM board_marks WHERE board_id = $1`, board); n != 35*3 {
		t.Errorf("%d marks after the arrest, want %d", n, 35*3)
	}
	rows, err := s.DB().QueryContext(ctx, `SELECT DISTINCT action FROM audit_log WHERE action LIKE 'board.%'`)
	if err != nil {
		t.Fatal(err)
	}
	actions := 0
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			t.Fatal(err)
		}
		actions++
		if _, ok := vivier.AuditActions[a]; !ok {
			t.Errorf("audit action %s has no French label", a)
		}
	}
	if err := rows.Close(); err != nil || actions < 10 {
		t.Errorf("%d board actions in the audit log (%v)", actions, err)
	}
	minutes, err := s.BoardMinutes(ctx, adm, board, vivier.BoardViewer{AgentID: presID})
	if err != nil {
		t.Fatal(err)
	}
	if minutes.Board.ArrestedAt == nil || len(minutes.ListOf(vivier.ListPrincipale)) != 3 || len(minutes.Marks) != 105 ||
		len(minutes.Members) != 3 || !minutes.Members[0].President || len(minutes.Conflicts) != 1 || minutes.OfferReference != "PIPE-1" {
		t.Errorf("minutes %+v", minutes)
	}
	if v, ok := minutes.Score(w.members[2].ID, w.apps[2], w.grid[0].ID); !ok || v != 17 {
		t.Errorf("minutes: outside member's mark %v %v", v, ok)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func equalIDs(got []int64, want ...int64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func stepOf(t *testing.T, s *vivier.Store, appID int64) string {
	t.Helper()
	var c string
	if err := s.DB().QueryRowContext(context.Background(), `SELECT a.category || ' ' || st.name FROM applications a
		JOIN pipeline_steps st ON st.id = a.stage_id WHERE a.id = $1`, appID).Scan(&c); err != nil {
		t.Fatal(err)
	}
	return c
}
