package vivier_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"vivier"
)

// choiceSession is a convocation session whose candidates choose their
// slot, written with SQL so that the candidate's side is tested on its own.
type choiceSession struct {
	ID         int64
	Slots      []int64
	Interviews []int64 // one per application, in order
	Candidates []int64 // the applications' candidates, in order
}

// convokeToChoose convokes the applications to a session of chosen slots
// whose choice closes at deadline, with one slot per capacity, the first a
// week from now and the next ones an hour apart.
func convokeToChoose(t *testing.T, s *vivier.Store, apps []int64, deadline time.Time, capacities ...int) choiceSession {
	t.Helper()
	ctx := context.Background()
	db := s.DB()
	start := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	var cs choiceSession
	if err := db.QueryRowContext(ctx, `INSERT INTO interview_sessions (administration_id, offer_id, title, mode, starts_at,
			duration_minutes, place, instructions, choice_deadline, organizer, created_by)
		SELECT administration_id, offer_id, 'Entretiens', 'choix', $2, 30, 'Mairie, salle 4', 'Munissez-vous d''une pièce d''identité.',
			$3, 'rh@a.fr', 'rh@a.fr' FROM applications WHERE id = $1 RETURNING id`, apps[0], start, deadline).Scan(&cs.ID); err != nil {
		t.Fatal(err)
	}
	for i, c := range capacities {
		var id int64
		if err := db.QueryRowContext(ctx, `INSERT INTO interview_slots (session_id, starts_at, duration_minutes, capacity)
			VALUES ($1, $2, 30, $3) RETURNING id`, cs.ID, start.Add(time.Duration(i)*time.Hour), c).Scan(&id); err != nil {
			t.Fatal(err)
		}
		cs.Slots = append(cs.Slots, id)
	}
	for _, app := range apps {
		var iv, cand int64
		if err := db.QueryRowContext(ctx, `INSERT INTO interviews (administration_id, application_id, starts_at, duration_minutes,
				place, organizer, status, session_id)
			SELECT administration_id, id, $2, 30, 'Mairie, salle 4', 'rh@a.fr', 'a_choisir', $3 FROM applications WHERE id = $1
			RETURNING id, (SELECT candidate_id FROM applications WHERE id = $1)`, app, start, cs.ID).Scan(&iv, &cand); err != nil {
			t.Fatal(err)
		}
		cs.Interviews, cs.Candidates = append(cs.Interviews, iv), append(cs.Candidates, cand)
	}
	return cs
}

func TestCandidatesChooseSlotsWithoutOverbooking(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _, apps := pipelineWorld(t, 50)
	now := time.Now()
	cs := convokeToChoose(t, s, apps, now.Add(72*time.Hour), 10)
	slot := cs.Slots[0]

	if free, err := s.CandidateSlots(ctx, cs.Candidates[0], cs.Interviews[0], now); err != nil || len(free) != 1 || free[0].Free() != 10 {
		t.Fatalf("slots offered: %+v, %v", free, err)
	}
	// 50 candidates book the 10 places at the same moment.
	var wg sync.WaitGroup
	errs := make([]error, len(apps))
	startLine := make(chan struct{})
	for i := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-startLine
			errs[i] = s.BookSlot(ctx, cs.Candidates[i], cs.Interviews[i], slot, now)
		}()
	}
	close(startLine)
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case vivier.ErrorCode(err) != vivier.ECONFLICT || !strings.Contains(vivier.ErrorMessage(err), "vient d'être pris"):
			t.Errorf("booking %d: %v", i, err)
		}
	}
	if ok != 10 {
		t.Errorf("%d bookings succeeded on 10 places", ok)
	}
	if n := countWhere(t, s, `SELECT booked FROM interview_slots WHERE id = $1`, slot); n != 10 {
		t.Errorf("booked = %d, want 10", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM interviews WHERE slot_id = $1 AND status = 'accepte' AND sequence = 0`, slot); n != 10 {
		t.Errorf("%d interviews hold the slot, want 10", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskInterviewInvitation); n != 10 {
		t.Errorf("%d invitations queued, want 10", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM application_events WHERE step LIKE 'Créneau choisi : %'`); n != 10 {
		t.Errorf("%d history events, want 10", n)
	}
	// The full slot is no longer offered.
	loser := 0
	for errs[loser] == nil {
		loser++
	}
	if free, err := s.CandidateSlots(ctx, cs.Candidates[loser], cs.Interviews[loser], now); err != nil || len(free) != 0 {
		t.Errorf("a full slot offered: %+v, %v", free, err)
	}
}

func TestCandidateChangesSlotUntilDeadline(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _, apps := pipelineWorld(t, 2)
	now := time.Now()
	cs := convokeToChoose(t, s, apps, now.Add(72*time.Hour), 1, 1)
	cand, iv := cs.Candidates[0], cs.Interviews[0]

	// Another candidate's interview, a slot of no session of theirs.
	if err := s.BookSlot(ctx, cs.Candidates[1], iv, cs.Slots[0], now); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("booked another candidate's interview: %v", err)
	}
	if _, err := s.CandidateSlots(ctx, cs.Candidates[1], iv, now); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("listed another candidate's slots: %v", err)
	}
	if err := s.BookSlot(ctx, cand, iv, cs.Slots[0]+1000, now); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("booked an unknown slot: %v", err)
	}

	if err := s.BookSlot(ctx, cand, iv, cs.Slots[0], now); err != nil {
		t.Fatal(err)
	}
	// The other candidate finds the first slot full.
	if err := s.BookSlot(ctx, cs.Candidates[1], cs.Interviews[1], cs.Slots[0], now); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("the last place taken twice: %v", err)
	}
	// A change gives the old place back and moves the calendar event.
	if err := s.BookSlot(ctx, cand, iv, cs.Slots[1], now); err != nil {
		t.Fatal(err)
	}
	if n := countWhere(t, s, `SELECT booked FROM interview_slots WHERE id = $1`, cs.Slots[0]); n != 0 {
		t.Errorf("the old slot keeps %d places booked", n)
	}
	got, err := s.InterviewByID(ctx, iv)
	if err != nil {
		t.Fatal(err)
	}
	if got.SlotID == nil || *got.SlotID != cs.Slots[1] || got.Sequence != 1 || got.Status != vivier.InterviewAccepted {
		t.Errorf("after the change: slot %v, sequence %d, status %s", got.SlotID, got.Sequence, got.Status)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskInterviewInvitation); n != 2 {
		t.Errorf("%d invitations queued, want one per choice", n)
	}
	if err := s.BookSlot(ctx, cs.Candidates[1], cs.Interviews[1], cs.Slots[0], now); err != nil {
		t.Errorf("the freed place: %v", err)
	}

	// Past the deadline: no slot offered, no change.
	late := now.Add(73 * time.Hour)
	if free, err := s.CandidateSlots(ctx, cand, iv, late); err != nil || len(free) != 0 {
		t.Errorf("slots offered past the deadline: %+v, %v", free, err)
	}
	if err := s.BookSlot(ctx, cand, iv, cs.Slots[0], late); vivier.ErrorCode(err) != vivier.ECONFLICT ||
		!strings.Contains(vivier.ErrorMessage(err), "clos") {
		t.Errorf("changed past the deadline: %v", err)
	}
	if conv, err := s.CandidateConvocations(ctx, cand, late); err != nil || conv[iv] == nil || conv[iv].CanChoose {
		t.Errorf("the space offers a choice past the deadline: %+v, %v", conv[iv], err)
	}
	conv, err := s.CandidateConvocations(ctx, cand, now)
	if err != nil {
		t.Fatal(err)
	}
	if c := conv[iv]; c == nil || len(c.Slots) != 2 || !c.CanChoose || c.Session.Instructions == "" || c.Booked(got) == nil || c.Booked(got).ID != cs.Slots[1] {
		t.Errorf("the space's convocation: %+v", c)
	}
}

func TestCandidateAnswersConvocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _, apps := pipelineWorld(t, 3)
	now := time.Now()
	cs := convokeToChoose(t, s, apps, now.Add(72*time.Hour), 2)
	// The first two got a time from the recruiter in the slot.
	if _, err := s.DB().ExecContext(ctx, `UPDATE interviews SET status = 'propose', slot_id = $1 WHERE id = ANY($2)`,
		cs.Slots[0], pq.Array(cs.Interviews[:2])); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().ExecContext(ctx, `UPDATE interview_slots SET booked = 2 WHERE id = $1`, cs.Slots[0]); err != nil {
		t.Fatal(err)
	}

	if err := s.AnswerConvocation(ctx, cs.Candidates[1], cs.Interviews[0], vivier.AnswerConfirm, "", now); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("answered another candidate's convocation: %v", err)
	}
	if err := s.AnswerConvocation(ctx, cs.Candidates[0], cs.Interviews[0], vivier.AnswerDecline, " ", now); vivier.AsFormErrors(err).ByField()["decline-reason"] == "" {
		t.Errorf("declined without a reason: %v", err)
	}
	if err := s.AnswerConvocation(ctx, cs.Candidates[0], cs.Interviews[0], vivier.AnswerConfirm, "", now); err != nil {
		t.Fatal(err)
	}
	if err := s.AnswerConvocation(ctx, cs.Candidates[0], cs.Interviews[0], vivier.AnswerConfirm, "", now); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("confirmed twice: %v", err)
	}
	// Declining gives the place back.
	if err := s.AnswerConvocation(ctx, cs.Candidates[0], cs.Interviews[0], vivier.AnswerDecline, "Je suis en stage ce jour-là.", now); err != nil {
		t.Fatal(err)
	}
	if n := countWhere(t, s, `SELECT booked FROM interview_slots WHERE id = $1`, cs.Slots[0]); n != 1 {
		t.Errorf("booked = %d after a decline, want 1", n)
	}
	if err := s.AnswerConvocation(ctx, cs.Candidates[0], cs.Interviews[0], vivier.AnswerOtherTime, "Jeudi ?", now); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("answered after declining: %v", err)
	}
	if err := s.AnswerConvocation(ctx, cs.Candidates[1], cs.Interviews[1], vivier.AnswerOtherTime, "", now); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("another time without a message: %v", err)
	}
	if err := s.AnswerConvocation(ctx, cs.Candidates[1], cs.Interviews[1], vivier.AnswerOtherTime, "Plutôt le matin.", now); err != nil {
		t.Fatal(err)
	}
	// One waiting for a slot may decline, not ask for a time: slots are there.
	if err := s.AnswerConvocation(ctx, cs.Candidates[2], cs.Interviews[2], vivier.AnswerOtherTime, "Lundi", now); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("asked for a time instead of choosing: %v", err)
	}
	got, err := s.InterviewByID(ctx, cs.Interviews[1])
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != vivier.InterviewOtherSlot || got.CandidateMessage != "Plutôt le matin." {
		t.Errorf("other time asked: %+v", got)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskInterviewAnswered); n != 3 {
		t.Errorf("%d answer notices queued, want 3", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM application_events WHERE step IN ('Présence confirmée', 'Convocation déclinée',
		'Autre horaire demandé')`); n != 3 {
		t.Errorf("%d history events, want 3", n)
	}
}

// Two candidates swapping their slots at the same moment both succeed: the
// slots' rows are taken in one order, so neither waits for the other in a
// circle (PostgreSQL would end one with a deadlock error).
func TestCandidatesSwapSlotsAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _, apps := pipelineWorld(t, 2)
	now := time.Now()
	cs := convokeToChoose(t, s, apps, now.Add(72*time.Hour), 2, 2)
	for i := range 2 {
		if err := s.BookSlot(ctx, cs.Candidates[i], cs.Interviews[i], cs.Slots[i], now); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 10 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = s.BookSlot(ctx, cs.Candidates[i], cs.Interviews[i], cs.Slots[(i+round+1)%2], now)
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v, %v", round, errs[0], errs[1])
		}
	}
	if n := countWhere(t, s, `SELECT sum(booked) FROM interview_slots WHERE session_id = $1`, cs.ID); n != 2 {
		t.Errorf("%d places booked after the swaps, want 2", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM interviews WHERE session_id = $1 AND sequence = 10`, cs.ID); n != 2 {
		t.Errorf("%d interviews at sequence 10, want 2", n)
	}
}
