package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/hibiken/asynq"

	"vivier"
	"vivier/templates"
)

// The emails of an application: the candidate's confirmation, which carries
// the link to their space (its token made here, just before sending, like the
// agents' links), a new link asked for at /suivi, and the recruiters'
// notices of a new application, a withdrawal or a message.

func applicationPayload(t *asynq.Task) (int64, error) {
	var p vivier.ApplicationTask
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.ApplicationID == 0 {
		return 0, fmt.Errorf("%s: bad payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	return p.ApplicationID, nil
}

// summary loads the application; one erased or gone meanwhile means
// nothing to send.
func (w *Worker) summary(ctx context.Context, t *asynq.Task) (*vivier.ApplicationSummary, error) {
	id, err := applicationPayload(t)
	if err != nil {
		return nil, err
	}
	a, err := w.store.ApplicationSummaryByID(ctx, id)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return nil, nil
	}
	if err != nil || a.Candidate.Email == nil {
		return nil, err
	}
	return a, nil
}

func (w *Worker) handleApplicationReceived(ctx context.Context, t *asynq.Task) error {
	a, err := w.summary(ctx, t)
	if a == nil {
		return err
	}
	logo := ""
	if b, err := w.store.PublishedBrandBySlug(ctx, a.AdminSlug); err == nil && b.Content.V.Logo != "" {
		logo = w.cfg.BaseURL + templates.BrandImageURL(a.AdminSlug, b.Content.V.Logo)
	} else if err != nil && vivier.ErrorCode(err) != vivier.ENOTFOUND {
		return err
	}
	if own, err := w.ownTemplate(ctx, a.AdministrationID, vivier.EventReceived); err != nil || own != nil {
		if err != nil {
			return err
		}
		return w.receivedWithTemplate(ctx, t, a, *own)
	}
	_, err = w.sendWithToken(ctx, t.Type(), "application_received", *a.Candidate.Email, &a.AdministrationID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, a.CandidateID, &a.ID, hash) },
		func(token string) any {
			return map[string]any{"A": a, "URL": w.cfg.BaseURL + "/suivi/" + token, "Logo": logo,
				"Due": a.CreatedAt.AddDate(0, 0, a.ResponseDays).In(vivier.Paris()).Format("02/01/2006")}
		})
	return err
}

func (w *Worker) handleTrackingLink(ctx context.Context, t *asynq.Task) error {
	var p vivier.TrackingLinkPayload
	if err := json.Unmarshal(t.Payload(), &p); err != nil || p.Email == "" {
		return fmt.Errorf("%s: bad payload: %v: %w", t.Type(), err, asynq.SkipRetry)
	}
	c, err := w.store.CandidateByEmail(ctx, p.Email)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return nil // no application with this address: the asker was told nothing
	}
	if err != nil {
		return err
	}
	_, err = w.sendWithToken(ctx, t.Type(), "tracking_link", p.Email, nil,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, c.ID, nil, hash) },
		func(token string) any { return map[string]any{"URL": w.cfg.BaseURL + "/suivi/" + token} })
	return err
}

// notifyRecruiters mails each recruiter of the administration once per task.
func (w *Worker) notifyRecruiters(template string) asynq.HandlerFunc {
	return func(ctx context.Context, t *asynq.Task) error {
		a, err := w.summary(ctx, t)
		if a == nil {
			return err
		}
		id := taskID(ctx)
		if id == "" {
			return fmt.Errorf("%s: no task id: %w", t.Type(), asynq.SkipRetry)
		}
		agents, err := w.recruitersFor(ctx, template, a.AdministrationID)
		if err != nil {
			return err
		}
		data := map[string]any{"A": a, "URL": w.cfg.BaseURL + "/admin/" + a.AdminSlug + "/candidatures/" + strconv.FormatInt(a.ID, 10)}
		for _, ag := range agents {
			key := t.Type() + ":" + id + ":" + strconv.FormatInt(ag.ID, 10)
			if _, err := w.sendTemplate(ctx, key, template, ag.Email, &a.AdministrationID, data); err != nil {
				return err // the ones sent are recorded: a retry skips them
			}
		}
		return nil
	}
}
