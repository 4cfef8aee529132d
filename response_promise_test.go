package vivier_test

import (
	"context"
	"testing"
	"time"

	"vivier"
)

// The response promise's queries: overdue applications, the 80 % reminder
// window, automatic refusals; each of one administration only.
func TestResponsePromise(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	apply := func(adm *vivier.Administration, ref, email string, ageDays int) *vivier.Application {
		t.Helper()
		o := openOffer(t, s, adm.ID, ref)
		sub := submission(t, email)
		if err := sub.Validate(o); err != nil {
			t.Fatal(err)
		}
		app, _, err := s.Apply(ctx, sub, o, files)
		if err != nil {
			t.Fatal(err)
		}
		s.DB().MustExec(`UPDATE applications SET created_at = now() - make_interval(days => $2), last_activity_at = now() - make_interval(days => $2)
			WHERE id = $1`, app.ID, ageDays)
		return app
	}
	late := apply(a, "P-1", "late@exemple.fr", 20)
	soon := apply(a, "P-2", "soon@exemple.fr", 13) // 80 % of 15 days is 12
	fresh := apply(a, "P-3", "fresh@exemple.fr", 2)
	elsewhere := apply(b, "P-4", "other@exemple.fr", 70)
	now := time.Now()

	list, total, err := s.OverdueApplications(ctx, a.ID, now, 10)
	if err != nil || total != 1 || len(list) != 1 || list[0].ID != late.ID {
		t.Fatalf("overdue of A = %+v (%d), %v", list, total, err)
	}
	if list[0].Due.Sub(list[0].CreatedAt) != 15*24*time.Hour {
		t.Errorf("due %v for %v", list[0].Due, list[0].CreatedAt)
	}
	due, err := s.ResponseRemindersDue(ctx, now)
	if err != nil || len(due) != 1 || due[0].ApplicationID != soon.ID || due[0].AdministrationID != a.ID {
		t.Fatalf("reminders = %+v, %v", due, err)
	}
	// A decision answers: a refused application is no longer overdue.
	steps, err := s.Steps(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	reasons, err := s.RefusalReasons(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var refused int64
	for _, st := range steps {
		if st.Category == vivier.CategoryRefused {
			refused = st.ID
		}
	}
	if _, err := s.MoveApplication(ctx, a.ID, late.ID, vivier.Move{StageID: refused, ReasonID: reasons[0].ID}, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if _, total, err := s.OverdueApplications(ctx, a.ID, now, 10); err != nil || total != 0 {
		t.Errorf("a refused application still overdue (%v)", err)
	}

	// Automatic refusal: only where chosen, only past the second delay.
	if err := s.SetAutoRefuse(ctx, b.ID, vivier.AutoRefuseSettings{Enabled: true, Days: 60}, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	todo, err := s.AutoRefuseDue(ctx, now)
	if err != nil || len(todo) != 1 || todo[0].ApplicationID != elsewhere.ID {
		t.Fatalf("auto refuse due = %+v, %v", todo, err)
	}
	if ok, err := s.AutoRefuse(ctx, a.ID, elsewhere.ID, now); ok || err != nil {
		t.Fatalf("refused through another administration: %v, %v", ok, err)
	}
	if ok, err := s.AutoRefuse(ctx, b.ID, elsewhere.ID, now); !ok || err != nil {
		t.Fatalf("auto refuse = %v, %v", ok, err)
	}
	if ok, err := s.AutoRefuse(ctx, b.ID, elsewhere.ID, now); err != nil || ok {
		t.Fatalf("refused twice (%v)", err)
	}

	// A recruiter's message: to the administration's applications only.
	if err := s.SendRecruiterMessage(ctx, b.ID, fresh.ID, "Bonjour", vivier.Actor{}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("message through another administration: %v", err)
	}
	if err := s.SendRecruiterMessage(ctx, a.ID, fresh.ID, "Bonjour", vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if msgs, err := s.ApplicationMessages(ctx, b.ID, fresh.ID); err != nil || len(msgs) != 0 {
		t.Fatalf("another administration reads the messages: %+v (%v)", msgs, err)
	}
	if msgs, err := s.ApplicationMessages(ctx, a.ID, fresh.ID); err != nil || len(msgs) != 1 || msgs[0].FromCandidate {
		t.Fatalf("messages = %+v (%v)", msgs, err)
	}
}
