package jobs_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/jobstest"
)

// lastOutbox runs the newest outbox row of a task type, twice under its id
// as a retry after a crash would, and returns the emails it sent.
func (f *fixture) lastOutbox(t *testing.T, taskType string) []jobstest.Message {
	t.Helper()
	var id int64
	var payload []byte
	if err := f.store.DB().QueryRowContext(context.Background(), `SELECT id, payload FROM outbox WHERE task_type = $1 ORDER BY id DESC LIMIT 1`,
		taskType).Scan(&id, &payload); err != nil {
		t.Fatal(err)
	}
	before := len(f.smtp.Messages())
	for range 2 {
		if err := f.runTask(taskType, jobs.OutboxTaskID(id), payload); err != nil {
			t.Fatal(err)
		}
	}
	return f.smtp.Messages()[before:]
}

func invite(t *testing.T, f *fixture, app *vivier.Application, at time.Time) *vivier.Interview {
	t.Helper()
	ctx := context.Background()
	rec, err := f.store.Recruiters(ctx, app.AdministrationID)
	if err != nil || len(rec) == 0 {
		t.Fatalf("recruiters: %v %v", rec, err)
	}
	iv, err := f.store.InviteToInterview(ctx, app.AdministrationID, app.ID, vivier.InterviewRequest{StartsAt: at, DurationMinutes: 90,
		Place: "Mairie, salle <B>", VideoURL: "https://visio.exemple.fr/abc", Message: "Venez avec vos diplômes.",
		Interviewers: []int64{rec[0].ID}}, vivier.Actor{AgentID: rec[0].ID, Email: rec[0].Email}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return iv
}

func TestInterviewInvitationCarriesAValidICS(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	// The administration's own template, with a name that tries HTML.
	if _, err := f.store.DB().Exec(`UPDATE applications SET first_name = '<i>Inès</i>' WHERE id = $1`, app.ID); err != nil {
		t.Fatal(err)
	}
	mine := vivier.EmailTemplate{Event: vivier.EventInterview, Subject: "Entretien le {{date_entretien}}",
		Body: "Bonjour {{prenom}},\n\nRendez-vous {{lieu_entretien}} ({{duree_entretien}}).\n\n{{message}}\n\nRépondez ici : {{lien_suivi}}"}
	if err := f.store.SaveEmailTemplate(ctx, app.AdministrationID, mine, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	paris := vivier.Paris()
	now := time.Now().In(paris)
	start := time.Date(now.Year(), now.Month(), now.Day()+30, 14, 30, 0, 0, paris)
	iv := invite(t, f, app, start)
	msgs := f.lastOutbox(t, vivier.TaskInterviewInvitation)
	if len(msgs) != 1 {
		t.Fatalf("%d invitation emails for one task run twice", len(msgs))
	}
	m := f.smtp.Messages()[len(f.smtp.Messages())-1]
	if m.To[0] != "ines@exemple.fr" || m.Subject != "Entretien le "+vivier.FrenchDateTime(start, paris) || !strings.HasSuffix(m.Subject, " à 14 h 30") {
		t.Errorf("to %v, subject %q", m.To, m.Subject)
	}
	if !strings.Contains(m.Text, "Bonjour <i>Inès</i>,") || !strings.Contains(m.Text, "(1 h 30)") || !strings.Contains(m.Text, "http://vivier.test/suivi/") {
		t.Errorf("text part: %q", m.Text)
	}
	if strings.Contains(m.HTML, "<i>Inès") || !strings.Contains(m.HTML, "&lt;i&gt;Inès&lt;/i&gt;") || !strings.Contains(m.HTML, "salle &lt;B&gt;") {
		t.Errorf("HTML part not escaped: %q", m.HTML)
	}
	// The tracking link in the email opens the candidate's space.
	i := strings.Index(m.Text, "/suivi/")
	token := strings.Fields(m.Text[i+len("/suivi/"):])[0]
	if c, err := f.store.CandidateByToken(ctx, token); err != nil || c.ID != app.CandidateID {
		t.Errorf("the link opens %v, %v", c, err)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != "invitation.ics" ||
		!strings.HasPrefix(m.Attachments[0].ContentType, "text/calendar") || !strings.Contains(m.Attachments[0].ContentType, "method=REQUEST") {
		t.Fatalf("attachments: %+v", m.Attachments)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(m.Attachments[0].Data))
	if err != nil {
		t.Fatalf("ICS does not parse: %v\n%s", err, m.Attachments[0].Data)
	}
	if p := cal.CalendarProperties; !strings.Contains(string(m.Attachments[0].Data), "METHOD:REQUEST") || len(p) == 0 {
		t.Errorf("no METHOD:REQUEST: %s", m.Attachments[0].Data)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events", len(events))
	}
	ev := events[0]
	if got, err := ev.GetStartAt(); err != nil || !got.Equal(start) {
		t.Errorf("DTSTART = %v, %v; want %v", got, err, start)
	}
	if got, err := ev.GetEndAt(); err != nil || !got.Equal(start.Add(90*time.Minute)) {
		t.Errorf("DTEND = %v, %v", got, err)
	}
	if ev.Id() != iv.UID+"@vivier.test" || iv.UID == "" {
		t.Errorf("UID = %q", ev.Id())
	}
	if s := ev.GetProperty(ics.ComponentPropertySummary); s == nil || s.Value != "Entretien avec Mairie de Lille : Jardinier·ère" {
		t.Errorf("SUMMARY = %+v", s)
	}
	if o := ev.GetProperty(ics.ComponentPropertyOrganizer); o == nil || o.Value != "mailto:rh@mairie.test" {
		t.Errorf("ORGANIZER = %+v", o)
	}
	att := map[string]ics.ParticipationStatus{}
	for _, a := range ev.Attendees() {
		att[a.Email()] = a.ParticipationStatus()
	}
	if att["ines@exemple.fr"] != ics.ParticipationStatusNeedsAction || att["rh@mairie.test"] != ics.ParticipationStatusAccepted {
		t.Errorf("attendees: %v", att)
	}
	// The same interview gives the same file: a retry or a resend updates
	// the calendar's event rather than adding one.
	iv2, err := f.store.InterviewByID(ctx, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := f.store.ApplicationSummaryByID(ctx, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := jobs.InterviewICS(iv2, sum, "http://vivier.test"), jobs.InterviewICS(iv2, sum, "http://vivier.test"); !bytes.Equal(a, b) {
		t.Error("the ICS of one interview changes between two builds")
	}
}

func TestInterviewReminderIsSentOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	app := applyOnce(t, f)
	paris := vivier.Paris()
	now := time.Now().In(paris)
	start := time.Date(now.Year(), now.Month(), now.Day()+20, 9, 0, 0, 0, paris)
	invite(t, f, app, start)
	ctx := context.Background()
	// Two days before: nothing; the day before, at two ticks: one email.
	if n, err := f.worker.SendInterviewReminders(ctx, start.AddDate(0, 0, -2)); err != nil || n != 0 {
		t.Fatalf("two days before: %d, %v", n, err)
	}
	for _, at := range []time.Time{start.Add(-20 * time.Hour), start.Add(-19 * time.Hour)} {
		if _, err := f.worker.SendInterviewReminders(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	var reminders []string
	for _, m := range f.smtp.Messages() {
		if strings.HasPrefix(m.Subject, "Rappel") {
			reminders = append(reminders, m.Text)
		}
	}
	if len(reminders) != 1 || !strings.Contains(reminders[0], vivier.FrenchDateTime(start, paris)) || !strings.Contains(reminders[0], "à 9 h 00") || !strings.Contains(reminders[0], "Mairie, salle <B>") {
		t.Fatalf("reminders: %q", reminders)
	}
	// On the day itself, none more.
	if n, err := f.worker.SendInterviewReminders(ctx, start.Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("%d reminders on the day, %v", n, err)
	}
}

func TestInterviewAnswerNotifiesInterviewersAndRecruiters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	iv := invite(t, f, app, time.Now().Add(72*time.Hour))
	if err := f.store.AnswerInterview(ctx, app.CandidateID, iv.ID, false, "Le jeudi <script> plutôt", time.Now()); err != nil {
		t.Fatal(err)
	}
	msgs := f.lastOutbox(t, vivier.TaskInterviewAnswered)
	// The interviewer is also the recruiter: one email, not two.
	if len(msgs) != 1 {
		t.Fatalf("%d notices", len(msgs))
	}
	m := f.smtp.Messages()[len(f.smtp.Messages())-1]
	if m.To[0] != "rh@mairie.test" || !strings.Contains(m.Subject, "autre créneau") || !strings.Contains(m.Text, "Le jeudi <script> plutôt") ||
		strings.Contains(m.HTML, "<script>") {
		t.Errorf("notice: %q\n%q", m.Subject, m.HTML)
	}
}

func TestStatusEmailsUseTheAdministrationsTemplate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	mine := vivier.EmailTemplate{Event: vivier.EventRefusal, Subject: "{{administration}} : notre réponse", Body: "{{prenom}}, {{motif}}"}
	if err := f.store.SaveEmailTemplate(ctx, app.AdministrationID, mine, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	steps, err := f.store.Steps(ctx, app.AdministrationID)
	if err != nil {
		t.Fatal(err)
	}
	reasons, err := f.store.RefusalReasons(ctx, app.AdministrationID)
	if err != nil {
		t.Fatal(err)
	}
	var refused int64
	for _, s := range steps {
		if s.Category == vivier.CategoryRefused {
			refused = s.ID
		}
	}
	if _, err := f.store.MoveApplication(ctx, app.AdministrationID, app.ID, vivier.Move{StageID: refused, ReasonID: reasons[1].ID, Notify: true},
		vivier.Actor{Email: "rh@mairie.test"}); err != nil {
		t.Fatal(err)
	}
	if msgs := f.lastOutbox(t, vivier.TaskApplicationStatus); len(msgs) != 1 {
		t.Fatalf("%d refusal emails", len(msgs))
	}
	m := f.smtp.Messages()[len(f.smtp.Messages())-1]
	if m.Subject != "Mairie de Lille : notre réponse" || !strings.Contains(m.Text, "Inès, Le poste a été pourvu entre-temps.") {
		t.Errorf("refusal: %q / %q", m.Subject, m.Text)
	}
}
