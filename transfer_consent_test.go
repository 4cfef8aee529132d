package vivier_test

import (
	"context"
	"testing"
	"time"

	"vivier"
)

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
