package vivier_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"vivier"
)

func TestCheckMoveEveryPair(t *testing.T) {
	t.Parallel()
	all := []vivier.Category{vivier.CategoryNew, vivier.CategoryReview, vivier.CategoryAccepted, vivier.CategoryRefused,
		vivier.CategoryWithdrawn, vivier.CategoryErased}
	allowed := map[string]bool{
		"nouvelle>nouvelle": true, "nouvelle>en_cours": true, "nouvelle>acceptee": true, "nouvelle>refusee": true,
		"en_cours>en_cours": true, "en_cours>acceptee": true, "en_cours>refusee": true,
		"acceptee>en_cours": true, "acceptee>acceptee": true,
		"refusee>en_cours": true, "refusee>refusee": true,
	}
	for _, from := range all {
		for _, to := range all {
			key := string(from) + ">" + string(to)
			err := vivier.CheckMove(from, to)
			if allowed[key] != (err == nil) {
				t.Errorf("%s: allowed %v, want %v (%v)", key, err == nil, allowed[key], err)
			}
			if err != nil {
				msg := vivier.ErrorMessage(err)
				if vivier.ErrorCode(err) != vivier.ECONFLICT || !strings.HasSuffix(msg, ".") || strings.Contains(msg, "_") {
					t.Errorf("%s: refusal %q (%s) is not a French sentence with code conflict", key, msg, vivier.ErrorCode(err))
				}
			}
		}
	}
}

// pipelineWorld makes two administrations, an offer of A with n applications.
func pipelineWorld(t *testing.T, n int) (*vivier.Store, *vivier.Administration, *vivier.Administration, []int64) {
	t.Helper()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o := openOffer(t, s, a.ID, "PIPE-1")
	var ids []int64
	for i := range n {
		sub := submission(t, fmt.Sprintf("c%d@exemple.fr", i))
		if err := sub.Validate(o); err != nil {
			t.Fatal(err)
		}
		app, _, err := s.Apply(ctx, sub, o, files)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, app.ID)
	}
	return s, a, b, ids
}

func stepNamed(t *testing.T, s *vivier.Store, adminID int64, name string) vivier.Step {
	t.Helper()
	steps, err := s.Steps(context.Background(), adminID)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps {
		if st.Name == name {
			return st
		}
	}
	t.Fatalf("no step %q in %+v", name, steps)
	return vivier.Step{}
}

func countWhere(t *testing.T, s *vivier.Store, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMoveApplication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids := pipelineWorld(t, 2)
	actor := vivier.Actor{Email: "rh@a.fr"}
	app := ids[0]
	apps, _, err := s.PipelineList(ctx, a.ID, mustOfferOf(t, s, app), vivier.PipelineFilter{})
	if err != nil || len(apps) != 2 || *apps[0].StageName != "Nouvelle" {
		t.Fatalf("new applications enter the first step: %+v, %v", apps, err)
	}
	rh := stepNamed(t, s, a.ID, "Entretien RH")
	if _, err := s.MoveApplication(ctx, a.ID, app, vivier.Move{StageID: rh.ID}, actor); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveApplication(ctx, a.ID, app, vivier.Move{StageID: rh.ID}, actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("the same step twice: %v", err)
	}
	refused := stepNamed(t, s, a.ID, "Non retenue")
	if _, err := s.MoveApplication(ctx, a.ID, app, vivier.Move{StageID: refused.ID, Notify: true}, actor); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("a refusal without reason: %v", err)
	}
	reasons, err := s.RefusalReasons(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	otherReasons, err := s.RefusalReasons(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(reasons) < 6 || reasons[0].Label != "Profil ne correspondant pas au poste" {
		t.Fatalf("seeded reasons: %+v", reasons)
	}
	if _, err := s.MoveApplication(ctx, a.ID, app, vivier.Move{StageID: refused.ID, ReasonID: otherReasons[0].ID}, actor); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("another administration's reason: %v", err)
	}
	// Another administration's step, or another administration moving A's application.
	if _, err := s.MoveApplication(ctx, a.ID, app, vivier.Move{StageID: stepNamed(t, s, b.ID, "Jury").ID}, actor); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("another administration's step: %v", err)
	}
	if _, err := s.MoveApplication(ctx, b.ID, app, vivier.Move{StageID: stepNamed(t, s, b.ID, "Jury").ID}, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B moving A's application: %v", err)
	}
	res, err := s.MoveApplication(ctx, a.ID, app, vivier.Move{StageID: refused.ID, ReasonID: reasons[1].ID, Notify: true}, actor)
	if err != nil || res.Emails != 1 {
		t.Fatal(res, err)
	}
	hist, err := s.ApplicationHistory(ctx, a.ID, app)
	if err != nil || len(hist) != 3 {
		t.Fatalf("history: %+v, %v", hist, err)
	}
	last := hist[2]
	if last.From != vivier.CategoryReview || last.To != vivier.CategoryRefused || last.Step != "Non retenue" || last.Reason != "Poste pourvu" ||
		!last.EmailSent || last.Actor != "rh@a.fr" {
		t.Errorf("last event: %+v", last)
	}
	// The candidate's timeline shows each move, public step names only.
	tracked, err := s.CandidateApplications(ctx, int64(countWhere(t, s, `SELECT candidate_id FROM applications WHERE id = $1`, app)))
	if err != nil || len(tracked) != 1 {
		t.Fatal(tracked, err)
	}
	var labels []string
	for _, e := range tracked[0].Events {
		labels = append(labels, e.Label)
	}
	if got := strings.Join(labels, " / "); got != "reçue / en cours d'examen (Entretien RH) / non retenue" {
		t.Errorf("candidate's timeline: %s", got)
	}
	if h, err := s.ApplicationHistory(ctx, b.ID, app); err != nil || len(h) != 0 {
		t.Errorf("B reads A's history: %+v (%v)", h, err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1 AND queue = 'critical'`, vivier.TaskApplicationStatus); n != 1 {
		t.Errorf("status emails queued: %d", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM audit_log WHERE action = 'application.moved' AND administration_id = $1`, a.ID); n != 2 {
		t.Errorf("audited moves: %d", n)
	}
	// A refusal is reopened, never turned into an acceptance.
	if _, err := s.MoveApplication(ctx, a.ID, app, vivier.Move{StageID: stepNamed(t, s, a.ID, "Recrutée").ID}, actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("refusee to acceptee: %v", err)
	}
	if _, err := s.MoveApplication(ctx, a.ID, app, vivier.Move{StageID: stepNamed(t, s, a.ID, "Jury").ID}, actor); err != nil {
		t.Errorf("reopen: %v", err)
	}
	// A withdrawn application does not move.
	if _, err := s.DB().ExecContext(ctx, `UPDATE applications SET category = 'retiree', stage_id = NULL WHERE id = $1`, ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveApplication(ctx, a.ID, ids[1], vivier.Move{StageID: rh.ID}, actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("withdrawn moved: %v", err)
	}
}

func mustOfferOf(t *testing.T, s *vivier.Store, appID int64) int64 {
	t.Helper()
	return int64(countWhere(t, s, `SELECT offer_id FROM applications WHERE id = $1`, appID))
}

func TestMoveApplicationsInBulk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids := pipelineWorld(t, 5)
	actor := vivier.Actor{Email: "rh@a.fr"}
	if _, err := s.DB().ExecContext(ctx, `UPDATE applications SET category = 'retiree', stage_id = NULL WHERE id = $1`, ids[4]); err != nil {
		t.Fatal(err)
	}
	reasons, err := s.RefusalReasons(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	refused := stepNamed(t, s, a.ID, "Non retenue")
	// B's bulk move on A's applications moves nothing.
	res, err := s.MoveApplications(ctx, b.ID, ids, vivier.Move{StageID: stepNamed(t, s, b.ID, "Jury").ID}, actor)
	if err != nil || res.Moved != 0 || res.Skipped != 5 {
		t.Errorf("B's bulk move: %+v, %v", res, err)
	}
	res, err = s.MoveApplications(ctx, a.ID, ids, vivier.Move{StageID: refused.ID, ReasonID: reasons[0].ID, Notify: true}, actor)
	if err != nil || res.Moved != 4 || res.Emails != 4 || res.Skipped != 1 {
		t.Fatalf("bulk refusal: %+v, %v", res, err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM applications WHERE category = 'refusee' AND administration_id = $1`, a.ID); n != 4 {
		t.Errorf("refused: %d", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskApplicationStatus); n != 4 {
		t.Errorf("emails queued: %d", n)
	}
	counts, err := s.StepCounts(ctx, a.ID, mustOfferOf(t, s, ids[0]), vivier.Scope{})
	if err != nil || counts[refused.ID] != 4 || counts[0] != 1 {
		t.Errorf("counts: %v, %v", counts, err)
	}
}

func TestPipelineListFilters(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids := pipelineWorld(t, 3)
	offer := mustOfferOf(t, s, ids[0])
	if _, err := s.DB().ExecContext(ctx, `UPDATE application_files SET text = 'Jardinier paysagiste, taille des haies' WHERE application_id = $1`, ids[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE applications SET created_at = now() - interval '10 days' WHERE id = $1`, ids[2]); err != nil {
		t.Fatal(err)
	}
	rows, total, err := s.PipelineList(ctx, a.ID, offer, vivier.PipelineFilter{Query: "haie"})
	if err != nil || total != 1 || rows[0].ID != ids[1] {
		t.Errorf("full text: %+v %d %v", rows, total, err)
	}
	rows, total, err = s.PipelineList(ctx, a.ID, offer, vivier.PipelineFilter{Sort: "anciennes"})
	if err != nil {
		t.Fatal(err)
	}
	if total != 3 || rows[0].ID != ids[2] {
		t.Errorf("oldest first: %+v", rows)
	}
	jury := stepNamed(t, s, a.ID, "Jury")
	if _, err := s.MoveApplication(ctx, a.ID, ids[0], vivier.Move{StageID: jury.ID}, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if rows, total, err = s.PipelineList(ctx, a.ID, offer, vivier.PipelineFilter{StageID: jury.ID}); err != nil || total != 1 || rows[0].ID != ids[0] {
		t.Errorf("by step: %+v (%v)", rows, err)
	}
	if _, total, err = s.PipelineList(ctx, b.ID, offer, vivier.PipelineFilter{}); err != nil || total != 0 {
		t.Errorf("B lists A's offer: %d (%v)", total, err)
	}
}
