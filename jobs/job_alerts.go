package jobs

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
)

// The daily task (vivier.TaskJobAlerts) mails each confirmed job alert the
// offers published since its last email. Its window ends at midnight (Paris) of the
// day it runs, so that a run retried the same day searches the same window
// and finds its email already recorded under the same key.

// JobAlertOffers is how many offers an alert email lists; past it, the email
// links to the search.
const JobAlertOffers = 10

const jobAlertBatch = 200

func (w *Worker) handleJobAlerts(ctx context.Context) error {
	_, err := w.RunJobAlerts(ctx, w.now())
	return err
}

// RunJobAlerts purges expired alerts, then sends every confirmed alert its
// new offers as of now; it returns how many emails this run sent.
func (w *Worker) RunJobAlerts(ctx context.Context, now time.Time) (int, error) {
	purged, err := w.store.PurgeJobAlerts(ctx, now)
	if err != nil {
		return 0, err
	}
	y, m, d := now.In(vivier.Paris()).Date()
	until := time.Date(y, m, d, 0, 0, 0, 0, vivier.Paris())
	sent := 0
	for after := int64(0); ; {
		alerts, err := w.store.ConfirmedJobAlerts(ctx, after, jobAlertBatch)
		if err != nil {
			return sent, err
		}
		for _, a := range alerts {
			ok, err := w.sendJobAlert(ctx, a, until)
			if err != nil {
				return sent, err // those sent are recorded: the retry skips them
			}
			if ok {
				sent++
			}
		}
		if len(alerts) < jobAlertBatch {
			break
		}
		after = alerts[len(alerts)-1].ID
	}
	w.log.InfoContext(ctx, "job alerts", "sent", sent, "purged", purged)
	return sent, nil
}

// sendJobAlert mails one alert the offers of its window, if there are any,
// and moves its window on.
func (w *Worker) sendJobAlert(ctx context.Context, a vivier.JobAlert, until time.Time) (bool, error) {
	if a.LastSentAt == nil || !a.LastSentAt.Before(until) {
		return false, nil // confirmed since midnight: its first window is tomorrow's
	}
	q := a.Search
	q.PublishedAfter, q.PublishedBefore = *a.LastSentAt, until
	q.ByDate, q.Page, q.PerPage = true, 1, JobAlertOffers
	res, err := w.store.SearchOffers(ctx, q)
	if err != nil {
		return false, err
	}
	sent := false
	if len(res.Hits) > 0 {
		key := "job-alert:" + strconv.FormatInt(a.ID, 10) + ":" + until.Format("2006-01-02")
		rec := &vivier.SentEmail{MessageKey: key, Template: "job_alert", Recipient: a.Email}
		sent, err = w.sendOnce(ctx, rec, func() (string, error) {
			token, hash := vivier.NewToken()
			if err := w.store.AddJobAlertToken(ctx, a.ID, "desinscription", hash); err != nil {
				return "", err
			}
			unsubscribe := w.cfg.BaseURL + "/alertes/desinscription/" + token
			email, err := w.renderer.Email("job_alert", map[string]any{
				"Alert": a, "Hits": res.Hits, "Total": res.Total, "More": res.Total > len(res.Hits),
				"BaseURL": w.cfg.BaseURL, "SearchURL": w.cfg.BaseURL + "/offres?" + a.Query, "Unsubscribe": unsubscribe})
			if err != nil {
				return "", fmt.Errorf("%w: %w", err, asynq.SkipRetry)
			}
			rec.Subject = email.Subject
			return w.mailer.Send(ctx, Outgoing{To: a.Email, Email: email, Headers: map[string]string{
				"List-Unsubscribe":      "<" + unsubscribe + ">",
				"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			}})
		})
		if err != nil {
			return false, err
		}
	}
	return sent, w.store.MarkJobAlertSent(ctx, a.ID, until)
}

func (w *Worker) handleJobAlertConfirm(ctx context.Context, p vivier.JobAlertTask) error {
	a, err := w.store.JobAlertByID(ctx, p.AlertID)
	if err != nil || a.ConfirmedAt != nil {
		return err // ENOTFOUND: unsubscribed or purged meanwhile
	}
	_, err = w.sendWithToken(ctx, "job_alert_confirm", a.Email, nil,
		func(hash []byte) error { return w.store.AddJobAlertToken(ctx, a.ID, "confirmation", hash) },
		func(token string) any {
			return map[string]any{"Alert": a, "URL": w.cfg.BaseURL + "/alertes/confirmation/" + token}
		})
	return err
}
