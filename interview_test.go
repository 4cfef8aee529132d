package vivier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"vivier"
)

func agentOf(t *testing.T, s *vivier.Store, adm *vivier.Administration, email string) *vivier.Agent {
	t.Helper()
	ctx := context.Background()
	ag := &vivier.Agent{Email: email, FirstName: "Agent", LastName: adm.Slug}
	if err := s.UpsertAgent(ctx, ag); err != nil {
		t.Fatal(err)
	}
	if err := s.AssignRole(ctx, ag.ID, vivier.RoleRecruteur, vivier.AdministrationDomain(adm.ID)); err != nil {
		t.Fatal(err)
	}
	return ag
}

func TestInterviewInvitationAndAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids := pipelineWorld(t, 2)
	inA, inB := agentOf(t, s, a, "rh@a.fr"), agentOf(t, s, b, "rh@b.fr")
	now := time.Now()
	req := vivier.InterviewRequest{StartsAt: now.Add(48 * time.Hour).Truncate(time.Minute), DurationMinutes: 45,
		Place: "Hôtel de ville, salle 2", Message: "Apportez une pièce d'identité.", Interviewers: []int64{inA.ID}}
	actor := vivier.Actor{AgentID: inA.ID, Email: inA.Email}

	// Bad input, another administration, another administration's agent.
	bad := req
	bad.StartsAt, bad.Place, bad.VideoURL, bad.DurationMinutes = now.Add(-time.Hour), "", "http://visio", 1
	err := func() error { _, err := s.InviteToInterview(ctx, a.ID, ids[0], bad, actor, now); return err }()
	if f := vivier.AsFormErrors(err).ByField(); f["date"] == "" || f["video"] == "" || f["duration"] == "" {
		t.Errorf("bad request: %v", err)
	}
	if _, err := s.InviteToInterview(ctx, b.ID, ids[0], req, actor, now); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("invited through another administration: %v", err)
	}
	foreign := req
	foreign.Interviewers = []int64{inB.ID}
	if _, err := s.InviteToInterview(ctx, a.ID, ids[0], foreign, actor, now); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("an agent of another administration as interviewer: %v", err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM interviews`); n != 0 {
		t.Fatalf("%d interviews after refusals", n)
	}

	iv, err := s.InviteToInterview(ctx, a.ID, ids[0], req, actor, now)
	if err != nil {
		t.Fatal(err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1 AND payload->>'interview_id' = $2::text`,
		vivier.TaskInterviewInvitation, iv.ID); n != 1 {
		t.Errorf("%d invitation emails queued", n)
	}
	sum, err := s.ApplicationSummaryByID(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	apps, err := s.CandidateApplications(ctx, sum.CandidateID)
	if err != nil {
		t.Fatal(err)
	}
	if apps[0].Status() != "entretien prévu" || apps[0].Events[len(apps[0].Events)-1].Label != "Invitation à un entretien" {
		t.Errorf("candidate sees %q, %+v", apps[0].Status(), apps[0].Events)
	}
	hist, err := s.ApplicationHistory(ctx, a.ID, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if last := hist[len(hist)-1]; last.Step != "Invitation à un entretien" || last.Actor != "rh@a.fr" || !last.EmailSent {
		t.Errorf("history: %+v", last)
	}

	// Answers: only the candidate's own, once each.
	other, err := s.ApplicationSummaryByID(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AnswerInterview(ctx, other.CandidateID, iv.ID, true, "", now); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("another candidate answered: %v", err)
	}
	if err := s.AnswerInterview(ctx, sum.CandidateID, iv.ID, false, "  ", now); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("another slot without a message: %v", err)
	}
	if err := s.AnswerInterview(ctx, sum.CandidateID, iv.ID, true, "", now); err != nil {
		t.Fatal(err)
	}
	if err := s.AnswerInterview(ctx, sum.CandidateID, iv.ID, true, "", now); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("accepted twice: %v", err)
	}
	if err := s.AnswerInterview(ctx, sum.CandidateID, iv.ID, false, "Plutôt le jeudi matin.", now); err != nil {
		t.Fatal(err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskInterviewAnswered); n != 2 {
		t.Errorf("%d answer notices queued, want 2", n)
	}
	mine, err := s.CandidateInterviews(ctx, sum.CandidateID)
	if err != nil {
		t.Fatal(err)
	}
	if got := mine[ids[0]]; got == nil || got.Status != vivier.InterviewOtherSlot || got.CandidateMessage != "Plutôt le jeudi matin." {
		t.Errorf("candidate's interview: %+v", got)
	}

	// A new invitation replaces the pending one; the old one takes no answer.
	req.StartsAt = req.StartsAt.Add(24 * time.Hour)
	iv2, err := s.InviteToInterview(ctx, a.ID, ids[0], req, actor, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AnswerInterview(ctx, sum.CandidateID, iv.ID, true, "", now); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Errorf("the replaced invitation took an answer: %v", err)
	}
	// It updates the candidate's calendar event: same UID, next sequence.
	if iv2.UID != iv.UID || iv2.Sequence != iv.Sequence+1 || iv2.UID == "" {
		t.Errorf("the new invitation's event: %q/%d, the old one's %q/%d", iv2.UID, iv2.Sequence, iv.UID, iv.Sequence)
	}
	if mine, err = s.CandidateInterviews(ctx, sum.CandidateID); err != nil || mine[ids[0]].ID != iv2.ID {
		t.Errorf("the candidate sees interview %d, want %d (%v)", mine[ids[0]].ID, iv2.ID, err)
	}
	all, err := s.InterviewsOfApplication(ctx, a.ID, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != iv2.ID || len(all[0].Interviewers) != 1 || all[0].Interviewers[0].Email != "rh@a.fr" {
		t.Errorf("interviews of the application: %+v", all)
	}
	if none, err := s.InterviewsOfApplication(ctx, b.ID, ids[0]); err != nil || len(none) != 0 {
		t.Errorf("another administration reads the interviews (%v)", err)
	}
	// Tomorrow's reminders see it the day before only.
	due, err := s.InterviewsStarting(ctx, iv2.StartsAt.Add(-time.Hour), iv2.StartsAt.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0] != iv2.ID {
		t.Errorf("due = %v", due)
	}
	if !strings.Contains(vivier.FrenchDateTime(iv2.StartsAt, time.UTC), " à ") {
		t.Error("FrenchDateTime")
	}
}
