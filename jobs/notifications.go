package jobs

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
)

// The recruiters' notifications beyond the immediate ones: the daily digest
// of new applications for agents who chose it, and the reminder of an
// application at 80 % of the promised response time. Both are periodic
// tasks that every worker's scheduler enqueues; Unique collapses the copies,
// and sent_emails keys (agent, administration, day) and (application,
// agent) make a second run send nothing.

// recruitersFor lists whom a recruiters' email goes to: for a new
// application, those who want to hear of each one at once.
func (w *Worker) recruitersFor(ctx context.Context, template string, adminID int64) ([]vivier.Agent, error) {
	if template == "new_application" {
		return w.store.RecruitersByMode(ctx, adminID, vivier.NotifyImmediate)
	}
	return w.store.Recruiters(ctx, adminID)
}

func (w *Worker) handleDigest(ctx context.Context) error {
	_, err := w.RunDigest(ctx, w.now())
	return err
}

// RunDigest sends the digest of the Paris day before now to every agent who
// chose it, and returns how many emails it sent.
func (w *Worker) RunDigest(ctx context.Context, now time.Time) (int, error) {
	today := now.In(vivier.Paris())
	to := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, vivier.Paris())
	from := to.AddDate(0, 0, -1)
	day := from.Format("02/01/2006")
	recipients, err := w.store.DigestRecipients(ctx)
	if err != nil {
		return 0, err
	}
	apps := map[int64][]vivier.ApplicationRow{}
	sent := 0
	for _, r := range recipients {
		list, ok := apps[r.AdministrationID]
		if !ok {
			if list, err = w.store.NewApplicationsBetween(ctx, r.AdministrationID, from, to); err != nil {
				return sent, err
			}
			apps[r.AdministrationID] = list
		}
		if len(list) == 0 {
			continue // no application that day: no email
		}
		key := "digest:" + strconv.FormatInt(r.AgentID, 10) + ":" + strconv.FormatInt(r.AdministrationID, 10) + ":" + from.Format("2006-01-02")
		rec := &vivier.SentEmail{MessageKey: key, Template: "notification_digest", Recipient: r.Email, AdministrationID: &r.AdministrationID}
		ok, err := w.sendOnce(ctx, rec, func() (string, error) {
			token, hash := vivier.NewToken()
			if err := w.store.CreateUnsubscribeToken(ctx, r.AgentID, r.AdministrationID, hash); err != nil {
				return "", err
			}
			unsubscribe := w.cfg.BaseURL + "/admin/desabonnement/" + token
			email, err := w.renderer.Email("notification_digest", map[string]any{
				"FirstName": r.FirstName, "Administration": r.AdminName, "Slug": r.AdminSlug, "Day": day, "Apps": list,
				"BaseURL": w.cfg.BaseURL, "ListURL": w.cfg.BaseURL + "/admin/" + r.AdminSlug + "/candidatures",
				"SettingsURL": w.cfg.BaseURL + "/admin/" + r.AdminSlug + "/notifications", "UnsubscribeURL": unsubscribe,
			})
			if err != nil {
				return "", fmt.Errorf("%w: %w", err, asynq.SkipRetry)
			}
			rec.Subject = email.Subject
			return w.deliver(ctx, Outgoing{To: r.Email, Email: email, Unsubscribe: unsubscribe}, rec)
		})
		if err != nil {
			return sent, err // the ones sent are recorded: a retry skips them
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}

func (w *Worker) handleResponseReminders(ctx context.Context) error {
	_, err := w.RunResponseReminders(ctx, w.now())
	return err
}

// RunResponseReminders reminds the recruiters (but those who turned their
// notifications off) of each application at 80 % of the promised time, once
// per application and recruiter, and returns how many emails it sent.
func (w *Worker) RunResponseReminders(ctx context.Context, now time.Time) (int, error) {
	due, err := w.store.ResponseRemindersDue(ctx, now)
	if err != nil {
		return 0, err
	}
	agents := map[int64][]vivier.Agent{}
	sent := 0
	for _, d := range due {
		a, err := w.store.ApplicationSummaryByID(ctx, d.ApplicationID)
		if vivier.ErrorCode(err) == vivier.ENOTFOUND {
			continue
		}
		if err == nil {
			_, err = w.store.MaskForRecruiters(ctx, a)
		}
		if err != nil {
			return sent, err
		}
		list, ok := agents[d.AdministrationID]
		if !ok {
			if list, err = w.store.RecruitersByMode(ctx, d.AdministrationID, vivier.NotifyImmediate, vivier.NotifyDigest); err != nil {
				return sent, err
			}
			agents[d.AdministrationID] = list
		}
		data := map[string]any{"A": a,
			"Received":    a.CreatedAt.In(vivier.Paris()).Format("02/01/2006"),
			"Due":         a.CreatedAt.AddDate(0, 0, a.ResponseDays).In(vivier.Paris()).Format("02/01/2006"),
			"URL":         w.cfg.BaseURL + "/admin/" + a.AdminSlug + "/candidatures/" + strconv.FormatInt(a.ID, 10),
			"SettingsURL": w.cfg.BaseURL + "/admin/" + a.AdminSlug + "/notifications"}
		for _, ag := range list {
			key := "response-reminder:" + strconv.FormatInt(a.ID, 10) + ":" + strconv.FormatInt(ag.ID, 10)
			ok, err := w.sendTemplate(ctx, key, "response_reminder", ag.Email, &a.AdministrationID, data)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	return sent, nil
}
