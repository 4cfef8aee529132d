package jobs_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vivier"
)

// convokeToChoose convokes the application to a new session of chosen
// slots closing at deadline, with one slot of two places at start; it
// returns the interview and the slot.
func convokeToChoose(t *testing.T, f *fixture, app *vivier.Application, start, deadline time.Time) (iv, slot int64) {
	t.Helper()
	db := f.store.DB()
	var session int64
	if err := db.QueryRow(`INSERT INTO interview_sessions (administration_id, offer_id, title, mode, starts_at, duration_minutes,
			place, choice_deadline, organizer, created_by)
		VALUES ($1, $2, 'Entretiens de printemps', 'choix', $3, 45, 'Mairie, salle 4', $4, 'rh@mairie.test', 'rh@mairie.test')
		RETURNING id`, app.AdministrationID, app.OfferID, start, deadline).Scan(&session); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`INSERT INTO interview_slots (session_id, starts_at, duration_minutes, capacity) VALUES ($1, $2, 45, 2)
		RETURNING id`, session, start).Scan(&slot); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`INSERT INTO interviews (administration_id, application_id, starts_at, duration_minutes, place, organizer,
			status, session_id) VALUES ($1, $2, $3, 45, 'Mairie, salle 4', 'rh@mairie.test', 'a_choisir', $4) RETURNING id`,
		app.AdministrationID, app.ID, start, session).Scan(&iv); err != nil {
		t.Fatal(err)
	}
	return iv, slot
}

func TestSlotReminderIsSentOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	booked := applyTo(t, f, app, "Hugo", "hugo@exemple.fr")
	paris := vivier.Paris()
	now := time.Now().In(paris)
	deadline := time.Date(now.Year(), now.Month(), now.Day()+10, 12, 0, 0, 0, paris)
	start := deadline.AddDate(0, 0, 3)
	iv, _ := convokeToChoose(t, f, app, start, deadline)
	// One who already chose gets no reminder.
	other, slot := convokeToChoose(t, f, booked, start, deadline)
	if err := f.store.BookSlot(ctx, booked.CandidateID, other, slot, time.Now()); err != nil {
		t.Fatal(err)
	}

	// Two days before: nothing; within the last day, at two ticks: one email.
	if n, err := f.worker.SendSlotReminders(ctx, deadline.Add(-48*time.Hour)); err != nil || n != 0 {
		t.Fatalf("two days before: %d, %v", n, err)
	}
	before := len(f.smtp.Messages())
	for _, at := range []time.Time{deadline.Add(-20 * time.Hour), deadline.Add(-19 * time.Hour)} {
		if _, err := f.worker.SendSlotReminders(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	msgs := f.smtp.Messages()[before:]
	if len(msgs) != 1 {
		t.Fatalf("%d reminders, want 1", len(msgs))
	}
	m := msgs[0]
	link := trackingURL.FindString(m.Text)
	if m.To[0] != "ines@exemple.fr" || !strings.HasPrefix(m.Subject, "Choisissez votre créneau") ||
		!strings.Contains(m.Text, vivier.FrenchDateTime(deadline, paris)) || link == "" ||
		!strings.Contains(m.Text, link+"#convocation-"+itoa(iv)) {
		t.Fatalf("reminder to %v: %q\n%s", m.To, m.Subject, m.Text)
	}
	// The link opens the space.
	if _, err := f.store.CandidateByToken(ctx, strings.TrimPrefix(link, "http://vivier.test/suivi/")); err != nil {
		t.Errorf("the reminder's link: %v", err)
	}
	// Past the deadline, none more.
	if n, err := f.worker.SendSlotReminders(ctx, deadline.Add(time.Minute)); err != nil || n != 0 {
		t.Errorf("%d reminders past the deadline, %v", n, err)
	}
}

// A booked slot is an accepted interview: the day-before reminder of
// interviews covers it, at the slot's time.
func TestBookedSlotGetsTheInterviewReminder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	paris := vivier.Paris()
	now := time.Now().In(paris)
	start := time.Date(now.Year(), now.Month(), now.Day()+12, 10, 15, 0, 0, paris)
	iv, slot := convokeToChoose(t, f, app, start.Add(-2*time.Hour), start.AddDate(0, 0, -2))
	if _, err := f.store.DB().Exec(`UPDATE interview_slots SET starts_at = $2 WHERE id = $1`, slot, start); err != nil {
		t.Fatal(err)
	}
	// Not chosen yet: no interview reminder (the time is the session's).
	if n, err := f.worker.SendInterviewReminders(ctx, start.Add(-20*time.Hour)); err != nil || n != 0 {
		t.Fatalf("reminded of an unchosen slot: %d, %v", n, err)
	}
	if err := f.store.BookSlot(ctx, app.CandidateID, iv, slot, time.Now()); err != nil {
		t.Fatal(err)
	}
	before := len(f.smtp.Messages())
	if n, err := f.worker.SendInterviewReminders(ctx, start.Add(-20*time.Hour)); err != nil || n != 1 {
		t.Fatalf("reminders of a booked slot: %d, %v", n, err)
	}
	m := f.smtp.Messages()[before]
	if !strings.HasPrefix(m.Subject, "Rappel") || !strings.Contains(m.Text, vivier.FrenchDateTime(start, paris)) ||
		!strings.Contains(m.Text, "Mairie, salle 4") {
		t.Errorf("reminder: %q\n%s", m.Subject, m.Text)
	}
}
