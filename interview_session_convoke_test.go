package vivier_test

import (
	"context"
	"testing"
	"time"

	"vivier"
)

func TestSessionSampleInterviewForThePreview(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 3, 2, 9, 30, 0, 0, vivier.Paris())
	deadline := start.Add(-48 * time.Hour)
	sess := &vivier.InterviewSession{ID: 7, Mode: vivier.SessionChoice, StartsAt: start, DurationMinutes: 45, Place: "Salle 2",
		Instructions: "Venez tôt.", ChoiceDeadline: &deadline, DocumentName: "plan.pdf"}
	iv := sess.SampleInterview()
	if iv.Status != vivier.InterviewToChoose || *iv.SessionID != 7 || iv.Message != "Venez tôt." || sess.EmailName() != "choose_slot" {
		t.Errorf("sample: %+v, %s", iv, sess.EmailName())
	}
	e := vivier.NewConvocationEmail(iv, &vivier.ApplicationSummary{}, sess, "https://vivier.test/suivi/x")
	if e.When != "mardi 2 mars 2027 à 9 h 30" || e.Deadline != "dimanche 28 février 2027 à 9 h 30" || e.Document != "plan.pdf" ||
		e.Duration != "45 min" || e.Update {
		t.Errorf("email data: %+v", e)
	}
	sess.Mode = vivier.SessionIndividual
	if sess.SampleInterview().Status != vivier.InterviewProposed || sess.EmailName() != "convocation" {
		t.Error("an individual session's sample")
	}
}

// Two recruiters convoking the same applications at once: each is convoked
// once, the other call reports it as already convoked.
func TestConcurrentConvocationsConvokeOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	ag := agentOf(t, s, a, "rh@a.fr")
	o := openOffer(t, s, a.ID, "CONC-1")
	ids := manyApplications(t, s, a.ID, o.ID, "c", 50)
	actor := vivier.Actor{AgentID: ag.ID, Email: ag.Email}
	now := time.Now()
	sess, err := s.CreateSession(ctx, a.ID, o.ID, sessionRequest(vivier.SessionGroup, now.Add(72*time.Hour).Truncate(time.Minute), ag.ID), actor, now)
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan vivier.ConvokeResult, 2)
	errs := make(chan error, 2)
	for _, list := range [][]int64{ids, ids[10:]} {
		go func() {
			res, err := s.Convoke(ctx, a.ID, sess.ID, list, actor, now)
			results <- res
			errs <- err
		}()
	}
	convoked, skipped := 0, 0
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		res := <-results
		convoked, skipped = convoked+len(res.Convoked), skipped+len(res.Skipped)
	}
	if convoked != 50 || skipped != 40 {
		t.Errorf("%d convoked, %d skipped; want 50 and 40", convoked, skipped)
	}
	d, err := s.SessionByID(ctx, a.ID, sess.ID)
	if err != nil || len(d.Convocations) != 50 || d.Slots[0].Booked != 50 || d.Slots[0].Capacity < 50 {
		t.Errorf("%d convocations, slot %+v (%v)", len(d.Convocations), d.Slots, err)
	}
}
