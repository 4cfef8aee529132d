package vivier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"vivier"
)

// manyApplications adds n pending applications to an offer, in one
// statement (Apply, with its CV checks, would take the test's time).
func manyApplications(t testing.TB, s *vivier.Store, adminID, offerID int64, prefix string, n int) []int64 {
	t.Helper()
	var ids []int64
	if err := s.DB().SelectContext(context.Background(), &ids, `WITH c AS (
			INSERT INTO candidates (email) SELECT $4 || g || '@exemple.fr' FROM generate_series(1, $1) g RETURNING id)
		INSERT INTO applications (administration_id, offer_id, candidate_id, consent_at, idempotency_key, first_name, last_name)
		SELECT $2, $3, c.id, now(), gen_random_uuid(), 'Prénom', 'Nom ' || c.id FROM c ORDER BY c.id RETURNING id`,
		n, adminID, offerID, prefix); err != nil {
		t.Fatal(err)
	}
	return ids
}

// sessionWorld is pipelineWorld's n applications to one offer of a, with a
// recruiter of a.
type sessionWorld struct {
	s       *vivier.Store
	a, b    *vivier.Administration
	ids     []int64
	offerID int64
	agent   *vivier.Agent
	actor   vivier.Actor
}

func newSessionWorld(t *testing.T, n int) sessionWorld {
	t.Helper()
	w := sessionWorld{}
	w.s, w.a, w.b, w.ids = pipelineWorld(t, n)
	w.agent = agentOf(t, w.s, w.a, "rh@a.fr")
	w.actor = vivier.Actor{AgentID: w.agent.ID, Email: w.agent.Email}
	if err := w.s.DB().Get(&w.offerID, `SELECT offer_id FROM applications WHERE id = $1`, w.ids[0]); err != nil {
		t.Fatal(err)
	}
	return w
}

func sessionRequest(mode vivier.SessionMode, start time.Time, interviewer int64) vivier.SessionRequest {
	return vivier.SessionRequest{Title: "Jury de printemps", Mode: mode, StartsAt: start, DurationMinutes: 20,
		Place: "Hôtel de ville, salle 2", Instructions: "Apportez une pièce d'identité.", Interviewers: []int64{interviewer},
		OutsideMembers: "Claire Dupont <claire.dupont@exemple.org>"}
}

func TestSessionRequestValidation(t *testing.T) {
	t.Parallel()
	now := time.Now()
	r := vivier.SessionRequest{Mode: vivier.SessionChoice, StartsAt: now.Add(-time.Hour), DurationMinutes: 2, VideoURL: "http://visio",
		OutsideMembers: "pas une adresse", Slots: []vivier.SlotRequest{{StartsAt: now.Add(48 * time.Hour), Capacity: 3}}}
	f := vivier.AsFormErrors(r.Validate(now)).ByField()
	for _, field := range []string{"title", "date", "duration", "video", "outside", "deadline"} {
		if f[field] == "" {
			t.Errorf("no error on %s: %v", field, f)
		}
	}
	late := now.Add(72 * time.Hour)
	r = sessionRequest(vivier.SessionChoice, now.Add(48*time.Hour), 1)
	r.Slots, r.ChoiceDeadline = []vivier.SlotRequest{{StartsAt: now.Add(48 * time.Hour), Capacity: 3}}, &late
	if f := vivier.AsFormErrors(r.Validate(now)).ByField(); f["deadline"] == "" {
		t.Errorf("a deadline after the first slot passed: %v", f)
	}
	r = sessionRequest(vivier.SessionIndividual, now.Add(48*time.Hour), 1)
	if err := r.Validate(now); err != nil {
		t.Errorf("a good request: %v", err)
	}
	if m, err := vivier.ParseOutsideMembers("Claire Dupont <Claire@Exemple.org>\n\nbob@exemple.org\nclaire@exemple.org"); err != nil ||
		len(m) != 2 || m[0].Name != "Claire Dupont" || m[0].Email != "claire@exemple.org" || m[1].Email != "bob@exemple.org" {
		t.Errorf("outside members: %+v %v", m, err)
	}
	if m, err := vivier.ParseOutsideMembers("Hélène Durand-Lefèvre <h.durand@exemple.org>"); err != nil || len(m) != 1 || m[0].Name != "Hélène Durand-Lefèvre" {
		t.Errorf("an accented name: %+v %v", m, err)
	}
}

// A bulk convocation is one transaction: every outbox row it writes shares
// the transaction id; an application of another administration in the list
// is left out and reported, the others convoked.
func TestConvokeFiveHundredInOneTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	inA := agentOf(t, s, a, "rh@a.fr")
	o, ob := openOffer(t, s, a.ID, "BULK-1"), openOffer(t, s, b.ID, "BULK-2")
	ids := manyApplications(t, s, a.ID, o.ID, "a", 500)
	foreign := manyApplications(t, s, b.ID, ob.ID, "b", 1)[0]
	now := time.Now()
	start := now.Add(7 * 24 * time.Hour).Truncate(time.Minute)
	actor := vivier.Actor{AgentID: inA.ID, Email: inA.Email}
	sess, err := s.CreateSession(ctx, a.ID, o.ID, sessionRequest(vivier.SessionIndividual, start, inA.ID), actor, now)
	if err != nil {
		t.Fatal(err)
	}
	count := `SELECT count(*) FROM outbox WHERE task_type = $1`
	if n := countWhere(t, s, count, vivier.TaskInterviewInvitation); n != 0 {
		t.Fatalf("%d emails before convoking", n)
	}
	list := append([]int64{ids[0], foreign}, ids[1:]...)
	res, err := s.Convoke(ctx, a.ID, sess.ID, list, actor, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Convoked) != 500 || len(res.Skipped) != 1 || res.Skipped[0].ApplicationID != foreign {
		t.Fatalf("convoked %d, skipped %+v", len(res.Convoked), res.Skipped)
	}
	if n := countWhere(t, s, count, vivier.TaskInterviewInvitation); n != 500 {
		t.Errorf("%d candidate emails written, want 500", n)
	}
	if n := countWhere(t, s, count, vivier.TaskSessionInterviewers); n != 1 {
		t.Errorf("%d interviewers' tasks written, want 1", n)
	}
	if n := countWhere(t, s, `SELECT count(DISTINCT xmin::text) FROM outbox`); n != 1 {
		t.Errorf("the outbox rows come from %d transactions", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM interviews WHERE application_id = $1`, foreign); n != 0 {
		t.Errorf("the other administration's application was convoked")
	}
	if n := countWhere(t, s, `SELECT count(*) FROM applications WHERE id = ANY($1) AND interview_planned`, pq.Array(ids)); n != 500 {
		t.Errorf("%d applications marked", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM application_events WHERE step = 'Convocation à un entretien'`); n != 500 {
		t.Errorf("%d history lines", n)
	}
	// Consecutive slots in the order given, one candidate each.
	d, err := s.SessionByID(ctx, a.ID, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Slots) != 500 || len(d.Convocations) != 500 || len(d.Interviewers) != 2 {
		t.Fatalf("%d slots, %d convocations, %d interviewers", len(d.Slots), len(d.Convocations), len(d.Interviewers))
	}
	for i, c := range d.Convocations {
		want := start.Add(time.Duration(i*20) * time.Minute)
		if !c.StartsAt.Equal(want) || c.Status != vivier.InterviewProposed || c.SlotID == nil || c.ApplicationID != ids[i] {
			t.Fatalf("convocation %d: %+v, want %v", i, c, want)
		}
	}
	if d.Slots[499].Booked != 1 || !d.EndsAt().Equal(start.Add(500*20*time.Minute)) {
		t.Errorf("last slot %+v, ends %v", d.Slots[499], d.EndsAt())
	}
	// Again: all are convoked already, nothing is written.
	res, err = s.Convoke(ctx, a.ID, sess.ID, ids[:3], actor, now)
	if err != nil || len(res.Convoked) != 0 || len(res.Skipped) != 3 {
		t.Errorf("convoked twice: %+v %v", res, err)
	}
	if n := countWhere(t, s, count, vivier.TaskInterviewInvitation); n != 500 {
		t.Errorf("%d candidate emails after a second convocation", n)
	}
	// One who declined is left out with why, and the others still go.
	if _, err := s.DB().Exec(`UPDATE interviews SET status = 'decline' WHERE application_id = $1`, ids[3]); err != nil {
		t.Fatal(err)
	}
	more := manyApplications(t, s, a.ID, o.ID, "encore", 1)
	res, err = s.Convoke(ctx, a.ID, sess.ID, []int64{ids[3], more[0]}, actor, now)
	if err != nil || len(res.Convoked) != 1 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0].Reason, "décliné") {
		t.Errorf("a declined one convoked again: %+v %v", res, err)
	}
}

func TestSessionOfAnotherAdministrationIsNotFound(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newSessionWorld(t, 2)
	s, a, b, ids, inA, offerID, actorA := w.s, w.a, w.b, w.ids, w.agent, w.offerID, w.actor
	inB := agentOf(t, s, b, "rh@b.fr")
	now := time.Now()
	actorB := vivier.Actor{AgentID: inB.ID, Email: inB.Email}
	r := sessionRequest(vivier.SessionGroup, now.Add(48*time.Hour).Truncate(time.Minute), inA.ID)
	if _, err := s.CreateSession(ctx, b.ID, offerID, r, actorB, now); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("a session on another administration's offer: %v", err)
	}
	sess, err := s.CreateSession(ctx, a.ID, offerID, r, actorA, now)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Convoke(ctx, a.ID, sess.ID, ids, actorA, now)
	if err != nil || len(res.Convoked) != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	if _, err := s.SessionByID(ctx, b.ID, sess.ID); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("read from another administration: %v", err)
	}
	if _, err := s.Convoke(ctx, b.ID, sess.ID, ids, actorB, now); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("convoked from another administration: %v", err)
	}
	if _, err := s.UpdateSession(ctx, b.ID, sess.ID, r, actorB, now); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("changed from another administration: %v", err)
	}
	if err := s.CancelSession(ctx, b.ID, sess.ID, "", actorB); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("cancelled from another administration: %v", err)
	}
	if err := s.CancelConvocation(ctx, b.ID, res.Convoked[0], "", actorB); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("convocation cancelled from another administration: %v", err)
	}
	if _, err := s.RescheduleConvocation(ctx, b.ID, res.Convoked[0], now.Add(72*time.Hour), actorB, now); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("convocation moved from another administration: %v", err)
	}
	if list, err := s.SessionsOfOffer(ctx, b.ID, offerID); err != nil || len(list) != 0 {
		t.Errorf("listed from another administration: %v %v", list, err)
	}
	// An agent of another administration does not sit.
	r.Interviewers = []int64{inB.ID}
	if _, err := s.CreateSession(ctx, a.ID, offerID, r, actorA, now); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("another administration's agent as interviewer: %v", err)
	}
	d, err := s.SessionByID(ctx, a.ID, sess.ID)
	if err != nil || len(d.Slots) != 1 || d.Slots[0].Booked != 2 || d.Slots[0].Capacity != 2 || len(d.Live()) != 2 {
		t.Errorf("group sitting: %+v %v", d, err)
	}
}

func TestSessionChangesRaiseSequences(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newSessionWorld(t, 3)
	s, a, ids, inA, offerID, actor := w.s, w.a, w.ids, w.agent, w.offerID, w.actor
	now := time.Now()
	start := now.Add(48 * time.Hour).Truncate(time.Minute)
	r := sessionRequest(vivier.SessionIndividual, start, inA.ID)
	sess, err := s.CreateSession(ctx, a.ID, offerID, r, actor, now)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Convoke(ctx, a.ID, sess.ID, ids, actor, now)
	if err != nil {
		t.Fatal(err)
	}
	emails := func() int {
		return countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskInterviewInvitation)
	}
	ivOf := func(id int64) *vivier.Interview {
		iv, err := s.InterviewByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return iv
	}
	uid := ivOf(res.Convoked[1]).UID
	// New instructions only: no email, no new sequence.
	r.Instructions = "Venez 10 minutes en avance."
	if _, err := s.UpdateSession(ctx, a.ID, sess.ID, r, actor, now); err != nil {
		t.Fatal(err)
	}
	if iv := ivOf(res.Convoked[1]); emails() != 3 || iv.Sequence != 0 || iv.Message != r.Instructions {
		t.Errorf("instructions changed: %d emails, %+v", emails(), iv)
	}
	// An hour later: everyone's time changes, in the same order; one who
	// had confirmed is asked again, for the new time.
	if _, err := s.DB().Exec(`UPDATE interviews SET status = 'accepte' WHERE id = $1`, res.Convoked[1]); err != nil {
		t.Fatal(err)
	}
	r.StartsAt = start.Add(time.Hour)
	if _, err := s.UpdateSession(ctx, a.ID, sess.ID, r, actor, now); err != nil {
		t.Fatal(err)
	}
	if iv := ivOf(res.Convoked[1]); emails() != 6 || iv.Sequence != 1 || iv.UID != uid || !iv.StartsAt.Equal(start.Add(80*time.Minute)) ||
		iv.Status != vivier.InterviewProposed {
		t.Errorf("moved: %d emails, %+v", emails(), iv)
	}
	// Longer interviews: each keeps its rank.
	r.DurationMinutes = 30
	if _, err := s.UpdateSession(ctx, a.ID, sess.ID, r, actor, now); err != nil {
		t.Fatal(err)
	}
	if iv := ivOf(res.Convoked[2]); emails() != 9 || iv.Sequence != 2 || !iv.StartsAt.Equal(start.Add(2*time.Hour)) || iv.DurationMinutes != 30 {
		t.Errorf("longer: %d emails, %+v", emails(), iv)
	}
	// One candidate moved, one cancelled.
	moved, err := s.RescheduleConvocation(ctx, a.ID, res.Convoked[1], start.Add(5*time.Hour), actor, now)
	if err != nil || moved.Sequence != 3 || moved.UID != uid || emails() != 10 {
		t.Fatalf("rescheduled: %+v %v (%d emails)", moved, err, emails())
	}
	if err := s.CancelConvocation(ctx, a.ID, res.Convoked[0], "Le jury est indisponible.", actor); err != nil {
		t.Fatal(err)
	}
	if iv := ivOf(res.Convoked[0]); iv.Status != vivier.InterviewCanceled || iv.Sequence != 3 || emails() != 11 {
		t.Errorf("cancelled: %+v (%d emails)", iv, emails())
	}
	if err := s.CancelConvocation(ctx, a.ID, res.Convoked[0], "", actor); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("cancelled twice: %v", err)
	}
	sum, err := s.ApplicationSummaryByID(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AnswerInterview(ctx, sum.CandidateID, res.Convoked[0], false, "Plutôt jeudi.", now); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("a cancelled convocation took an answer: %v", err)
	}
	d, err := s.SessionByID(ctx, a.ID, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	booked := 0
	for _, sl := range d.Slots {
		booked += sl.Booked
	}
	if booked != 2 || len(d.Live()) != 2 {
		t.Errorf("%d places booked, %d live", booked, len(d.Live()))
	}
	// The whole session cancelled: the two left get a cancellation.
	if err := s.CancelSession(ctx, a.ID, sess.ID, "Report du recrutement.", actor); err != nil {
		t.Fatal(err)
	}
	if d, err = s.SessionByID(ctx, a.ID, sess.ID); err != nil || d.CanceledAt == nil || len(d.Live()) != 0 || emails() != 13 {
		t.Errorf("session cancelled: %+v %v (%d emails)", d, err, emails())
	}
	if _, err := s.Convoke(ctx, a.ID, sess.ID, ids, actor, now); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("convoked to a cancelled session: %v", err)
	}
}

func TestChoiceSessionInvitesToChoose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newSessionWorld(t, 2)
	s, a, ids, inA, offerID, actor := w.s, w.a, w.ids, w.agent, w.offerID, w.actor
	now := time.Now()
	start := now.Add(72 * time.Hour).Truncate(time.Minute)
	deadline := start.Add(-24 * time.Hour)
	r := sessionRequest(vivier.SessionChoice, start, inA.ID)
	r.ChoiceDeadline = &deadline
	r.Slots = []vivier.SlotRequest{{StartsAt: start, Capacity: 2}, {StartsAt: start.Add(time.Hour), Capacity: 1}}
	sess, err := s.CreateSession(ctx, a.ID, offerID, r, actor, now)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Convoke(ctx, a.ID, sess.ID, ids, actor, now)
	if err != nil || len(res.Convoked) != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	d, err := s.SessionByID(ctx, a.ID, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Slots) != 2 || d.Slots[0].Free() != 2 || d.Slots[1].Capacity != 1 {
		t.Errorf("slots: %+v", d.Slots)
	}
	// The form to change it starts from the session as it is.
	back := d.Request()
	if back.OutsideMembers != "Claire Dupont <claire.dupont@exemple.org>" || len(back.Interviewers) != 1 || len(back.Slots) != 2 ||
		back.Title != r.Title || !back.ChoiceDeadline.Equal(deadline) {
		t.Errorf("request of the session: %+v", back)
	}
	if m, err := vivier.ParseOutsideMembers(back.OutsideMembers); err != nil || m[0].Name != "Claire Dupont" {
		t.Errorf("outside members read back: %+v %v", m, err)
	}
	for _, c := range d.Convocations {
		if c.Status != vivier.InterviewToChoose || c.SlotID != nil || !c.StartsAt.Equal(start) {
			t.Errorf("convocation: %+v", c)
		}
	}
	// A slot removed from the published ones goes; one slot more comes.
	r.Slots = []vivier.SlotRequest{{StartsAt: start, Capacity: 3}, {StartsAt: start.Add(2 * time.Hour), Capacity: 1}}
	if _, err := s.UpdateSession(ctx, a.ID, sess.ID, r, actor, now); err != nil {
		t.Fatal(err)
	}
	if d, err = s.SessionByID(ctx, a.ID, sess.ID); err != nil || len(d.Slots) != 2 || d.Slots[0].Capacity != 3 ||
		!d.Slots[1].StartsAt.Equal(start.Add(2*time.Hour)) {
		t.Errorf("slots after the change: %+v %v", d.Slots, err)
	}
}
