package jobs

import (
	"context"
	"strconv"

	"vivier"
	"vivier/templates"
)

// The emails of an application: the candidate's confirmation, which carries
// the link to their space (its token made here, just before sending, like the
// agents' links), a new link asked for at /suivi, and the recruiters'
// notices of a new application, a withdrawal or a message.

// summary loads the application; nil when there is nobody to mail any more
// (erased meanwhile). One gone is ENOTFOUND: the task is done.
func (w *Worker) summary(ctx context.Context, p vivier.ApplicationTask) (*vivier.ApplicationSummary, error) {
	a, err := w.store.ApplicationSummaryByID(ctx, p.ApplicationID)
	if err != nil || a.Candidate.Email == nil {
		return nil, err
	}
	return a, nil
}

func (w *Worker) handleApplicationReceived(ctx context.Context, p vivier.ApplicationTask) error {
	a, err := w.summary(ctx, p)
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
		return w.receivedWithTemplate(ctx, a, *own)
	}
	_, err = w.sendWithToken(ctx, "application_received", *a.Candidate.Email, &a.AdministrationID,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, a.CandidateID, &a.ID, hash) },
		func(token string) any {
			return map[string]any{"A": a, "URL": w.cfg.BaseURL + "/suivi/" + token, "Logo": logo,
				"Due": a.CreatedAt.AddDate(0, 0, a.ResponseDays).In(vivier.Paris()).Format("02/01/2006")}
		})
	return err
}

func (w *Worker) handleTrackingLink(ctx context.Context, p vivier.TrackingLinkPayload) error {
	c, err := w.store.CandidateByEmail(ctx, p.Email)
	if err != nil {
		return err // ENOTFOUND: no application with this address, and the asker was told nothing
	}
	_, err = w.sendWithToken(ctx, "tracking_link", p.Email, nil,
		func(hash []byte) error { return w.store.CreateTrackingLink(ctx, c.ID, nil, hash) },
		func(token string) any { return map[string]any{"URL": w.cfg.BaseURL + "/suivi/" + token} })
	return err
}

// notifyRecruiters mails each recruiter of the administration once per task.
func (w *Worker) notifyRecruiters(template string) func(context.Context, vivier.ApplicationTask) error {
	return func(ctx context.Context, p vivier.ApplicationTask) error {
		a, err := w.summary(ctx, p)
		if a == nil {
			return err
		}
		task, err := taskKey(ctx)
		if err != nil {
			return err
		}
		if _, err := w.store.MaskForRecruiters(ctx, a); err != nil {
			return err
		}
		agents, err := w.recruitersFor(ctx, template, a.AdministrationID)
		if err != nil {
			return err
		}
		data := map[string]any{"A": a, "URL": w.cfg.BaseURL + "/admin/" + a.AdminSlug + "/candidatures/" + strconv.FormatInt(a.ID, 10)}
		for _, ag := range agents {
			key := task + ":" + strconv.FormatInt(ag.ID, 10)
			if _, err := w.sendTemplate(ctx, key, template, ag.Email, &a.AdministrationID, data); err != nil {
				return err // the ones sent are recorded: a retry skips them
			}
		}
		return nil
	}
}
