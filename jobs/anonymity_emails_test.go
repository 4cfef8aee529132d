package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vivier"
)

// screenAnonymously makes app's offer screen anonymously until the last
// "en cours" step of its administration, which app has not reached.
func screenAnonymously(t *testing.T, f *fixture, app *vivier.Application) {
	t.Helper()
	var step int64
	if err := f.store.DB().Get(&step, `SELECT id FROM pipeline_steps WHERE administration_id = $1 AND category = $2
		ORDER BY position DESC LIMIT 1`, app.AdministrationID, vivier.CategoryReview); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetOfferAnonymity(context.Background(), app.AdministrationID, *app.OfferID, step, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if k, err := f.store.IdentityMask(context.Background(), app.AdministrationID, 0, app.ID); err != nil || k == nil {
		t.Fatalf("the application is not masked (%v)", err)
	}
}

// The interviewers' and recruiters' emails of a masked applicant (the
// session's event and its ICS, the notice of its answer) read the
// pseudonym, and its message without what names it.
func TestInterviewEmailsOfAMaskedApplicantNameNoOne(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f) // Inès Moreau, ines@exemple.fr
	screenAnonymously(t, f, app)
	leaks := func(what, text string) {
		t.Helper()
		low := strings.ToLower(text)
		for _, n := range []string{"inès", "ines", "moreau", "06 12 34 56 78"} {
			if strings.Contains(low, n) {
				t.Errorf("%s names the masked applicant (%q): %s", what, n, text)
			}
		}
	}

	iv := invite(t, f, app, time.Now().Add(72*time.Hour))
	if err := f.store.AnswerInterview(ctx, app.CandidateID, iv.ID, false, "Inès Moreau : plutôt le jeudi, au 06 12 34 56 78.", time.Now()); err != nil {
		t.Fatal(err)
	}
	msgs := f.lastOutbox(t, vivier.TaskInterviewAnswered)
	if len(msgs) != 1 {
		t.Fatalf("%d notices of the answer", len(msgs))
	}
	if m := msgs[0]; !strings.Contains(m.Subject, "Candidat·e 1") || !strings.Contains(m.Text, "plutôt le jeudi") {
		t.Errorf("notice: %q\n%s", m.Subject, m.Text)
	}
	leaks("the notice of the answer", msgs[0].Subject+msgs[0].Text+msgs[0].HTML)

	paris := vivier.Paris()
	now := time.Now().In(paris)
	sess, actor := newSession(t, f.store, app, time.Date(now.Year(), now.Month(), now.Day()+10, 9, 0, 0, 0, paris))
	if res, err := f.store.Convoke(ctx, app.AdministrationID, sess.ID, []int64{app.ID}, actor, time.Now()); err != nil || len(res.Convoked) != 1 {
		t.Fatalf("convoked %+v, %v", res, err)
	}
	msgs = f.lastOutbox(t, vivier.TaskSessionInterviewers)
	if len(msgs) != 2 {
		t.Fatalf("%d emails to the interviewers", len(msgs))
	}
	for _, m := range msgs {
		if !strings.Contains(m.Text, "Candidat·e 1") {
			t.Errorf("the email to %s does not list the pseudonym: %s", m.To[0], m.Text)
		}
		all := m.Subject + m.Text + m.HTML
		for _, a := range m.Attachments {
			all += string(a.Data)
		}
		leaks("the session's email to "+m.To[0], all)
	}
}
