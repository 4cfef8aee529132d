package vivier_test

import (
	"context"
	"strconv"
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
	if rows, _, _ := s.TalentPool(ctx, b.ID, "", 1); len(rows) != 1 || rows[0].FirstName != "Basile" {
		t.Errorf("B's pool = %+v", rows)
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
	rows, _, _ := s.TalentPool(ctx, a.ID, "", 1)
	if !rows[0].InvitedTo(o2.ID) || rows[0].InvitedTo(o1.ID) {
		t.Errorf("invited = %v", rows[0].Invited)
	}
}

func TestDuplicatesAndMerge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files := localFiles(t)
	o1, o2, o3, ob := openOffer(t, s, a.ID, "D-1"), openOffer(t, s, a.ID, "D-2"), openOffer(t, s, a.ID, "D-3"), openOffer(t, s, b.ID, "D-B")
	x := applyAs(t, s, files, o1, "x@exemple.fr", "Camille", "Martin", false)
	y := applyAs(t, s, files, o2, "y@exemple.fr", "camille", "MARTIN", false)
	z := applyAs(t, s, files, o3, "z@exemple.fr", "Camille", "Martin", false)
	applyAs(t, s, files, ob, "z@exemple.fr", "Camille", "Martin", false)
	applyAs(t, s, files, o1, "autre@exemple.fr", "Camille", "Durand", false)
	actor := vivier.Actor{Email: "admin@a.fr"}

	pairs, err := s.Duplicates(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 3 {
		t.Fatalf("pairs = %+v", pairs)
	}
	blocked := 0
	for _, p := range pairs {
		if p.Blocked != "" {
			blocked++
		} else if p.Keep.ID != x.CandidateID || p.Other.ID != y.CandidateID {
			t.Errorf("mergeable pair %d+%d, want %d+%d", p.Keep.ID, p.Other.ID, x.CandidateID, y.CandidateID)
		}
	}
	if blocked != 2 {
		t.Errorf("%d pairs blocked (z also applied to B), want 2", blocked)
	}
	// B sees its own candidate alone: no pair, and cannot merge A's.
	if pb, _ := s.Duplicates(ctx, b.ID); len(pb) != 0 {
		t.Errorf("B's duplicates = %+v", pb)
	}
	if err := s.MergeCandidates(ctx, b.ID, x.CandidateID, y.CandidateID, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B merges A's candidates = %v", err)
	}
	if err := s.MergeCandidates(ctx, a.ID, x.CandidateID, z.CandidateID, actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("merge with a candidate of B too = %v", err)
	}
	eventsY := countWhere(t, s, `SELECT count(*) FROM application_events WHERE application_id = $1`, y.ID)
	filesY := countWhere(t, s, `SELECT count(*) FROM application_files WHERE application_id = $1`, y.ID)
	if err := s.MergeCandidates(ctx, a.ID, x.CandidateID, y.CandidateID, actor); err != nil {
		t.Fatal(err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM applications WHERE candidate_id = $1`, x.CandidateID); n != 2 {
		t.Errorf("kept candidate has %d applications, want 2", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM candidates WHERE id = $1`, y.CandidateID); n != 0 {
		t.Error("the merged candidate is still there")
	}
	if n := countWhere(t, s, `SELECT count(*) FROM application_events WHERE application_id = $1`, y.ID); n != eventsY || n == 0 {
		t.Errorf("events of the moved application: %d, want %d", n, eventsY)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM application_files WHERE application_id = $1`, y.ID); n != filesY || n == 0 {
		t.Errorf("files of the moved application: %d, want %d", n, filesY)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM audit_log WHERE administration_id = $1 AND action = 'candidate.merged'`, a.ID); n != 1 {
		t.Errorf("%d audit entries for the merge", n)
	}
	if err := s.MergeCandidates(ctx, a.ID, x.CandidateID, y.CandidateID, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("merging again = %v", err)
	}
}

func TestTransfers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files := localFiles(t)
	o1, o2 := openOffer(t, s, a.ID, "T-1"), openOffer(t, s, a.ID, "T-2")
	app := applyAs(t, s, files, o1, "ines@exemple.fr", "Inès", "Moreau", true)
	actor := vivier.Actor{Email: "rh@a.fr"}

	// B can do nothing with A's application.
	if err := s.TransferToOffer(ctx, b.ID, app.ID, o2.ID, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B transfers A's application to an offer = %v", err)
	}
	if _, err := s.TransferToAdministration(ctx, b.ID, app.ID, "a", files, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B transfers A's application = %v", err)
	}
	// Within A.
	if err := s.TransferToOffer(ctx, a.ID, app.ID, o1.ID, actor); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("transfer to its own offer = %v", err)
	}
	if err := s.TransferToOffer(ctx, a.ID, app.ID, o2.ID, actor); err != nil {
		t.Fatal(err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM applications WHERE id = $1 AND offer_id = $2 AND category = 'nouvelle'`, app.ID, o2.ID); n != 1 {
		t.Error("not moved to the other offer")
	}
	if n := countWhere(t, s, `SELECT count(*) FROM application_events WHERE application_id = $1 AND reason LIKE 'Transférée de « %'`, app.ID); n != 1 {
		t.Error("no history event for the transfer")
	}
	// To B.
	for _, slug := range []string{"inconnue", "a"} {
		if _, err := s.TransferToAdministration(ctx, a.ID, app.ID, slug, files, actor); vivier.ErrorCode(err) != vivier.EINVALID {
			t.Errorf("transfer to %q = %v", slug, err)
		}
	}
	newID, err := s.TransferToAdministration(ctx, a.ID, app.ID, "b", files, actor)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ApplicationForAgents(ctx, b.ID, newID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Category != vivier.CategoryNew || got.OfferID != nil || got.TalentPoolAt != nil || len(got.Files) != 1 || got.CandidateID != app.CandidateID {
		t.Errorf("received in B: %+v", got.Application)
	}
	orig, _ := s.ApplicationForAgents(ctx, a.ID, app.ID)
	if orig.Category != vivier.CategoryTransferred || orig.StageID != nil || len(orig.Files) != 1 || orig.Files[0].Key == got.Files[0].Key ||
		orig.Files[0].SHA256 != got.Files[0].SHA256 {
		t.Errorf("original after the transfer: %+v", orig.Application)
	}
	if list, _ := s.ApplicationsOf(ctx, b.ID, true, 0, 10, vivier.Scope{}); len(list) != 1 || list[0].ID != newID {
		t.Errorf("B's spontaneous applications = %+v", list)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE administration_id = $1 AND task_type IN ($2, $3) AND payload->>'application_id' = $4`,
		b.ID, vivier.TaskApplicationTransferred, vivier.TaskNewApplication, strconv.FormatInt(newID, 10)); n != 2 {
		t.Errorf("%d emails queued for the transfer, want the candidate's and B's recruiters'", n)
	}
	if from, err := s.TransferredFrom(ctx, b.ID, newID); err != nil || from.AdminName != "A" {
		t.Errorf("origin = %+v, %v", from, err)
	}
	if _, err := s.TransferToAdministration(ctx, a.ID, app.ID, "b", files, actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("transferring a closed application = %v", err)
	}
	if vivier.StatusLabel(vivier.CategoryTransferred, false) == "supprimée" {
		t.Error("a transferred application reads as erased to the candidate")
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
	if flags, _ := s.RecruitedElsewhere(ctx, a.ID, []int64{hired.ID, other.ID}); len(flags) != 0 {
		t.Errorf("flags before any hire = %v", flags)
	}
	if _, err := s.MoveApplication(ctx, a.ID, hired.ID, vivier.Move{StageID: stepNamed(t, s, a.ID, "Recrutée").ID}, vivier.Actor{Email: "rh@a.fr"}); err != nil {
		t.Fatal(err)
	}
	flags, err := s.RecruitedElsewhere(ctx, a.ID, []int64{hired.ID, other.ID, inB.ID})
	if err != nil || !flags[other.ID] || flags[hired.ID] || flags[inB.ID] {
		t.Errorf("flags in A = %v, %v", flags, err)
	}
	if flags, _ := s.RecruitedElsewhere(ctx, b.ID, []int64{inB.ID}); flags[inB.ID] {
		t.Error("B learns of A's hire")
	}
}
