package vivier_test

import (
	"context"
	"testing"

	"vivier"
)

// applyAs makes an application to o with the given email and name, and
// the talent-pool consent when pool is set.
func applyAs(t *testing.T, s *vivier.Store, files vivier.FileStore, o *vivier.Offer, email, first, last string, pool bool) *vivier.Application {
	t.Helper()
	sub := submission(t, email)
	sub.FirstName, sub.LastName, sub.TalentPool = first, last, pool
	if err := sub.Validate(o); err != nil {
		t.Fatal(err)
	}
	app, _, err := s.Apply(context.Background(), sub, o, files)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

func localFiles(t *testing.T) vivier.FileStore {
	t.Helper()
	f, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestTalentPoolSearchAndInvitation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files := localFiles(t)
	o1, o2, ob := openOffer(t, s, a.ID, "POOL-1"), openOffer(t, s, a.ID, "POOL-2"), openOffer(t, s, b.ID, "POOL-B")
	in := applyAs(t, s, files, o1, "ines@exemple.fr", "Inès", "Moreau", true)
	applyAs(t, s, files, o1, "noe@exemple.fr", "Noé", "Petit", false)
	lapsed := applyAs(t, s, files, o1, "lea@exemple.fr", "Léa", "Roux", true)
	if _, err := s.DB().ExecContext(ctx, `UPDATE applications SET talent_pool_at = now() - interval '25 months' WHERE id = $1`, lapsed.ID); err != nil {
		t.Fatal(err)
	}
	applyAs(t, s, files, ob, "basile@exemple.fr", "Basile", "Blanc", true)

	for q, want := range map[string]int{"": 1, "développeuse": 1, "inès moreau": 1, "Moreau": 1, "back-end": 1, "plombier": 0, "Basile": 0, "Roux": 0, "100%": 0} {
		rows, total, err := s.TalentPool(ctx, a.ID, q, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != want || total != want || (want == 1 && rows[0].ID != in.CandidateID) {
			t.Errorf("pool search %q = %d rows (%d), want %d", q, len(rows), total, want)
		}
	}
	if rows, _, err := s.TalentPool(ctx, b.ID, "", 1); err != nil || len(rows) != 1 || rows[0].FirstName != "Basile" {
		t.Errorf("B's pool = %+v (%v)", rows, err)
	}

	actor := vivier.Actor{Email: "rh@a.fr"}
	if _, err := s.InviteFromPool(ctx, a.ID, in.CandidateID, o2.ID, actor); err != nil {
		t.Fatal(err)
	}
	if _, err := s.InviteFromPool(ctx, a.ID, in.CandidateID, o2.ID, actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("second invitation to the same offer = %v", err)
	}
	if _, err := s.InviteFromPool(ctx, a.ID, in.CandidateID, o1.ID, actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("invitation to an offer already applied to = %v", err)
	}
	if _, err := s.InviteFromPool(ctx, a.ID, lapsed.CandidateID, o2.ID, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("invitation of a lapsed consent = %v", err)
	}
	// B can neither invite A's candidate nor invite to A's offer.
	if _, err := s.InviteFromPool(ctx, b.ID, in.CandidateID, ob.ID, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B invites A's candidate = %v", err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskPoolInvitation); n != 1 {
		t.Errorf("%d invitation emails queued, want 1", n)
	}
	rows, _, err := s.TalentPool(ctx, a.ID, "", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !rows[0].InvitedTo(o2.ID) || rows[0].InvitedTo(o1.ID) {
		t.Errorf("invited = %v", rows[0].Invited)
	}
}

func TestRecruitedElsewhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files := localFiles(t)
	o1, o2, ob := openOffer(t, s, a.ID, "R-1"), openOffer(t, s, a.ID, "R-2"), openOffer(t, s, b.ID, "R-B")
	hired := applyAs(t, s, files, o1, "ines@exemple.fr", "Inès", "Moreau", false)
	other := applyAs(t, s, files, o2, "ines@exemple.fr", "Inès", "Moreau", false)
	inB := applyAs(t, s, files, ob, "ines@exemple.fr", "Inès", "Moreau", false)
	if flags, err := s.RecruitedElsewhere(ctx, a.ID, []int64{hired.ID, other.ID}); err != nil || len(flags) != 0 {
		t.Errorf("flags before any hire = %v (%v)", flags, err)
	}
	if _, err := s.MoveApplication(ctx, a.ID, hired.ID, vivier.Move{StageID: stepNamed(t, s, a.ID, "Recrutée").ID}, vivier.Actor{Email: "rh@a.fr"}); err != nil {
		t.Fatal(err)
	}
	flags, err := s.RecruitedElsewhere(ctx, a.ID, []int64{hired.ID, other.ID, inB.ID})
	if err != nil || !flags[other.ID] || flags[hired.ID] || flags[inB.ID] {
		t.Errorf("flags in A = %v, %v", flags, err)
	}
	if flags, err := s.RecruitedElsewhere(ctx, b.ID, []int64{inB.ID}); err != nil || flags[inB.ID] {
		t.Errorf("B learns of A's hire (%v)", err)
	}
}
