package vivier_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"vivier"
)

// TestEqualityFigures computes the equality figures of a known set of
// applications to one offer of A, and publishes them under the small-count
// rule:
//
//	              women  men  not given  total
//	candidatures     12    7      6         25   all shown, shares 63,2 / 36,8
//	présélection      8    6      4         18   4 hidden, and men (6) beside it
//	entretien         6    2      1          9   2 and 1 hidden, nothing more
//	recrutées         3    1      0          4   all hidden, the total too
//
// "Not given" holds one application whose candidate erased her data (she
// had said madame). An application of B and one of A older than the period
// count nowhere.
func TestEqualityFigures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	offerA, offerB := openOffer(t, s, a.ID, "EG-A"), openOffer(t, s, b.ID, "EG-B")
	actor := vivier.Actor{Email: "rh@a.fr"}
	n := 0
	apply := func(o *vivier.Offer, civility string, steps ...string) *vivier.Application {
		n++
		sub := submission(t, fmt.Sprintf("eg%d@exemple.fr", n))
		sub.Civility = civility
		if err := sub.Validate(o); err != nil {
			t.Fatal(err)
		}
		app, _, err := s.Apply(ctx, sub, o, files)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range steps {
			st := stepNamed(t, s, o.AdministrationID, name)
			m := vivier.Move{StageID: st.ID}
			if st.Category == vivier.CategoryRefused {
				reasons, err := s.RefusalReasons(ctx, o.AdministrationID)
				if err != nil {
					t.Fatal(err)
				}
				m.ReasonID = reasons[0].ID
			}
			if _, err := s.MoveApplication(ctx, o.AdministrationID, app.ID, m, actor); err != nil {
				t.Fatal(err)
			}
		}
		return app
	}
	times := func(k int, civility string, steps ...string) {
		for range k {
			apply(offerA, civility, steps...)
		}
	}
	times(3, "madame", "Présélection", "Entretien RH", "Recrutée")
	times(3, "madame", "Présélection", "Entretien RH")
	times(2, "madame", "Présélection")
	times(1, "madame", "Non retenue")
	times(3, "madame")
	times(1, "monsieur", "Présélection", "Entretien technique", "Recrutée")
	// Invited to an interview while the step stays Présélection.
	invited := apply(offerA, "monsieur", "Présélection")
	now := time.Now()
	rh := agentOf(t, s, a, "rh@a.fr")
	if _, err := s.InviteToInterview(ctx, a.ID, invited.ID, vivier.InterviewRequest{StartsAt: now.Add(48 * time.Hour).Truncate(time.Minute),
		DurationMinutes: 30, Place: "Salle 2", Interviewers: []int64{rh.ID}}, vivier.Actor{AgentID: rh.ID, Email: rh.Email}, now); err != nil {
		t.Fatal(err)
	}
	times(4, "monsieur", "Présélection")
	times(1, "monsieur")
	times(3, "", "Présélection")
	times(2, "")
	erased := apply(offerA, "madame", "Présélection", "Jury")
	if err := s.EraseCandidate(ctx, erased.CandidateID, files); err != nil {
		t.Fatal(err)
	}
	apply(offerB, "madame", "Présélection", "Entretien RH", "Recrutée")
	old := apply(offerA, "monsieur", "Présélection", "Entretien RH", "Recrutée")
	if _, err := s.DB().Exec(`UPDATE applications SET created_at = now() - interval '200 days' WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}

	f := vivier.StatsFilter{AdministrationID: a.ID, WithChildren: true, From: now.AddDate(0, 0, -90), To: now.Add(time.Hour)}
	st, err := s.Statistics(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	want := [][3]int{{12, 7, 6}, {8, 6, 4}, {6, 2, 1}, {3, 1, 0}}
	if len(st.Equality) != 4 {
		t.Fatalf("stages %+v", st.Equality)
	}
	for i, s := range st.Equality {
		if got := [3]int{s.Women, s.Men, s.Unspecified}; got != want[i] {
			t.Errorf("%s: women, men, not given = %v, want %v", s.Label, got, want[i])
		}
	}
	if st.Equality[0].Total() != st.Received || st.Equality[3].Total() != st.Hired {
		t.Errorf("totals %d and %d differ from received %d and hired %d", st.Equality[0].Total(), st.Equality[3].Total(), st.Received, st.Hired)
	}

	hidden := func(r vivier.EqualityRow) [4]bool {
		return [4]bool{r.Women.Hidden, r.Men.Hidden, r.Unspecified.Hidden, r.Total.Hidden}
	}
	rows := make([]vivier.EqualityRow, 4)
	for i, s := range st.Equality {
		rows[i] = vivier.EqualityPublish(s)
	}
	for i, w := range [][4]bool{{false, false, false, false}, {false, true, true, false}, {false, true, true, false}, {true, true, true, true}} {
		if got := hidden(rows[i]); got != w {
			t.Errorf("%s: hidden women, men, not given, total = %v, want %v", rows[i].Label, got, w)
		}
	}
	if r := rows[0]; !r.SharesShown || !closeTo(r.WomenShare, 63.16) || !closeTo(r.MenShare, 36.84) {
		t.Errorf("candidatures' shares %+v", r)
	}
	for _, r := range rows[1:] {
		if r.SharesShown {
			t.Errorf("%s shows shares beside a hidden count: %+v", r.Label, r)
		}
	}

	// One offer: the same; B's own figures hold its one application only.
	f.OfferID = offerA.ID
	if st, err := s.Statistics(ctx, f); err != nil || st.Equality[0].Total() != 25 || st.Equality[2].Women != 6 {
		t.Errorf("offer A: %+v, %v", st.Equality, err)
	}
	fb := vivier.StatsFilter{AdministrationID: b.ID, From: f.From, To: f.To}
	if st, err := s.Statistics(ctx, fb); err != nil || st.Equality[0] != (vivier.EqualityStage{Key: "candidatures", Label: "Candidatures", Women: 1}) ||
		st.Equality[3].Women != 1 {
		t.Errorf("B: %+v, %v", st.Equality, err)
	}
}

func closeTo(got, want float64) bool { return got > want-0.01 && got < want+0.01 }

// The small-count rule on hand-made stages.
func TestEqualityPublish(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		stage  vivier.EqualityStage
		hidden [4]bool // women, men, not given, total
	}{
		{vivier.EqualityStage{Women: 5, Men: 5, Unspecified: 5}, [4]bool{}},
		// One under the threshold: the smaller other goes too.
		{vivier.EqualityStage{Women: 30, Men: 9, Unspecified: 2}, [4]bool{false, true, true, false}},
		{vivier.EqualityStage{Women: 3, Men: 40, Unspecified: 7}, [4]bool{true, false, true, false}},
		// A zero is a small count; on a tie the "not given" goes first.
		{vivier.EqualityStage{Women: 0, Men: 8, Unspecified: 8}, [4]bool{true, false, true, false}},
		// Two under it: their sum is all the total tells.
		{vivier.EqualityStage{Women: 20, Men: 4, Unspecified: 1}, [4]bool{false, true, true, false}},
		{vivier.EqualityStage{Women: 2, Men: 1, Unspecified: 1}, [4]bool{true, true, true, true}},
		{vivier.EqualityStage{}, [4]bool{true, true, true, true}},
	} {
		r := vivier.EqualityPublish(c.stage)
		got := [4]bool{r.Women.Hidden, r.Men.Hidden, r.Unspecified.Hidden, r.Total.Hidden}
		if got != c.hidden {
			t.Errorf("%+v: hidden %v, want %v", c.stage, got, c.hidden)
		}
		if r.SharesShown != (!got[0] && !got[1]) {
			t.Errorf("%+v: shares shown %v", c.stage, r.SharesShown)
		}
	}
}
