package jobs

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"vivier"
)

// The emails of interviews: the candidate's invitation (the
// administration's template, with invitation.ics and a new tracking link,
// since the answer is given from the space), the interviewers' and
// recruiters' notice of the candidate's answer, and the candidate's
// reminder the day before (vivier.TaskInterviewReminders, hourly: any tick
// of the day before sends it, and sent_emails makes it once).

// interviewOf loads the payload's interview and its application; nil when
// there is nothing to send any more (replaced, erased, withdrawn), with
// ENOTFOUND when either is gone.
func (w *Worker) interviewOf(ctx context.Context, p vivier.InterviewTask) (*vivier.Interview, *vivier.ApplicationSummary, error) {
	iv, err := w.store.InterviewByID(ctx, p.InterviewID)
	if err != nil {
		return nil, nil, err
	}
	a, err := w.store.ApplicationSummaryByID(ctx, iv.ApplicationID)
	if err != nil {
		return nil, nil, err
	}
	if a.Candidate.Email == nil || a.Category == vivier.CategoryErased || a.Category == vivier.CategoryWithdrawn {
		return nil, nil, nil
	}
	return iv, a, nil
}

// handleInterviewInvitation sends what the interview's current state calls
// for, whichever change wrote the task: the invitation to choose a slot,
// the invitation or its update (ICS REQUEST at the current sequence), or the
// cancellation (ICS CANCEL). A replaced or declined interview sends nothing.
func (w *Worker) handleInterviewInvitation(ctx context.Context, p vivier.InterviewTask) error {
	iv, a, err := w.interviewOf(ctx, p)
	if iv == nil {
		return err
	}
	// The key is the email the state calls for, not the task: two changes
	// queued before the worker reads the first both find the last state,
	// and that state is mailed once.
	kind := map[vivier.InterviewStatus]string{vivier.InterviewToChoose: "choix", vivier.InterviewProposed: "convocation",
		vivier.InterviewAccepted: "convocation", vivier.InterviewOtherSlot: "convocation", vivier.InterviewCanceled: "annulation"}[iv.Status]
	if kind == "" {
		return nil // replaced: a newer invitation has its own email; declined: the candidate knows
	}
	key := fmt.Sprintf("interview:%d:%s:%d", iv.ID, kind, iv.Sequence)
	var sess *vivier.InterviewSession
	var own *vivier.EmailTemplate
	if iv.SessionID == nil {
		// A single invitation always takes the interview template, the
		// built-in text included, as it always did.
		t, err := w.store.EmailTemplate(ctx, a.AdministrationID, vivier.EventInterview)
		if err != nil {
			return err
		}
		own = &t
	} else if sess, own, err = w.store.SessionForEmail(ctx, *iv.SessionID); err != nil {
		return err
	}
	switch iv.Status {
	case vivier.InterviewToChoose:
		return w.sendChooseSlot(ctx, key, iv, a, sess)
	case vivier.InterviewProposed, vivier.InterviewAccepted, vivier.InterviewOtherSlot:
		return w.sendConvocation(ctx, key, iv, a, sess, own)
	}
	return w.sendCancellation(ctx, key, iv, a, sess)
}

// handleInterviewAnswered tells the interviewers and the recruiters, once
// each, what the candidate answered.
func (w *Worker) handleInterviewAnswered(ctx context.Context, p vivier.InterviewTask) error {
	iv, a, err := w.interviewOf(ctx, p)
	if iv == nil {
		return err
	}
	task, err := taskKey(ctx)
	if err != nil {
		return err
	}
	// The interviewers and recruiters of an anonymised screening read the
	// pseudonym, and the message without what names its author.
	k, err := w.store.MaskForRecruiters(ctx, a)
	if err != nil {
		return err
	}
	if k != nil {
		iv.CandidateMessage = k.Redact(iv.CandidateMessage)
	}
	recruiters, err := w.store.Recruiters(ctx, a.AdministrationID)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	data := map[string]any{"A": a, "I": iv, "Accepted": iv.Status == vivier.InterviewAccepted,
		"Declined": iv.Status == vivier.InterviewDeclined,
		"When":     vivier.FrenchDateTime(iv.StartsAt, vivier.Paris()),
		"URL":      w.cfg.BaseURL + "/admin/" + a.AdminSlug + "/candidatures/" + strconv.FormatInt(a.ID, 10)}
	for _, ag := range append(iv.Interviewers, recruiters...) {
		if seen[ag.ID] {
			continue
		}
		seen[ag.ID] = true
		key := task + ":" + strconv.FormatInt(ag.ID, 10)
		if _, err := w.sendTemplate(ctx, key, "interview_answered", ag.Email, &a.AdministrationID, data); err != nil {
			return err // the ones sent are recorded: a retry skips them
		}
	}
	return nil
}

func (w *Worker) handleInterviewReminders(ctx context.Context) error {
	_, err := w.SendInterviewReminders(ctx, w.now())
	return err
}

// SendInterviewReminders mails the candidates of the interviews of the day
// after now (in Paris) and returns how many it sent; each interview's
// reminder goes once, whatever the number of runs.
func (w *Worker) SendInterviewReminders(ctx context.Context, now time.Time) (int, error) {
	d := now.In(vivier.Paris())
	from := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, vivier.Paris())
	ids, err := w.store.InterviewsStarting(ctx, from, from.AddDate(0, 0, 1))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, id := range ids {
		iv, err := w.store.InterviewByID(ctx, id)
		if err != nil {
			return sent, err
		}
		a, err := w.store.ApplicationSummaryByID(ctx, iv.ApplicationID)
		if err != nil {
			return sent, err
		}
		if a.Candidate.Email == nil {
			continue
		}
		data := map[string]any{"A": a, "I": iv, "When": vivier.FrenchDateTime(iv.StartsAt, vivier.Paris()), "URL": w.cfg.BaseURL + "/suivi"}
		ok, err := w.sendTemplate(ctx, "interview_reminder:"+strconv.FormatInt(iv.ID, 10), "interview_reminder",
			*a.Candidate.Email, &a.AdministrationID, data)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}
