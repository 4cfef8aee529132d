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

// moreApplications adds n pending applications to the offer of app, in one
// statement; the candidates are candidat-<prefix><i>@exemple.fr.
func moreApplications(t testing.TB, s *vivier.Store, app *vivier.Application, prefix string, n int) []int64 {
	t.Helper()
	var ids []int64
	if err := s.DB().Select(&ids, `WITH c AS (
			INSERT INTO candidates (email) SELECT 'candidat-' || $4 || g || '@exemple.fr' FROM generate_series(1, $1) g RETURNING id)
		INSERT INTO applications (administration_id, offer_id, candidate_id, consent_at, idempotency_key, first_name, last_name)
		SELECT $2, $3, c.id, now(), gen_random_uuid(), 'Camille', 'Nom ' || c.id FROM c ORDER BY c.id RETURNING id`,
		n, app.AdministrationID, *app.OfferID, prefix); err != nil {
		t.Fatal(err)
	}
	return ids
}

// newSession makes an individual session of the application's offer, with
// its recruiter and one outside member as interviewers.
func newSession(t testing.TB, s *vivier.Store, app *vivier.Application, start time.Time) (*vivier.InterviewSession, vivier.Actor) {
	t.Helper()
	ctx := context.Background()
	rec, err := s.Recruiters(ctx, app.AdministrationID)
	if err != nil || len(rec) == 0 {
		t.Fatalf("recruiters: %v %v", rec, err)
	}
	actor := vivier.Actor{AgentID: rec[0].ID, Email: rec[0].Email}
	sess, err := s.CreateSession(ctx, app.AdministrationID, *app.OfferID, vivier.SessionRequest{Title: "Jury de juin",
		Mode: vivier.SessionIndividual, StartsAt: start, DurationMinutes: 20, Place: "Mairie, salle du conseil",
		Instructions: "Munissez-vous d'une pièce d'identité.", Interviewers: []int64{rec[0].ID},
		OutsideMembers: "Claire Dupont <claire.dupont@exemple.org>"}, actor, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return sess, actor
}

// calendarOf parses the ICS of a captured email.
func calendarOf(t *testing.T, m jobstest.Message) (*ics.Calendar, *ics.VEvent) {
	t.Helper()
	for _, a := range m.Attachments {
		if !strings.HasPrefix(a.ContentType, "text/calendar") {
			continue
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(a.Data))
		if err != nil {
			t.Fatalf("ICS to %v does not parse: %v\n%s", m.To, err, a.Data)
		}
		if evs := cal.Events(); len(evs) == 1 {
			return cal, evs[0]
		}
		t.Fatalf("%d events in the ICS to %v", len(cal.Events()), m.To)
	}
	t.Fatalf("no ICS in the email to %v (%q)", m.To, m.Subject)
	return nil, nil
}

// sessionMessages are the captured emails but the receipt of the
// application that applyOnce sent.
func sessionMessages(f *fixture) []jobstest.Message {
	var out []jobstest.Message
	for _, m := range f.smtp.Messages() {
		if !strings.HasPrefix(m.Subject, "Votre candidature") {
			out = append(out, m)
		}
	}
	return out
}

func method(cal *ics.Calendar) string {
	for _, p := range cal.CalendarProperties {
		if p.IANAToken == string(ics.PropertyMethod) {
			return p.Value
		}
	}
	return ""
}

func prop(ev *ics.VEvent, p ics.ComponentProperty) string {
	if v := ev.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}

func TestBulkConvocationSendsOneEventPerCandidate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	first := applyOnce(t, f)
	ids := append([]int64{first.ID}, moreApplications(t, f.store, first, "", 39)...)
	paris := vivier.Paris()
	now := time.Now().In(paris)
	start := time.Date(now.Year(), now.Month(), now.Day()+10, 9, 0, 0, 0, paris)
	sess, actor := newSession(t, f.store, first, start)
	res, err := f.store.Convoke(ctx, first.AdministrationID, sess.ID, ids, actor, time.Now())
	if err != nil || len(res.Convoked) != 40 || len(res.Skipped) != 0 {
		t.Fatalf("convoked %+v, %v", res, err)
	}
	if err := f.worker.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.worker.Shutdown)
	f.drained(t)

	// Where each candidate is expected, from the session's page.
	d, err := f.store.SessionByID(ctx, first.AdministrationID, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{}
	for i, c := range d.Convocations {
		a, err := f.store.ApplicationSummaryByID(ctx, c.ApplicationID)
		if err != nil {
			t.Fatal(err)
		}
		if slot := start.Add(time.Duration(20*i) * time.Minute); !c.StartsAt.Equal(slot) {
			t.Fatalf("convocation %d at %v, want %v", i, c.StartsAt, slot)
		}
		want[*a.Candidate.Email] = c.StartsAt
	}
	candidates, interviewers := map[string]jobstest.Message{}, map[string]jobstest.Message{}
	for _, m := range sessionMessages(f) {
		if _, ok := want[m.To[0]]; ok {
			if _, twice := candidates[m.To[0]]; twice {
				t.Errorf("two emails to %s", m.To[0])
			}
			candidates[m.To[0]] = m
		} else {
			interviewers[m.To[0]] = m
		}
	}
	if len(candidates) != 40 {
		t.Fatalf("%d candidates mailed, want 40", len(candidates))
	}
	uids := map[string]bool{}
	for to, m := range candidates {
		cal, ev := calendarOf(t, m)
		got, err := ev.GetStartAt()
		if err != nil || !got.Equal(want[to]) || got.In(paris).Format("15:04") != want[to].In(paris).Format("15:04") {
			t.Errorf("%s: DTSTART %v (%v), want %v", to, got, err, want[to])
		}
		if p := ev.GetProperty(ics.ComponentPropertyDtStart); p == nil || len(p.ICalParameters["TZID"]) != 1 || p.ICalParameters["TZID"][0] != "Europe/Paris" {
			t.Errorf("%s: DTSTART without TZID=Europe/Paris: %+v", to, p)
		}
		if method(cal) != "REQUEST" || prop(ev, ics.ComponentPropertySequence) != "0" || len(cal.Timezones()) != 1 {
			t.Errorf("%s: METHOD %q, SEQUENCE %q, %d VTIMEZONE", to, method(cal), prop(ev, ics.ComponentPropertySequence), len(cal.Timezones()))
		}
		uids[ev.Id()] = true
		if !strings.Contains(m.Text, "Munissez-vous d'une pièce d'identité.") || !strings.Contains(m.Text, "/suivi/") {
			t.Errorf("%s: text %q", to, m.Text)
		}
	}
	if len(uids) != 40 {
		t.Errorf("%d UIDs for 40 candidates", len(uids))
	}
	// The interviewers, agent and outside member, get the session's event
	// with the candidates listed.
	if len(interviewers) != 2 || interviewers["claire.dupont@exemple.org"].Subject == "" {
		t.Fatalf("interviewers mailed: %v", len(interviewers))
	}
	_, sev := calendarOf(t, interviewers["claire.dupont@exemple.org"])
	if desc := prop(sev, ics.ComponentPropertyDescription); strings.Count(desc, "Camille") != 39 || !strings.Contains(desc, "Inès") {
		t.Errorf("the interviewers' event lists: %q", desc)
	}

	// One candidate moved, then cancelled: the same event, updated then
	// cancelled.
	moved := d.Convocations[7]
	ma, err := f.store.ApplicationSummaryByID(ctx, moved.ApplicationID)
	if err != nil {
		t.Fatal(err)
	}
	to := *ma.Candidate.Email
	_, before := calendarOf(t, candidates[to])
	// Another candidate's slot is not free.
	if _, err := f.store.RescheduleConvocation(ctx, first.AdministrationID, moved.InterviewID, start.Add(time.Hour), actor,
		time.Now()); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("moved onto a taken slot: %v", err)
	}
	later := start.Add(24 * time.Hour) // the next morning, after the last slot
	if _, err := f.store.RescheduleConvocation(ctx, first.AdministrationID, moved.InterviewID, later, actor, time.Now()); err != nil {
		t.Fatal(err)
	}
	f.drained(t)
	if err := f.store.CancelConvocation(ctx, first.AdministrationID, moved.InterviewID, "Le jury est réduit.", actor); err != nil {
		t.Fatal(err)
	}
	f.drained(t)
	var mine []jobstest.Message
	for _, m := range sessionMessages(f) {
		if m.To[0] == to {
			mine = append(mine, m)
		}
	}
	if len(mine) != 3 {
		t.Fatalf("%d emails to the candidate moved then cancelled, want 3", len(mine))
	}
	cal, ev := calendarOf(t, mine[1])
	if got, err := ev.GetStartAt(); err != nil || !got.Equal(later) || method(cal) != "REQUEST" ||
		prop(ev, ics.ComponentPropertySequence) != "1" || ev.Id() != before.Id() {
		t.Errorf("the change: DTSTART %v, METHOD %q, SEQUENCE %q, UID %q (was %q)", got, method(cal),
			prop(ev, ics.ComponentPropertySequence), ev.Id(), before.Id())
	}
	if !strings.HasPrefix(mine[1].Subject, "Convocation modifiée") {
		t.Errorf("the change's subject: %q", mine[1].Subject)
	}
	cal, ev = calendarOf(t, mine[2])
	if method(cal) != "CANCEL" || prop(ev, ics.ComponentPropertyStatus) != "CANCELLED" || ev.Id() != before.Id() ||
		prop(ev, ics.ComponentPropertySequence) != "2" || !strings.Contains(mine[2].Text, "Le jury est réduit.") {
		t.Errorf("the cancellation: METHOD %q, STATUS %q, UID %q, SEQUENCE %q, text %q", method(cal),
			prop(ev, ics.ComponentPropertyStatus), ev.Id(), prop(ev, ics.ComponentPropertySequence), mine[2].Text)
	}
	if ct := mine[2].Attachments[0].ContentType; !strings.Contains(ct, "method=CANCEL") {
		t.Errorf("cancellation content type %q", ct)
	}
	// The interviewers had the list again after each change: 3 sends each.
	n := 0
	for _, m := range sessionMessages(f) {
		if m.To[0] == "claire.dupont@exemple.org" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("the outside member got %d session emails, want 3", n)
	}
}

// A session's candidates who choose their slot get the invitation to choose,
// without a calendar event, with the session's document joined.
func TestChoiceConvocationInvitesToChooseWithTheDocument(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	files := localFiles(t)
	if err := files.Put(ctx, "sessions/plan-acces", []byte("%PDF-1.4 plan"), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	w := f.newWorker(t, jobs.Config{RelayInterval: 20 * time.Millisecond, TaskCheckInterval: 20 * time.Millisecond, Files: files})
	rec, err := f.store.Recruiters(ctx, app.AdministrationID)
	if err != nil {
		t.Fatal(err)
	}
	actor := vivier.Actor{AgentID: rec[0].ID, Email: rec[0].Email}
	start := time.Now().Add(10 * 24 * time.Hour).Truncate(time.Hour)
	deadline := start.Add(-48 * time.Hour)
	sess, err := f.store.CreateSession(ctx, app.AdministrationID, *app.OfferID, vivier.SessionRequest{Title: "Oraux",
		Mode: vivier.SessionChoice, StartsAt: start, DurationMinutes: 30, VideoURL: "https://visio.exemple.fr/oraux",
		ChoiceDeadline: &deadline, Slots: []vivier.SlotRequest{{StartsAt: start, Capacity: 2}},
		Interviewers: []int64{rec[0].ID}, DocumentKey: "sessions/plan-acces", DocumentName: "plan.pdf", DocumentType: "application/pdf"},
		actor, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Convoke(ctx, app.AdministrationID, sess.ID, []int64{app.ID}, actor, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	f.drained(t)
	var m *jobstest.Message
	for _, x := range sessionMessages(f) {
		if x.To[0] == "ines@exemple.fr" {
			m = &x
		}
	}
	if m == nil || !strings.HasPrefix(m.Subject, "Choisissez votre créneau") || !strings.Contains(m.Text, "/suivi/") ||
		!strings.Contains(m.Text, vivier.FrenchDateTime(deadline, vivier.Paris())) {
		t.Fatalf("choice email: %+v", m)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Name != "plan.pdf" || string(m.Attachments[0].Data) != "%PDF-1.4 plan" {
		t.Errorf("attachments: %+v", m.Attachments)
	}
	// The session cancelled: the candidate, who had no time yet, gets the
	// cancellation without a calendar file; the interviewer the event's
	// METHOD:CANCEL.
	if err := f.store.CancelSession(ctx, app.AdministrationID, sess.ID, "Jury reporté.", actor); err != nil {
		t.Fatal(err)
	}
	f.drained(t)
	var cancelled, session *jobstest.Message
	for _, x := range sessionMessages(f) {
		switch {
		case x.To[0] == "ines@exemple.fr" && strings.HasPrefix(x.Subject, "Entretien annulé"):
			cancelled = &x
		case x.To[0] == "rh@mairie.test" && strings.HasPrefix(x.Subject, "Session annulée"):
			session = &x
		}
	}
	if cancelled == nil || len(cancelled.Attachments) != 0 || !strings.Contains(cancelled.Text, "Jury reporté.") {
		t.Fatalf("the candidate's cancellation: %+v", cancelled)
	}
	if session == nil {
		t.Fatal("no cancelled session for the interviewer")
	}
	if cal, ev := calendarOf(t, *session); method(cal) != "CANCEL" || prop(ev, ics.ComponentPropertyStatus) != "CANCELLED" {
		t.Errorf("the interviewers' cancelled event: %q %q", method(cal), prop(ev, ics.ComponentPropertyStatus))
	}
}

// The administration's own interview template serves convocations too,
// with the session's instructions as its message and the calendar file.
func TestConvocationTakesTheAdministrationsTemplate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	mine := vivier.EmailTemplate{Event: vivier.EventInterview, Subject: "Convocation du {{date_entretien}}",
		Body: "{{prenom}}, rendez-vous {{lieu_entretien}}.\n\n{{message}}\n\n{{lien_suivi}}"}
	if err := f.store.SaveEmailTemplate(ctx, app.AdministrationID, mine, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	paris := vivier.Paris()
	now := time.Now().In(paris)
	start := time.Date(now.Year(), now.Month(), now.Day()+12, 14, 0, 0, 0, paris)
	sess, actor := newSession(t, f.store, app, start)
	if _, err := f.store.Convoke(ctx, app.AdministrationID, sess.ID, []int64{app.ID}, actor, time.Now()); err != nil {
		t.Fatal(err)
	}
	msgs := f.lastOutbox(t, vivier.TaskInterviewInvitation)
	if len(msgs) != 1 {
		t.Fatalf("%d emails for one task run twice", len(msgs))
	}
	m := msgs[0]
	if m.Subject != "Convocation du "+vivier.FrenchDateTime(start, paris) || !strings.Contains(m.Text, "Inès, rendez-vous Mairie, salle du conseil.") ||
		!strings.Contains(m.Text, "Munissez-vous d'une pièce d'identité.") || !strings.Contains(m.Text, "http://vivier.test/suivi/") {
		t.Errorf("%q\n%q", m.Subject, m.Text)
	}
	if _, ev := calendarOf(t, m); ev == nil || prop(ev, ics.ComponentPropertySequence) != "0" {
		t.Error("no event at sequence 0")
	}
}

func TestDeclinedConvocationIsToldAsDeclined(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	paris := vivier.Paris()
	now := time.Now().In(paris)
	sess, actor := newSession(t, f.store, app, time.Date(now.Year(), now.Month(), now.Day()+12, 9, 0, 0, 0, paris))
	res, err := f.store.Convoke(ctx, app.AdministrationID, sess.ID, []int64{app.ID}, actor, time.Now())
	if err != nil || len(res.Convoked) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if err := f.store.AnswerConvocation(ctx, app.CandidateID, res.Convoked[0], vivier.AnswerDecline, "Je serai en stage ce jour-là.", time.Now()); err != nil {
		t.Fatal(err)
	}
	msgs := f.lastOutbox(t, vivier.TaskInterviewAnswered)
	if len(msgs) == 0 {
		t.Fatal("nobody told of the answer")
	}
	for _, m := range msgs {
		if !strings.Contains(m.Subject, "décliné") || !strings.Contains(m.Text, "ne pourra pas venir") ||
			strings.Contains(m.Text, "autre créneau") || !strings.Contains(m.Text, "Je serai en stage ce jour-là.") {
			t.Errorf("to %v: %q\n%q", m.To, m.Subject, m.Text)
		}
	}
}

// Changes queued before the worker reads the first all find the last state:
// the candidate gets that one email, not one per change.
func TestQueuedChangesMailTheLastStateOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	app := applyOnce(t, f)
	paris := vivier.Paris()
	now := time.Now().In(paris)
	start := time.Date(now.Year(), now.Month(), now.Day()+12, 9, 0, 0, 0, paris)
	sess, actor := newSession(t, f.store, app, start)
	res, err := f.store.Convoke(ctx, app.AdministrationID, sess.ID, []int64{app.ID}, actor, time.Now())
	if err != nil || len(res.Convoked) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	if _, err := f.store.RescheduleConvocation(ctx, app.AdministrationID, res.Convoked[0], start.Add(2*time.Hour), actor, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := f.store.CancelConvocation(ctx, app.AdministrationID, res.Convoked[0], "Le jury est reporté.", actor); err != nil {
		t.Fatal(err)
	}
	rows, err := f.store.DB().QueryContext(ctx, `SELECT id, payload FROM outbox WHERE task_type = $1 ORDER BY id`, vivier.TaskInterviewInvitation)
	if err != nil {
		t.Fatal(err)
	}
	type task struct {
		id      int64
		payload []byte
	}
	var tasks []task
	for rows.Next() {
		var tk task
		if err := rows.Scan(&tk.id, &tk.payload); err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, tk)
	}
	if err := rows.Close(); err != nil || len(tasks) != 3 {
		t.Fatalf("%d tasks queued (%v), want 3", len(tasks), err)
	}
	before := len(sessionMessages(f))
	for _, tk := range tasks {
		if err := f.runTask(vivier.TaskInterviewInvitation, jobs.OutboxTaskID(tk.id), tk.payload); err != nil {
			t.Fatal(err)
		}
	}
	msgs := sessionMessages(f)[before:]
	if len(msgs) != 1 {
		t.Fatalf("%d emails for three queued changes, want the last state's one", len(msgs))
	}
	if cal, ev := calendarOf(t, msgs[0]); method(cal) != "CANCEL" || prop(ev, ics.ComponentPropertySequence) != "2" {
		t.Errorf("the one email is %s at sequence %s, want the cancellation at 2", method(cal), prop(ev, ics.ComponentPropertySequence))
	}
}
