package vivier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vivier"
)

func TestMergeNeverMovesOwnershipWithoutBothConfirmations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files := localFiles(t)
	o1, o2, o3, ob := openOffer(t, s, a.ID, "D-1"), openOffer(t, s, a.ID, "D-2"), openOffer(t, s, a.ID, "D-3"), openOffer(t, s, b.ID, "D-B")
	x := applyAs(t, s, files, o1, "x@exemple.fr", "Camille", "Martin", false)
	y := applyAs(t, s, files, o2, "y@exemple.fr", "camille", "MARTIN", false)
	yb := applyAs(t, s, files, ob, "y@exemple.fr", "Camille", "Martin", false)
	actor := vivier.Actor{Email: "admin@a.fr"}

	pairs, err := s.Duplicates(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 1 || pairs[0].Keep.ID != x.CandidateID || pairs[0].Other.ID != y.CandidateID || pairs[0].Blocked != "" ||
		!strings.Contains(strings.Join(pairs[0].Matched, ","), "le nom et le téléphone") {
		t.Fatalf("pairs = %+v", pairs)
	}
	// B compares only what was sent to B: one candidate, no pair.
	if pb, err := s.Duplicates(ctx, b.ID); err != nil || len(pb) != 0 {
		t.Errorf("B's duplicates = %+v (%v)", pb, err)
	}
	if _, err := s.RequestMerge(ctx, b.ID, x.CandidateID, y.CandidateID, actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B asks to merge A's candidates = %v", err)
	}
	owner := func(appID int64) int64 {
		return int64(countWhere(t, s, `SELECT candidate_id FROM applications WHERE id = $1`, appID))
	}
	id, err := s.RequestMerge(ctx, a.ID, x.CandidateID, y.CandidateID, actor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RequestMerge(ctx, a.ID, y.CandidateID, x.CandidateID, actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("a second request for the pair = %v", err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskMergeConfirm); n != 2 {
		t.Errorf("%d confirmation emails queued, want one per address", n)
	}
	// The request alone, then one confirmation, move nothing.
	if owner(y.ID) != y.CandidateID || owner(yb.ID) != y.CandidateID {
		t.Fatal("the request moved an application")
	}
	stranger := applyAs(t, s, files, o3, "z@exemple.fr", "Zoé", "Autre", false)
	if _, err := s.AnswerMerge(ctx, stranger.CandidateID, id, true, time.Now()); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("a third address confirms = %v", err)
	}
	merged, err := s.AnswerMerge(ctx, x.CandidateID, id, true, time.Now())
	if err != nil || merged {
		t.Fatalf("first confirmation = %v, %v", merged, err)
	}
	if _, err := s.AnswerMerge(ctx, x.CandidateID, id, true, time.Now()); err != nil {
		t.Errorf("confirming twice from one address = %v", err)
	}
	if owner(y.ID) != y.CandidateID {
		t.Fatal("one confirmation moved an application")
	}
	if _, err := s.AnswerMerge(ctx, y.CandidateID, id, true, time.Now().Add(vivier.MergeLifetime+time.Hour)); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("confirming after the lifetime = %v", err)
	}
	merged, err = s.AnswerMerge(ctx, y.CandidateID, id, true, time.Now())
	if err != nil || !merged {
		t.Fatalf("second confirmation = %v, %v", merged, err)
	}
	if owner(y.ID) != x.CandidateID || owner(yb.ID) != x.CandidateID {
		t.Error("both confirmed, the applications did not move")
	}
	if got := identityOf(t, s, y.ID); got.FirstName != "camille" || got.LastName != "MARTIN" {
		t.Errorf("the merge changed what an application says: %+v", got)
	}
	for _, adm := range []int64{a.ID, b.ID} {
		if n := countWhere(t, s, `SELECT count(*) FROM audit_log WHERE administration_id = $1 AND action = 'candidate.merged'`, adm); n != 1 {
			t.Errorf("%d audit entries for the merge in %d", n, adm)
		}
	}

	// A refusal from either address ends a request.
	p := applyAs(t, s, files, o1, "p@exemple.fr", "Sacha", "Petit", false)
	q := applyAs(t, s, files, o2, "q@exemple.fr", "Sacha", "Petit", false)
	id2, err := s.RequestMerge(ctx, a.ID, p.CandidateID, q.CandidateID, actor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerMerge(ctx, p.CandidateID, id2, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerMerge(ctx, q.CandidateID, id2, false, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerMerge(ctx, q.CandidateID, id2, true, time.Now()); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("confirming after a refusal = %v", err)
	}
	if owner(q.ID) != q.CandidateID {
		t.Error("a refused merge moved an application")
	}
	// Two addresses that applied to one offer cannot be merged.
	r := applyAs(t, s, files, o3, "r@exemple.fr", "Zoé", "Autre", false)
	if _, err := s.RequestMerge(ctx, a.ID, stranger.CandidateID, r.CandidateID, actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("merge of two applications to one offer = %v", err)
	}
}
