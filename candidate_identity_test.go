package vivier_test

import (
	"context"
	"strings"
	"testing"

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
