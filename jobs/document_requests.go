package jobs

import (
	"context"
	"strconv"
	"time"

	"vivier"
)

// The emails of document requests: the candidate's email when a recruiter
// asks for documents (with a new link to the space, where they are sent),
// and the reminder two days before the deadline
// (vivier.TaskDocumentReminders, hourly: any tick of that day sends it, and
// sent_emails makes it once per request).

// documentRequestOf loads a request and its application; nil when nothing
// is awaited any more or the candidate cannot be reached.
func (w *Worker) documentRequestOf(ctx context.Context, id int64) (*vivier.DocumentRequestMail, *vivier.ApplicationSummary, error) {
	m, err := w.store.DocumentRequestByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	a, err := w.store.ApplicationSummaryByID(ctx, m.Request.ApplicationID)
	if err != nil {
		return nil, nil, err
	}
	if len(m.Asked) == 0 || a.Candidate.Email == nil || (a.Category != vivier.CategoryNew && a.Category != vivier.CategoryReview) {
		return nil, nil, nil
	}
	return m, a, nil
}

func (w *Worker) handleDocumentRequest(ctx context.Context, p vivier.DocumentRequestTask) error {
	key, err := taskKey(ctx)
	if err != nil {
		return err
	}
	_, err = w.sendDocumentRequest(ctx, key, p.RequestID, false)
	return err
}

// sendDocumentRequest mails the candidate what is asked of them, with a
// link to their space; reminder says it is the reminder.
func (w *Worker) sendDocumentRequest(ctx context.Context, key string, requestID int64, reminder bool) (bool, error) {
	m, a, err := w.documentRequestOf(ctx, requestID)
	if m == nil {
		return false, err
	}
	to := *a.Candidate.Email
	return w.sendTokenEmail(ctx, key, "document_request", to, &a.AdministrationID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, a.CandidateID, &a.ID, hash) },
		func(token string) (Outgoing, error) {
			email, err := w.renderer.Email("document_request", map[string]any{"A": a, "Asked": m.Asked, "Deadline": m.Deadline, "Message": m.Request.Message, "Reminder": reminder,
				"URL": w.cfg.BaseURL + "/suivi/" + token + "#pieces-" + strconv.FormatInt(a.ID, 10)})
			return Outgoing{To: to, Email: email}, err
		})
}

func (w *Worker) handleDocumentReminders(ctx context.Context) error {
	_, err := w.SendDocumentReminders(ctx, w.now())
	return err
}

// SendDocumentReminders mails the candidates whose requested documents are
// due two days after now (in Paris), and returns how many it sent; each
// request's reminder goes once, whatever the number of runs.
func (w *Worker) SendDocumentReminders(ctx context.Context, now time.Time) (int, error) {
	d := now.In(vivier.Paris())
	day := time.Date(d.Year(), d.Month(), d.Day()+2, 0, 0, 0, 0, time.UTC)
	due, err := w.store.DocumentRemindersDue(ctx, day)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range due {
		// Keyed on the application and the deadline, not on a request: a
		// piece sent on the day changes which request comes first, and the
		// next run must not remind again.
		key := "document_reminder:" + strconv.FormatInt(r.ApplicationID, 10) + ":" + day.Format("2006-01-02")
		ok, err := w.sendDocumentRequest(ctx, key, r.RequestID, true)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}
