package vivier_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"vivier"
)

// The mask follows the offer's step: applications before it are masked,
// one that reached it stays shown (even refused afterwards), one refused
// before it stays masked; a reveal holds for its agent only; another
// administration neither sets nor reads anything.
func TestIdentityMasksFollowTheStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids := pipelineWorld(t, 3)
	actor := vivier.Actor{Email: "rh@a.fr"}
	offer := mustOfferOf(t, s, ids[0])
	masked := func(agent int64) map[int64]string {
		t.Helper()
		m, err := s.IdentityMasks(ctx, a.ID, agent, ids)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]string{}
		for id, k := range m {
			out[id] = k.Pseudonym
		}
		return out
	}
	if m := masked(0); len(m) != 0 {
		t.Fatalf("masked without anonymised screening: %v", m)
	}
	rh, jury, refused := stepNamed(t, s, a.ID, "Entretien RH"), stepNamed(t, s, a.ID, "Jury"), stepNamed(t, s, a.ID, "Non retenue")
	if _, err := s.MoveApplication(ctx, a.ID, ids[2], vivier.Move{StageID: jury.ID}, actor); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOfferAnonymity(ctx, a.ID, offer, stepNamed(t, s, a.ID, "Recrutée").ID, actor); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("a decision step as the screening's end: %v", err)
	}
	if err := s.SetOfferAnonymity(ctx, b.ID, offer, stepNamed(t, s, b.ID, "Jury").ID, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B setting A's offer: %v", err)
	}
	if err := s.SetOfferAnonymity(ctx, a.ID, offer, rh.ID, actor); err != nil {
		t.Fatal(err)
	}
	m := masked(0)
	if len(m) != 2 || m[ids[2]] != "" || !strings.HasPrefix(m[ids[0]], "Candidat·e ") || m[ids[0]] == m[ids[1]] {
		t.Fatalf("masks after the setting: %v", m)
	}
	if other, err := s.IdentityMasks(ctx, b.ID, 0, ids); err != nil || len(other) != 0 {
		t.Errorf("B reads A's masks: %v, %v", other, err)
	}
	reasons, err := s.RefusalReasons(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	// ids[0] reaches the step, then is refused: shown; ids[1] is refused
	// before it: masked.
	for _, mv := range []struct {
		id   int64
		move vivier.Move
	}{{ids[0], vivier.Move{StageID: rh.ID}}, {ids[0], vivier.Move{StageID: refused.ID, ReasonID: reasons[0].ID}},
		{ids[1], vivier.Move{StageID: refused.ID, ReasonID: reasons[0].ID}}} {
		if _, err := s.MoveApplication(ctx, a.ID, mv.id, mv.move, actor); err != nil {
			t.Fatal(err)
		}
	}
	if m := masked(0); len(m) != 1 || m[ids[1]] == "" {
		t.Fatalf("masks after the moves: %v", m)
	}
	// A reveal: for its agent only, with a reason, once.
	ag := &vivier.Agent{Email: "admin@a.fr", FirstName: "Ada", LastName: "Min"}
	if err := s.UpsertAgent(ctx, ag); err != nil {
		t.Fatal(err)
	}
	admin := vivier.Actor{AgentID: ag.ID, Email: ag.Email}
	if err := s.RevealIdentity(ctx, a.ID, ids[1], "  ", admin); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("a reveal without a reason: %v", err)
	}
	if err := s.RevealIdentity(ctx, b.ID, ids[1], "vérification", admin); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B revealing A's application: %v", err)
	}
	if err := s.RevealIdentity(ctx, a.ID, ids[0], "vérification", admin); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("revealing a shown identity: %v", err)
	}
	if err := s.RevealIdentity(ctx, a.ID, ids[1], "vérification", admin); err != nil {
		t.Fatal(err)
	}
	if m := masked(ag.ID); len(m) != 0 {
		t.Errorf("the reveal does not hold for its agent: %v", m)
	}
	if m := masked(0); len(m) != 1 {
		t.Errorf("the reveal holds for everyone: %v", m)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM audit_log WHERE action = 'application.identity_revealed' AND administration_id = $1`, a.ID); n != 1 {
		t.Errorf("%d reveals audited", n)
	}
	// Off: no one is masked.
	if err := s.SetOfferAnonymity(ctx, a.ID, offer, 0, actor); err != nil {
		t.Fatal(err)
	}
	if m := masked(0); len(m) != 0 {
		t.Errorf("masked with the screening off: %v", m)
	}
}

// A ministry reads its directions' lists at any depth (a direction creates
// services): the masks hold there too, and nowhere else.
func TestIdentityMasksHoldAtAnyDepth(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids := pipelineWorld(t, 2)
	actor := vivier.Actor{Email: "rh@a.fr"}
	top := &vivier.Administration{Slug: "ministere-masques", Name: "Ministère", Versant: a.Versant}
	if err := s.UpsertAdministration(ctx, top); err != nil {
		t.Fatal(err)
	}
	mid := &vivier.Administration{Slug: "direction-masques", Name: "Direction", Versant: a.Versant, ParentID: &top.ID}
	if err := s.UpsertAdministration(ctx, mid); err != nil {
		t.Fatal(err)
	}
	// a is a service of the direction: the ministry's grandchild.
	if _, err := s.DB().Exec(`UPDATE administrations SET parent_id = $2 WHERE id = $1`, a.ID, mid.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOfferAnonymity(ctx, a.ID, mustOfferOf(t, s, ids[0]), stepNamed(t, s, a.ID, "Entretien RH").ID, actor); err != nil {
		t.Fatal(err)
	}
	for _, adm := range []*vivier.Administration{a, mid, top} {
		if m, err := s.IdentityMasks(ctx, adm.ID, 0, ids); err != nil || len(m) != 2 {
			t.Errorf("%s reads %d masks of 2 (%v)", adm.Name, len(m), err)
		}
	}
	if m, err := s.IdentityMasks(ctx, b.ID, 0, ids); err != nil || len(m) != 0 {
		t.Errorf("another administration reads %d masks (%v)", len(m), err)
	}
}

// Sorted by name, masked applications do not stand where their surnames
// would put them, in the list, the board and the neighbours of one.
func TestNameOrderDoesNotFollowMaskedSurnames(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _, ids := pipelineWorld(t, 4)
	offer := mustOfferOf(t, s, ids[0])
	// In the order of the ids, surnames run backwards; ids[3] is shown.
	for i, name := range []string{"Zola", "Martin", "Abel", "Berger"} {
		execSQL(t, s, `UPDATE applications SET last_name = $2 WHERE id = $1`, ids[i], name)
	}
	if err := s.SetOfferAnonymity(ctx, a.ID, offer, stepNamed(t, s, a.ID, "Entretien RH").ID, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	execSQL(t, s, `UPDATE applications SET screening_passed_at = now() WHERE id = $1`, ids[3])
	want := []int64{ids[3], ids[0], ids[1], ids[2]}
	f := vivier.PipelineFilter{Sort: "nom"}
	rows, _, err := s.PipelineList(ctx, a.ID, offer, f)
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, r := range rows {
		got = append(got, r.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("list by name = %v, want %v (the shown one, then the masked ones by pseudonym)", got, want)
	}
	got = nil
	for _, c := range boardOf(t, s, a.ID, offer, vivier.BoardQuery{Filter: f}).Cards {
		for _, c := range c {
			got = append(got, c.ID)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("board by name = %v, want %v", got, want)
	}
	for i, id := range want {
		nav, err := s.ApplicationNav(ctx, a.ID, offer, f, id)
		if err != nil {
			t.Fatal(err)
		}
		var prev, next int64
		if i > 0 {
			prev = want[i-1]
		}
		if i < len(want)-1 {
			next = want[i+1]
		}
		if nav.Position != i+1 || nav.PrevID != prev || nav.NextID != next {
			t.Errorf("neighbours of %d = %+v, want position %d between %d and %d", id, nav, i+1, prev, next)
		}
	}
}

// A full-text search neither finds nor leaves out a masked application by
// its name, in any form: negated, stemmed, hyphenated, without accents.
func TestSearchNeitherFindsNorLeavesOutAMaskedName(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _, ids := pipelineWorld(t, 3)
	offer := mustOfferOf(t, s, ids[0])
	for i, who := range [][3]string{{"Clémentine", "Vauquelin", "Je suis Clementine Vauquelin, jardinière : taille des haies. Écrivez à c0@exemple.fr."},
		{"Gaspard", "Ollivier", "Taille des haies et massifs."}, {"Jeanne", "Durand", "Jeanne Durand, taille des haies."}} {
		execSQL(t, s, `UPDATE applications SET first_name = $2, last_name = $3, letter_text = $4 WHERE id = $1`, ids[i], who[0], who[1], who[2])
	}
	if err := s.SetOfferAnonymity(ctx, a.ID, offer, stepNamed(t, s, a.ID, "Entretien RH").ID, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	execSQL(t, s, `UPDATE applications SET screening_passed_at = now() WHERE id = $1`, ids[2]) // Durand is shown
	found := func(q string) map[int64]bool {
		t.Helper()
		out := map[int64]bool{}
		for _, list := range []func() ([]int64, error){
			func() ([]int64, error) {
				rows, _, err := s.PipelineList(ctx, a.ID, offer, vivier.PipelineFilter{Query: q})
				var got []int64
				for _, r := range rows {
					got = append(got, r.ID)
				}
				return got, err
			},
			func() ([]int64, error) {
				rows, _, err := s.ApplicationList(ctx, a.ID, vivier.PipelineFilter{Query: q})
				var got []int64
				for _, r := range rows {
					got = append(got, r.ID)
				}
				return got, err
			},
		} {
			got, err := list()
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			for _, id := range got {
				out[id] = true
			}
		}
		return out
	}
	for _, q := range []string{"Vauquelin", "Vauquelins", "Clémentine-Vauquelin", "clementine", "Clémentine Vauquelin", "c0@exemple.fr"} {
		if found(q)[ids[0]] {
			t.Errorf("%q finds the masked application", q)
		}
	}
	for _, q := range []string{"-Vauquelin", "haies -Vauquelin", "haies -Clémentine", "haies", "jardinière", "haies -c0@exemple.fr"} {
		if !found(q)[ids[0]] {
			t.Errorf("%q leaves the masked application out", q)
		}
	}
	// The shown one is searched as before, by its name too.
	if got := found("Durand"); !got[ids[2]] || len(got) != 1 {
		t.Errorf("Durand finds %v", got)
	}
	if got := found("haies -Durand"); got[ids[2]] || !got[ids[1]] {
		t.Errorf("haies -Durand finds %v", got)
	}
}

// Once an application has reached the step, its identity stays shown: set
// again, or until another step, the screening does not mask it again, even
// refused since.
func TestSettingTheScreeningAgainKeepsReachedIdentitiesShown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _, ids := pipelineWorld(t, 2)
	actor := vivier.Actor{Email: "rh@a.fr"}
	offer := mustOfferOf(t, s, ids[0])
	rh, jury := stepNamed(t, s, a.ID, "Entretien RH"), stepNamed(t, s, a.ID, "Jury")
	if err := s.SetOfferAnonymity(ctx, a.ID, offer, rh.ID, actor); err != nil {
		t.Fatal(err)
	}
	reasons, err := s.RefusalReasons(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, mv := range []vivier.Move{{StageID: rh.ID}, {StageID: stepNamed(t, s, a.ID, "Non retenue").ID, ReasonID: reasons[0].ID}} {
		if _, err := s.MoveApplication(ctx, a.ID, ids[0], mv, actor); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range []int64{rh.ID, jury.ID} {
		if err := s.SetOfferAnonymity(ctx, a.ID, offer, step, actor); err != nil {
			t.Fatal(err)
		}
		m, err := s.IdentityMasks(ctx, a.ID, 0, ids)
		if err != nil {
			t.Fatal(err)
		}
		if m.Of(ids[0]) != nil || m.Of(ids[1]) == nil {
			t.Errorf("set until step %d: the reached one masked %v, the other %v", step, m.Of(ids[0]) != nil, m.Of(ids[1]) != nil)
		}
	}
}
