package vivier_test

import (
	"context"
	"testing"
	"time"

	"github.com/lib/pq"

	"vivier"
)

// outboxFor counts the outbox rows of a task about one interview.
func outboxFor(t *testing.T, s *vivier.Store, task string, interviewID int64) int {
	t.Helper()
	return countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1 AND (payload->>'interview_id')::bigint = $2`,
		task, interviewID)
}

func TestWithdrawCancelsTheConvocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _, apps := pipelineWorld(t, 2)
	now := time.Now()
	cs := convokeToChoose(t, s, apps, now.Add(72*time.Hour), 2)
	for i := range apps {
		if err := s.BookSlot(ctx, cs.Candidates[i], cs.Interviews[i], cs.Slots[0], now); err != nil {
			t.Fatal(err)
		}
	}
	mine, other := cs.Interviews[0], cs.Interviews[1]
	sessionTasks := `SELECT count(*) FROM outbox WHERE task_type = $1`
	before := countWhere(t, s, sessionTasks, vivier.TaskSessionInterviewers)
	sessionSeq := countWhere(t, s, `SELECT sequence FROM interview_sessions WHERE id = $1`, cs.ID)
	mails := outboxFor(t, s, vivier.TaskInterviewInvitation, mine)

	if err := s.Withdraw(ctx, cs.Candidates[0], apps[0], "J'ai trouvé un poste."); err != nil {
		t.Fatal(err)
	}
	if n := countWhere(t, s, `SELECT booked FROM interview_slots WHERE id = $1`, cs.Slots[0]); n != 1 {
		t.Errorf("booked = %d after the withdrawal, want 1", n)
	}
	var status string
	var seq int
	if err := s.DB().QueryRowContext(ctx, `SELECT status, sequence FROM interviews WHERE id = $1`, mine).Scan(&status, &seq); err != nil {
		t.Fatal(err)
	}
	if status != string(vivier.InterviewCanceled) || seq != 1 {
		t.Errorf("the withdrawn candidate's interview is %s at sequence %d, want annule at 1", status, seq)
	}
	if n := outboxFor(t, s, vivier.TaskInterviewInvitation, mine) - mails; n != 1 {
		t.Errorf("%d cancellations written, want 1", n)
	}
	if n := countWhere(t, s, sessionTasks, vivier.TaskSessionInterviewers) - before; n != 1 {
		t.Errorf("%d interviewers' tasks written, want 1", n)
	}
	if n := countWhere(t, s, `SELECT sequence FROM interview_sessions WHERE id = $1`, cs.ID); n != sessionSeq+1 {
		t.Errorf("session sequence %d, want %d", n, sessionSeq+1)
	}
	if err := s.DB().QueryRowContext(ctx, `SELECT status, sequence FROM interviews WHERE id = $1`, other).Scan(&status, &seq); err != nil {
		t.Fatal(err)
	}
	if status != string(vivier.InterviewAccepted) || seq != 0 {
		t.Errorf("the other application's interview became %s at sequence %d", status, seq)
	}
	if n := outboxFor(t, s, vivier.TaskInterviewInvitation, other); n != 1 {
		t.Errorf("the other candidate has %d emails, want only their booking's", n)
	}
}

func TestBulkRefusalCancelsConvocations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newSessionWorld(t, 4)
	now := time.Now()
	start := now.Add(7 * 24 * time.Hour).Truncate(time.Minute)
	sess, err := w.s.CreateSession(ctx, w.a.ID, w.offerID, sessionRequest(vivier.SessionIndividual, start, w.agent.ID), w.actor, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Convoke(ctx, w.a.ID, sess.ID, w.ids, w.actor, now); err != nil {
		t.Fatal(err)
	}
	booked := `SELECT coalesce(sum(booked), 0) FROM interview_slots WHERE session_id = $1`
	if n := countWhere(t, w.s, booked, sess.ID); n != 4 {
		t.Fatalf("%d places booked by 4 convocations", n)
	}
	count := `SELECT count(*) FROM outbox WHERE task_type = $1`
	mails, sessionTasks := countWhere(t, w.s, count, vivier.TaskInterviewInvitation), countWhere(t, w.s, count, vivier.TaskSessionInterviewers)
	reasons, err := w.s.RefusalReasons(ctx, w.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	refused := stepNamed(t, w.s, w.a.ID, "Non retenue")
	res, err := w.s.MoveApplications(ctx, w.a.ID, w.ids[:3], vivier.Move{StageID: refused.ID, ReasonID: reasons[0].ID, Notify: true}, w.actor)
	if err != nil || res.Moved != 3 {
		t.Fatalf("bulk refusal: %+v, %v", res, err)
	}
	if n := countWhere(t, w.s, `SELECT count(*) FROM interviews WHERE application_id = ANY($1) AND status = 'annule' AND sequence = 1`,
		pq.Array(w.ids[:3])); n != 3 {
		t.Errorf("%d of the refused applications' convocations cancelled, want 3", n)
	}
	if n := countWhere(t, w.s, booked, sess.ID); n != 1 {
		t.Errorf("%d places booked after refusing 3 of 4, want 1", n)
	}
	if n := countWhere(t, w.s, count, vivier.TaskInterviewInvitation) - mails; n != 3 {
		t.Errorf("%d cancellations written, want 3", n)
	}
	if n := countWhere(t, w.s, count, vivier.TaskSessionInterviewers) - sessionTasks; n != 1 {
		t.Errorf("%d interviewers' tasks for one bulk move, want 1", n)
	}
	if n := countWhere(t, w.s, `SELECT count(*) FROM applications WHERE id = ANY($1) AND interview_planned`, pq.Array(w.ids[:3])); n != 0 {
		t.Errorf("%d refused applications still show an interview planned", n)
	}
	if n := countWhere(t, w.s, `SELECT count(*) FROM interviews WHERE application_id = $1 AND status = 'propose' AND sequence = 0`,
		w.ids[3]); n != 1 {
		t.Errorf("the application left pending lost its convocation")
	}
	// A move between pending steps leaves the convocation on.
	res, err = w.s.MoveApplications(ctx, w.a.ID, w.ids[3:], vivier.Move{StageID: stepNamed(t, w.s, w.a.ID, "Jury").ID}, w.actor)
	if err != nil || res.Moved != 1 {
		t.Fatalf("move to a pending step: %+v, %v", res, err)
	}
	if n := countWhere(t, w.s, `SELECT count(*) FROM interviews WHERE application_id = $1 AND status = 'propose'`, w.ids[3]); n != 1 {
		t.Errorf("a move to a pending step cancelled the convocation")
	}
}

func TestWithdrawLeavesAStartedInterviewAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _, apps := pipelineWorld(t, 1)
	now := time.Now()
	cs := convokeToChoose(t, s, apps, now.Add(72*time.Hour), 1)
	iv := cs.Interviews[0]
	if _, err := s.DB().ExecContext(ctx, `UPDATE interviews SET status = 'accepte', slot_id = $2, starts_at = now() - interval '10 minutes'
		WHERE id = $1`, iv, cs.Slots[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE interview_slots SET booked = 1 WHERE id = $1`, cs.Slots[0]); err != nil {
		t.Fatal(err)
	}
	outbox := countWhere(t, s, `SELECT count(*) FROM outbox`)
	if err := s.Withdraw(ctx, cs.Candidates[0], apps[0], ""); err != nil {
		t.Fatal(err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM interviews WHERE id = $1 AND status = 'accepte' AND sequence = 0`, iv); n != 1 {
		t.Errorf("an interview already started was changed")
	}
	if n := countWhere(t, s, `SELECT booked FROM interview_slots WHERE id = $1`, cs.Slots[0]); n != 1 {
		t.Errorf("booked = %d, the started interview's place was given back", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox`) - outbox; n != 1 {
		t.Errorf("%d tasks written, want only the recruiters' withdrawal notice", n)
	}
}
