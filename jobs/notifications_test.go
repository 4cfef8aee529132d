package jobs_test

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/jobstest"
)

// clock is the time periodic tasks see, moved by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// withClock replaces the fixture's worker by one whose periodic tasks read
// the returned clock.
func withClock(t *testing.T, f *fixture) *clock {
	t.Helper()
	c := &clock{t: time.Now()}
	f.worker = f.newWorker(t, jobs.Config{RelayInterval: 20 * time.Millisecond, TaskCheckInterval: 20 * time.Millisecond,
		Files: localFiles(t), Now: c.Now})
	return c
}

// applyTo sends one more application to the offer of app.
func applyTo(t *testing.T, f *fixture, app *vivier.Application, first, email string) *vivier.Application {
	t.Helper()
	o, err := f.store.OfferByID(context.Background(), app.AdministrationID, *app.OfferID)
	if err != nil {
		t.Fatal(err)
	}
	sub := &vivier.Submission{FirstName: first, LastName: "Durand", Email: email, Consent: true, IdempotencyKey: uuid.NewString()}
	if err := sub.Validate(o); err != nil {
		t.Fatal(err)
	}
	files := localFiles(t)
	a, _, err := f.store.Apply(context.Background(), sub, o, files)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// nextEmail waits for the next email, which must be about subject.
func nextEmail(t *testing.T, f *fixture, seen *int, subject string) jobstest.Message {
	t.Helper()
	for {
		msgs := f.smtp.Wait(t, *seen+1, 15*time.Second)
		m := msgs[*seen]
		*seen++
		if strings.Contains(m.Subject, subject) {
			checkHeaders(t, m)
			return m
		}
		t.Fatalf("email %d is %q to %v, want one about %q", *seen, m.Subject, m.To, subject)
	}
}

// checkHeaders: what every email Vivier sends must carry.
func checkHeaders(t *testing.T, m jobstest.Message) {
	t.Helper()
	if id := m.Header.Get("Message-Id"); !strings.HasSuffix(id, "@vivier.test>") {
		t.Errorf("%q: Message-Id %q is not of our domain", m.Subject, id)
	}
	if m.Header.Get("Auto-Submitted") != "auto-generated" || m.Header.Get("Date") == "" || !strings.Contains(m.Header.Get("From"), "ne-pas-repondre@vivier.test") {
		t.Errorf("%q: headers %v", m.Subject, m.Header)
	}
	if m.Text == "" || !strings.Contains(m.HTML, "<h1") {
		t.Errorf("%q: a part is missing: text %q html %q", m.Subject, m.Text, m.HTML)
	}
}

var unsubscribeURL = regexp.MustCompile(`http://vivier\.test/admin/desabonnement/([A-Za-z0-9_-]{43})`)

// TestNotificationCatalogue produces every email of the catalogue through
// the worker and a real SMTP conversation, in the order a life of an
// application brings them.
func TestNotificationCatalogue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	clk := withClock(t, f)
	app := applyOnce(t, f)
	rec, err := f.store.AgentByEmail(ctx, "rh@mairie.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer f.worker.Shutdown()
	seen := 0
	// Application received (candidate) and new application (recruiter, at once).
	msgs := f.smtp.Wait(t, 2, 15*time.Second)
	seen = 2
	subjects := msgs[0].Subject + "|" + msgs[1].Subject
	if !strings.Contains(subjects, "bien reçue") || !strings.Contains(subjects, "Nouvelle candidature") {
		t.Fatalf("first emails: %s", subjects)
	}
	for _, m := range msgs {
		checkHeaders(t, m)
	}

	// Invitation and password reset (agents), tracking link (candidate).
	if _, err := f.store.Invite(ctx, app.AdministrationID, "nouvelle@mairie.test", vivier.RoleLecteur, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	nextEmail(t, f, &seen, "Invitation")
	if err := f.store.RequestPasswordReset(ctx, "rh@mairie.test"); err != nil {
		t.Fatal(err)
	}
	nextEmail(t, f, &seen, "mot de passe")
	if err := f.store.RequestTrackingLink(ctx, "ines@exemple.fr"); err != nil {
		t.Fatal(err)
	}
	nextEmail(t, f, &seen, "suivre vos candidatures")

	// A recruiter's message (candidate).
	if err := f.store.SendRecruiterMessage(ctx, app.AdministrationID, app.ID, "Pouvez-vous nous envoyer vos disponibilités ?",
		vivier.Actor{AgentID: rec.ID, Email: rec.Email}); err != nil {
		t.Fatal(err)
	}
	m := nextEmail(t, f, &seen, "Message de Mairie de Lille")
	if m.To[0] != "ines@exemple.fr" || !strings.Contains(m.Text, "vos disponibilités") || strings.Contains(m.Text, "rh@mairie.test") {
		t.Fatalf("recruiter message to %v: %q", m.To, m.Text)
	}

	// Status changed (candidate).
	steps, err := f.store.Steps(ctx, app.AdministrationID)
	if err != nil {
		t.Fatal(err)
	}
	var review int64
	for _, s := range steps {
		if s.Category == vivier.CategoryReview && review == 0 {
			review = s.ID
		}
	}
	if _, err := f.store.MoveApplication(ctx, app.AdministrationID, app.ID, vivier.Move{StageID: review, Notify: true}, vivier.Actor{Email: rec.Email}); err != nil {
		t.Fatal(err)
	}
	nextEmail(t, f, &seen, "en cours d'examen")

	// The candidate's nudge once the promise has passed (recruiter).
	f.store.DB().MustExec(`UPDATE applications SET created_at = created_at - interval '20 days' WHERE id = $1`, app.ID)
	if err := f.store.SendCandidateMessage(ctx, app.CandidateID, app.ID, "Avez-vous pu étudier ma candidature ?"); err != nil {
		t.Fatal(err)
	}
	nextEmail(t, f, &seen, "Message d'un·e candidat·e")

	// Data export (candidate).
	if err := f.store.NoteDataExport(ctx, app.CandidateID); err != nil {
		t.Fatal(err)
	}
	nextEmail(t, f, &seen, "copie de vos données")

	// Digest: the recruiter chooses it; a new application mails nobody at
	// once, and the next morning's digest lists it.
	if err := f.store.SetNotificationMode(ctx, rec.ID, app.AdministrationID, vivier.NotifyDigest); err != nil {
		t.Fatal(err)
	}
	second := applyTo(t, f, app, "Karim", "karim@exemple.fr")
	nextEmail(t, f, &seen, "bien reçue") // the candidate's confirmation only
	clk.Set(second.CreatedAt.AddDate(0, 0, 1))
	for range 2 { // the second run, another worker's tick, sends nothing
		if err := f.worker.Mux().ProcessTask(ctx, asynq.NewTask(vivier.TaskNotificationDigest, nil)); err != nil {
			t.Fatal(err)
		}
	}
	d := nextEmail(t, f, &seen, "nouvelle candidature du")
	if d.To[0] != "rh@mairie.test" || !strings.Contains(d.Text, "Karim Durand") || strings.Contains(d.Text, "Inès") {
		t.Fatalf("digest to %v: %q", d.To, d.Text)
	}
	unsub := d.Header.Get("List-Unsubscribe")
	link := unsubscribeURL.FindStringSubmatch(unsub)
	if link == nil || d.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(d.Text, link[0]) {
		t.Fatalf("digest unsubscribe headers: %q / %q", unsub, d.Header.Get("List-Unsubscribe-Post"))
	}

	// Response reminder at 80 % of 15 days (recruiter), once.
	clk.Set(second.CreatedAt.Add(13 * 24 * time.Hour))
	for range 2 {
		if err := f.worker.Mux().ProcessTask(ctx, asynq.NewTask(vivier.TaskResponseReminders, nil)); err != nil {
			t.Fatal(err)
		}
	}
	r := nextEmail(t, f, &seen, "Réponse attendue avant le")
	if !strings.Contains(r.Subject, "Karim Durand") || r.To[0] != "rh@mairie.test" {
		t.Fatalf("reminder %q to %v", r.Subject, r.To)
	}

	// The one-click link turns the digest off.
	if _, err := f.store.Unsubscribe(ctx, link[1]); err != nil {
		t.Fatal(err)
	}
	if mode, err := f.store.NotificationMode(ctx, rec.ID, app.AdministrationID); err != nil || mode != vivier.NotifyOff {
		t.Fatalf("mode after unsubscribe = %s, %v", mode, err)
	}

	// Erasure done (candidate): the log keeps no address.
	files := localFiles(t)
	if err := f.store.EraseCandidate(ctx, app.CandidateID, files); err != nil {
		t.Fatal(err)
	}
	e := nextEmail(t, f, &seen, "supprimées")
	if e.To[0] != "ines@exemple.fr" {
		t.Fatalf("erasure confirmation to %v", e.To)
	}
	f.drained(t) // the record commits after the SMTP answer
	if sent, err := f.store.SentEmailsTo(ctx, "ines@exemple.fr"); err != nil || len(sent) != 0 {
		t.Fatalf("sent_emails still names the erased address: %+v, %v", sent, err)
	}
	var named int
	if err := f.store.DB().Get(&named, `SELECT count(*) FROM outbox t WHERE t::text ILIKE '%ines@exemple.fr%'`); err != nil {
		t.Fatal(err)
	}
	if named != 0 {
		t.Fatalf("%d outbox rows still name the erased address once she was told", named)
	}
	// Candidate-facing emails go first (critical), agents' next (default).
	var queues []struct {
		Task  string `db:"task_type"`
		Queue string `db:"queue"`
	}
	if err := f.store.DB().Select(&queues, `SELECT DISTINCT task_type, queue FROM outbox`); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{vivier.TaskApplicationReceived: jobs.QueueCritical, vivier.TaskTrackingLink: jobs.QueueCritical,
		vivier.TaskApplicationStatus: jobs.QueueCritical, vivier.TaskRecruiterMessage: jobs.QueueCritical,
		vivier.TaskDataExport: jobs.QueueCritical, vivier.TaskErasureDone: jobs.QueueCritical,
		vivier.TaskAgentInvitationEmail: jobs.QueueCritical, vivier.TaskPasswordResetEmail: jobs.QueueCritical,
		vivier.TaskNewApplication: jobs.QueueDefault, vivier.TaskCandidateMessage: jobs.QueueDefault}
	for _, q := range queues {
		if w, ok := want[q.Task]; ok && w != q.Queue {
			t.Errorf("%s goes to queue %s, want %s", q.Task, q.Queue, w)
		}
		delete(want, q.Task)
	}
	if len(want) > 0 {
		t.Errorf("tasks not seen in the outbox: %v", want)
	}
	if n := len(f.smtp.Messages()); n != seen {
		t.Fatalf("%d emails, want %d: a run sent twice", n, seen)
	}
}
