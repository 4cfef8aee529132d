package vivier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vivier"
)

func identityOf(t *testing.T, s *vivier.Store, appID int64) vivier.Identity {
	t.Helper()
	var id vivier.Identity
	if err := s.DB().Get(&id, `SELECT civility, first_name, last_name, phone FROM applications WHERE id = $1`, appID); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestIdentityStaysWithEachApplication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files := localFiles(t)
	oa, ob := openOffer(t, s, a.ID, "ID-A"), openOffer(t, s, b.ID, "ID-B")
	camille := applyAs(t, s, files, oa, "camille@exemple.fr", "Camille", "Martin", false)
	// Anyone types Camille's address with another name and phone.
	sub := submission(t, "camille@exemple.fr")
	sub.FirstName, sub.LastName, sub.Phone, sub.Civility = "Mallory", "Usurpe", "07 99 99 99 99", "monsieur"
	if err := sub.Validate(ob); err != nil {
		t.Fatal(err)
	}
	other, _, err := s.Apply(ctx, sub, ob, files)
	if err != nil {
		t.Fatal(err)
	}
	if got := identityOf(t, s, camille.ID); got != (vivier.Identity{FirstName: "Camille", LastName: "Martin", Phone: "+33612345678"}) {
		t.Errorf("A's application now says %+v", got)
	}
	if got := identityOf(t, s, other.ID); got.FirstName != "Mallory" || got.Phone != "+33799999999" {
		t.Errorf("B's application says %+v, not what was sent to B", got)
	}
	if other.CandidateID != camille.CandidateID {
		t.Error("one address, two candidate rows")
	}

	// The candidate changes their details from their space, on the
	// applications they choose; the others stay.
	if _, err := s.UpdateIdentityFromSpace(ctx, camille.CandidateID, []int64{camille.ID},
		vivier.Identity{FirstName: "Camille", LastName: "Martin-Roux", Phone: "0611"}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("a bad phone from the space = %v", err)
	}
	n, err := s.UpdateIdentityFromSpace(ctx, camille.CandidateID, []int64{camille.ID},
		vivier.Identity{Civility: "madame", FirstName: " Camille ", LastName: "Martin-Roux", Phone: "06 12 34 56 78"})
	if err != nil || n != 1 {
		t.Fatalf("update from the space = %d, %v", n, err)
	}
	if got := identityOf(t, s, camille.ID); got.LastName != "Martin-Roux" || got.FirstName != "Camille" || got.Civility != "madame" {
		t.Errorf("after the change: %+v", got)
	}
	if got := identityOf(t, s, other.ID); got.LastName != "Usurpe" {
		t.Errorf("an application not chosen changed: %+v", got)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM application_events WHERE application_id = $1 AND reason = $2`, camille.ID,
		"Coordonnées modifiées par la personne candidate : civilité, nom"); n != 1 {
		t.Errorf("%d history events for the change", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskIdentityChanged); n != 1 {
		t.Errorf("%d notices to the recruiters, want 1", n)
	}
	// The candidate's timeline shows moves, not the change of details.
	if apps, err := s.CandidateApplications(ctx, camille.CandidateID); err != nil || len(apps) != 2 || len(apps[1].Events) != 1 {
		t.Errorf("timeline after the change = %+v, %v", apps, err)
	}
	// Several ticked, one already so: the others change all the same.
	n, err = s.UpdateIdentityFromSpace(ctx, camille.CandidateID, []int64{camille.ID, other.ID},
		vivier.Identity{Civility: "madame", FirstName: "Camille", LastName: "Martin-Roux", Phone: "06 12 34 56 78"})
	if err != nil || n != 1 || identityOf(t, s, other.ID).LastName != "Martin-Roux" {
		t.Errorf("two ticked, one already so: %d changed, %v", n, err)
	}
	s.DB().MustExec(`UPDATE applications SET civility = 'monsieur', first_name = 'Mallory', last_name = 'Usurpe', phone = '+33799999999'
		WHERE id = $1`, other.ID)
	// Another address's space cannot touch them.
	stranger := applyAs(t, s, files, oa, "dominique@exemple.fr", "Dominique", "Petit", false)
	if _, err := s.UpdateIdentityFromSpace(ctx, stranger.CandidateID, []int64{camille.ID},
		vivier.Identity{FirstName: "X", LastName: "Y"}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("another address changes Camille's = %v", err)
	}

	// An agent of A corrects a typo; B's agents cannot.
	actor := vivier.Actor{Email: "rh@a.fr"}
	fix := vivier.Identity{Civility: "madame", FirstName: "Camille", LastName: "Martin-Rousseau", Phone: "+33612345678"}
	if err := s.CorrectIdentity(ctx, b.ID, camille.ID, fix, vivier.Actor{Email: "rh@b.fr"}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B corrects A's application = %v", err)
	}
	if err := s.CorrectIdentity(ctx, a.ID, camille.ID, vivier.Identity{FirstName: "", LastName: "X"}, actor); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("an empty first name = %v", err)
	}
	if err := s.CorrectIdentity(ctx, a.ID, camille.ID, fix, actor); err != nil {
		t.Fatal(err)
	}
	if got := identityOf(t, s, camille.ID); got.LastName != "Martin-Rousseau" {
		t.Errorf("after the correction: %+v", got)
	}
	var summary string
	if err := s.DB().Get(&summary, `SELECT summary::text FROM audit_log WHERE action = 'application.identity_corrected' AND administration_id = $1`,
		a.ID); err != nil || !strings.Contains(summary, "nom") || strings.Contains(summary, "Rousseau") {
		t.Errorf("audit = %q, %v (the fields, never the values)", summary, err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM application_events WHERE application_id = $1 AND actor = 'rh@a.fr'
		AND reason LIKE 'Coordonnées corrigées par rh@a.fr : nom'`, camille.ID); n != 1 {
		t.Errorf("%d history events for the correction", n)
	}
}

func TestTransferNeedsCandidateConsent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files := localFiles(t)
	o1, o2 := openOffer(t, s, a.ID, "T-1"), openOffer(t, s, a.ID, "T-2")
	actor := vivier.Actor{Email: "rh@a.fr"}
	inB := func() int {
		return countWhere(t, s, `SELECT count(*) FROM applications WHERE administration_id = $1`, b.ID)
	}

	t.Run("accepted", func(t *testing.T) {
		app := applyAs(t, s, files, o1, "ines@exemple.fr", "Inès", "Moreau", true)
		if _, err := s.ProposeTransfer(ctx, b.ID, app.ID, "a", actor); vivier.ErrorCode(err) != vivier.ENOTFOUND {
			t.Errorf("B proposes A's application = %v", err)
		}
		for _, slug := range []string{"inconnue", "a"} {
			if _, err := s.ProposeTransfer(ctx, a.ID, app.ID, slug, actor); vivier.ErrorCode(err) != vivier.EINVALID {
				t.Errorf("transfer to %q = %v", slug, err)
			}
		}
		id, err := s.ProposeTransfer(ctx, a.ID, app.ID, "b", actor)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ProposeTransfer(ctx, a.ID, app.ID, "b", actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
			t.Errorf("a second pending transfer = %v", err)
		}
		// B sees nothing before the candidate accepts.
		if inB() != 0 {
			t.Fatal("B received the application before the candidate's answer")
		}
		if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1 AND administration_id = $2`, vivier.TaskTransferProposed, a.ID); n != 1 {
			t.Errorf("%d proposals queued", n)
		}
		pending, err := s.PendingTransfers(ctx, app.CandidateID, time.Now())
		if err != nil || len(pending) != 1 || pending[0].ToAdminName != "B" {
			t.Fatalf("pending = %+v, %v", pending, err)
		}
		stranger := applyAs(t, s, files, o2, "autre@exemple.fr", "Autre", "Personne", false)
		if _, err := s.AcceptTransfer(ctx, stranger.CandidateID, id, files, time.Now()); vivier.ErrorCode(err) != vivier.ENOTFOUND {
			t.Errorf("another address accepts = %v", err)
		}
		newID, err := s.AcceptTransfer(ctx, app.CandidateID, id, files, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.ApplicationForAgents(ctx, b.ID, newID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Category != vivier.CategoryNew || got.OfferID != nil || got.TalentPoolAt != nil || len(got.Files) != 1 ||
			got.FirstName != "Inès" || got.Phone != "+33612345678" {
			t.Errorf("received in B: %+v", got.Application)
		}
		orig, err := s.ApplicationForAgents(ctx, a.ID, app.ID)
		if err != nil {
			t.Fatal(err)
		}
		if orig.Category != vivier.CategoryTransferred || orig.Files[0].Key == got.Files[0].Key {
			t.Errorf("original after the transfer: %+v", orig.Application)
		}
		for appID, want := range map[int64]string{app.ID: "Transférée à B avec l'accord de la personne candidate",
			newID: "Transférée par A avec l'accord de la personne candidate"} {
			if n := countWhere(t, s, `SELECT count(*) FROM application_events WHERE application_id = $1 AND reason = $2`, appID, want); n != 1 {
				t.Errorf("history of %d lacks %q", appID, want)
			}
		}
		if _, err := s.AcceptTransfer(ctx, app.CandidateID, id, files, time.Now()); vivier.ErrorCode(err) != vivier.ECONFLICT {
			t.Errorf("accepting twice = %v", err)
		}
	})

	t.Run("refused", func(t *testing.T) {
		before := inB()
		app := applyAs(t, s, files, o2, "lea@exemple.fr", "Léa", "Roux", false)
		id, err := s.ProposeTransfer(ctx, a.ID, app.ID, "b", actor)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RefuseTransfer(ctx, app.CandidateID, id, time.Now()); err != nil {
			t.Fatal(err)
		}
		if inB() != before {
			t.Error("B received a refused transfer")
		}
		if n := countWhere(t, s, `SELECT count(*) FROM applications WHERE id = $1 AND category = 'nouvelle'`, app.ID); n != 1 {
			t.Error("the refused transfer moved the application")
		}
		if _, err := s.AcceptTransfer(ctx, app.CandidateID, id, files, time.Now()); vivier.ErrorCode(err) != vivier.ECONFLICT {
			t.Errorf("accepting after refusing = %v", err)
		}
		if n := countWhere(t, s, `SELECT count(*) FROM application_events WHERE application_id = $1 AND reason LIKE '%refusé par la personne candidate'`,
			app.ID); n != 1 {
			t.Error("no history event for the refusal")
		}
	})

	t.Run("expired", func(t *testing.T) {
		before := inB()
		app := applyAs(t, s, files, o1, "hugo@exemple.fr", "Hugo", "Leroy", false)
		id, err := s.ProposeTransfer(ctx, a.ID, app.ID, "b", actor)
		if err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(vivier.TransferLifetime + time.Hour)
		if _, err := s.AcceptTransfer(ctx, app.CandidateID, id, files, later); vivier.ErrorCode(err) != vivier.ECONFLICT {
			t.Errorf("accepting after 15 days = %v", err)
		}
		if n, err := s.ExpireTransfers(ctx, time.Now()); err != nil || n != 0 {
			t.Errorf("expired too early: %d, %v", n, err)
		}
		if n, err := s.ExpireTransfers(ctx, later); err != nil || n != 1 {
			t.Fatalf("expired = %d, %v", n, err)
		}
		if inB() != before {
			t.Error("B received an expired transfer")
		}
		if list, err := s.ApplicationTransfers(ctx, a.ID, app.ID); err != nil || len(list) != 1 || list[0].Outcome != "expiree" {
			t.Errorf("transfers = %+v (%v)", list, err)
		}
		if n := countWhere(t, s, `SELECT count(*) FROM application_events WHERE application_id = $1 AND actor = 'tâche planifiée'
			AND reason LIKE 'Transfert à B annulé%'`, app.ID); n != 1 {
			t.Error("no history event for the expiry")
		}
	})
}

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

func TestTrackingLinkLifetime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	files := localFiles(t)
	o := openOffer(t, s, a.ID, "L-1")
	app := applyAs(t, s, files, o, "ines@exemple.fr", "Inès", "Moreau", false)
	token, hash := vivier.NewToken()
	if err := s.CreateTrackingLink(ctx, app.CandidateID, &app.ID, hash); err != nil {
		t.Fatal(err)
	}
	got, err := s.CandidateByToken(ctx, token)
	if err != nil || got.LinkApplicationID == nil || *got.LinkApplicationID != app.ID {
		t.Fatalf("open application: %+v, %v", got, err)
	}
	// Closed, within the retention period (24 months by default): valid.
	s.DB().MustExec(`UPDATE applications SET category = 'refusee', last_activity_at = now() - interval '23 months' WHERE id = $1`, app.ID)
	if _, err := s.CandidateByToken(ctx, token); err != nil {
		t.Errorf("closed 23 months ago: %v", err)
	}
	// Past it: refused, with the message that offers a new link.
	s.DB().MustExec(`UPDATE applications SET last_activity_at = now() - interval '25 months' WHERE id = $1`, app.ID)
	if _, err := s.CandidateByToken(ctx, token); err != vivier.ErrTrackingLinkExpired {
		t.Errorf("closed 25 months ago: %v", err)
	}
	// A shorter retention period shortens the link.
	s.DB().MustExec(`UPDATE applications SET last_activity_at = now() - interval '7 months' WHERE id = $1`, app.ID)
	if _, err := s.CandidateByToken(ctx, token); err != nil {
		t.Errorf("closed 7 months ago: %v", err)
	}
	s.DB().MustExec(`UPDATE administrations SET retention_months = 6 WHERE id = $1`, a.ID)
	if _, err := s.CandidateByToken(ctx, token); err != vivier.ErrTrackingLinkExpired {
		t.Errorf("closed 7 months ago, 6 months' retention: %v", err)
	}
	// A hire keeps its link: the administration keeps the application.
	s.DB().MustExec(`UPDATE applications SET category = 'acceptee', last_activity_at = now() - interval '30 months' WHERE id = $1`, app.ID)
	if _, err := s.CandidateByToken(ctx, token); err != nil {
		t.Errorf("a hire 30 months ago: %v", err)
	}
	// Opening the space writes nothing.
	if n := countWhere(t, s, `SELECT count(*) FROM tracking_links WHERE last_used_at IS NOT NULL`); n != 0 {
		t.Error("opening a link wrote its use")
	}
}

// One administration's retention anonymises what was sent to it, and only
// that; the candidate's erasure from their space erases everywhere.
func TestRetentionErasesOnlyWhatTheAdministrationHeld(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files := localFiles(t)
	inA := applyAs(t, s, files, openOffer(t, s, a.ID, "RET-A"), "ines@exemple.fr", "Inès", "Moreau", false)
	inB := applyAs(t, s, files, openOffer(t, s, b.ID, "RET-B"), "ines@exemple.fr", "Inès", "Moreau", false)
	s.DB().MustExec(`UPDATE administrations SET retention_months = 6 WHERE id = $1`, a.ID)
	s.DB().MustExec(`UPDATE applications SET last_activity_at = now() - interval '7 months' WHERE id = $1`, inA.ID)
	if _, erased, err := s.AnonymiseStaleApplications(ctx, time.Now(), files); err != nil || erased != 0 {
		t.Fatalf("retention = %d erased, %v", erased, err)
	}
	if got := identityOf(t, s, inA.ID); got != (vivier.Identity{}) {
		t.Errorf("A's anonymised application still says %+v", got)
	}
	if got := identityOf(t, s, inB.ID); got.FirstName != "Inès" || got.Phone != "+33612345678" {
		t.Errorf("A's retention erased what B holds: %+v", got)
	}
	if err := s.EraseCandidate(ctx, inB.CandidateID, files); err != nil {
		t.Fatal(err)
	}
	if got := identityOf(t, s, inB.ID); got != (vivier.Identity{}) {
		t.Errorf("after the candidate's erasure B's application says %+v", got)
	}
}
