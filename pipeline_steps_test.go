package vivier_test

import (
	"context"
	"strings"
	"testing"

	"vivier"
)

func stepNames(t *testing.T, s *vivier.Store, adminID int64) string {
	t.Helper()
	steps, err := s.StepsWithUsage(context.Background(), adminID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, st := range steps {
		names = append(names, st.Name)
	}
	return strings.Join(names, ",")
}

func TestStepEditingRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids := pipelineWorld(t, 1)
	actor := vivier.Actor{Email: "admin@a.fr"}
	const seeded = "Nouvelle,Présélection,Entretien RH,Entretien technique,Jury,Proposition,Recrutée,Non retenue"
	if got := stepNames(t, s, a.ID); got != seeded {
		t.Fatalf("seeded steps = %s", got)
	}
	// Added at the end of its category, not of the list.
	id, err := s.AddStep(ctx, a.ID, "  Test écrit ", vivier.CategoryReview, true, actor)
	if err != nil {
		t.Fatal(err)
	}
	if got := stepNames(t, s, a.ID); got != "Nouvelle,Présélection,Entretien RH,Entretien technique,Jury,Proposition,Test écrit,Recrutée,Non retenue" {
		t.Errorf("after add = %s", got)
	}
	for _, bad := range []struct {
		name string
		cat  vivier.Category
	}{{"", vivier.CategoryReview}, {strings.Repeat("x", 61), vivier.CategoryReview}, {"Jury", vivier.CategoryReview}, {"Ok", "retiree"}} {
		if _, err := s.AddStep(ctx, a.ID, bad.name, bad.cat, false, actor); vivier.ErrorCode(err) != vivier.EINVALID {
			t.Errorf("AddStep(%q, %s) = %v, want invalid", bad.name, bad.cat, err)
		}
	}
	// Up, within the category; never out of it.
	if err := s.MoveStep(ctx, a.ID, id, true, actor); err != nil {
		t.Fatal(err)
	}
	if got := stepNames(t, s, a.ID); !strings.Contains(got, "Jury,Test écrit,Proposition,Recrutée") {
		t.Errorf("after up = %s", got)
	}
	first := stepNamed(t, s, a.ID, "Présélection")
	if err := s.MoveStep(ctx, a.ID, first.ID, true, actor); vivier.ErrorCode(err) != vivier.ECONFLICT || !strings.Contains(vivier.ErrorMessage(err), "première") {
		t.Errorf("moving the first of its category up = %v", err)
	}
	// New applications still enter the first step of nouvelle.
	if err := s.UpdateStep(ctx, a.ID, id, "Épreuve écrite", false, actor); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateStep(ctx, a.ID, id, "Jury", false, actor); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("rename onto another step's name = %v", err)
	}
	st := stepNamed(t, s, a.ID, "Épreuve écrite")
	if st.Public {
		t.Error("public flag not saved")
	}
	// Removal: refused while it holds an application, and for the last of
	// its category.
	if _, err := s.MoveApplication(ctx, a.ID, ids[0], vivier.Move{StageID: id}, actor); err != nil {
		t.Fatal(err)
	}
	err = s.RemoveStep(ctx, a.ID, id, actor)
	if vivier.ErrorCode(err) != vivier.ECONFLICT || !strings.Contains(vivier.ErrorMessage(err), "contient encore 1 candidature") {
		t.Errorf("removing a step with an application = %v", err)
	}
	if err := s.RemoveStep(ctx, a.ID, stepNamed(t, s, a.ID, "Recrutée").ID, actor); vivier.ErrorCode(err) != vivier.ECONFLICT ||
		!strings.Contains(vivier.ErrorMessage(err), "seule de la catégorie") {
		t.Errorf("removing the last accepted step = %v", err)
	}
	if err := s.RemoveStep(ctx, a.ID, stepNamed(t, s, a.ID, "Proposition").ID, actor); err != nil {
		t.Fatal(err)
	}
	// An empty step that ends an offer's anonymised screening stays, and the
	// refusal names the offer.
	jury := stepNamed(t, s, a.ID, "Jury")
	offer := mustOfferOf(t, s, ids[0])
	if err := s.SetOfferAnonymity(ctx, a.ID, offer, jury.ID, actor); err != nil {
		t.Fatal(err)
	}
	var title string
	if err := s.DB().Get(&title, `SELECT title FROM offers WHERE id = $1`, offer); err != nil {
		t.Fatal(err)
	}
	err = s.RemoveStep(ctx, a.ID, jury.ID, actor)
	if vivier.ErrorCode(err) != vivier.ECONFLICT || !strings.Contains(vivier.ErrorMessage(err), "présélection anonyme de l'offre « "+title+" »") {
		t.Errorf("removing the step of an anonymised screening = %v", err)
	}
	if got := stepNamed(t, s, a.ID, "Jury"); got.ID != jury.ID {
		t.Errorf("the step of an anonymised screening was removed")
	}
	// Another administration's step is not found, and B's steps are untouched.
	if err := s.RemoveStep(ctx, b.ID, id, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B removes A's step = %v", err)
	}
	if err := s.UpdateStep(ctx, b.ID, id, "Piratée", true, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B renames A's step = %v", err)
	}
	if err := s.MoveStep(ctx, b.ID, id, false, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B moves A's step = %v", err)
	}
	if got := stepNames(t, s, b.ID); got != seeded {
		t.Errorf("B's steps changed: %s", got)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM audit_log WHERE administration_id = $1 AND action LIKE 'pipeline.step_%'`, a.ID); n != 4 {
		t.Errorf("%d audit entries for the step edits, want 4", n)
	}
}

func TestRefusalReasonEditing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	actor := vivier.Actor{Email: "admin@a.fr"}
	if err := s.CreateRefusalReason(ctx, a.ID, "Profil trop junior", "Nous cherchions une expérience plus longue.", actor); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateRefusalReason(ctx, a.ID, "Poste pourvu", "", actor); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("a second reason with an existing label = %v", err)
	}
	all, err := s.AllRefusalReasons(ctx, a.ID)
	if err != nil || len(all) != 8 || all[7].Label != "Profil trop junior" {
		t.Fatalf("reasons = %+v, %v", all, err)
	}
	id := all[7].ID
	if err := s.UpdateRefusalReason(ctx, a.ID, id, "Expérience insuffisante", "Votre expérience est encore courte pour ce poste.", actor); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRefusalReasonActive(ctx, a.ID, id, false, actor); err != nil {
		t.Fatal(err)
	}
	active, err := s.RefusalReasons(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range active {
		if r.ID == id {
			t.Error("a deactivated reason is still offered")
		}
	}
	// The last active reason stays.
	for _, r := range active[:len(active)-1] {
		if err := s.SetRefusalReasonActive(ctx, a.ID, r.ID, false, actor); err != nil {
			t.Fatal(err)
		}
	}
	last := active[len(active)-1]
	if err := s.SetRefusalReasonActive(ctx, a.ID, last.ID, false, actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("deactivating the last reason = %v", err)
	}
	// B cannot touch A's reasons.
	if err := s.UpdateRefusalReason(ctx, b.ID, id, "Piraté", "", actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B renames A's reason = %v", err)
	}
	if err := s.SetRefusalReasonActive(ctx, b.ID, id, true, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B reactivates A's reason = %v", err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM refusal_reasons WHERE id = $1 AND label = 'Expérience insuffisante' AND NOT active`, id); n != 1 {
		t.Error("A's reason changed by B")
	}
}
