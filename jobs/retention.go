package jobs

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
)

// The daily task (vivier.TaskRetention) applies the retention rules of
// personal data: applications not retained anonymised after their
// administration's period, candidates left with nothing erased, talent-pool
// consents renewed or lapsed, inactive agents disabled. Every step is a condition on dates, so a
// second run the same day finds nothing left to do.

// DefaultAgentInactivity is how long an agent may go without signing in
// before their account is disabled.
const DefaultAgentInactivity = 180 * 24 * time.Hour

func (w *Worker) handleRetention(ctx context.Context) error {
	_, err := w.RunRetention(ctx, w.now())
	return err
}

// RunRetention applies the retention rules as of now and records the report.
func (w *Worker) RunRetention(ctx context.Context, now time.Time) ([]vivier.RetentionRun, error) {
	perAdmin := map[int64]*vivier.RetentionRun{}
	row := func(id int64) *vivier.RetentionRun {
		if r, ok := perAdmin[id]; ok {
			return r
		}
		r := &vivier.RetentionRun{RanAt: now, AdministrationID: &id}
		perAdmin[id] = r
		return r
	}
	// Renewals are asked before consents lapse, so that a consent lapsing
	// today was asked about a month ago, not just now.
	renewals, err := w.store.TalentPoolRenewalsDue(ctx, now)
	if err != nil {
		return nil, err
	}
	for _, r := range renewals {
		sent, err := w.askRenewal(ctx, r)
		if err != nil {
			return nil, err
		}
		if sent {
			row(r.AdministrationID).RenewalsSent++
		}
		if err := w.store.MarkRenewalAsked(ctx, r, now); err != nil {
			return nil, err
		}
	}
	expired, err := w.store.ExpireTalentPool(ctx, now)
	if err != nil {
		return nil, err
	}
	for id, n := range expired {
		row(id).ConsentsExpired += n
	}
	files := w.cfg.Files
	if files == nil {
		return nil, fmt.Errorf("retention: no file store: %w", asynq.SkipRetry)
	}
	anonymised, erased, err := w.store.AnonymiseStaleApplications(ctx, now, files)
	if err != nil {
		return nil, err
	}
	for id, n := range anonymised {
		row(id).Anonymised += n
	}
	inactivity := w.cfg.AgentInactivity
	if inactivity <= 0 {
		inactivity = DefaultAgentInactivity
	}
	deactivated, err := w.store.DeactivateInactiveAgents(ctx, now, inactivity)
	if err != nil {
		return nil, err
	}
	runs := []vivier.RetentionRun{{RanAt: now, Erased: erased, AgentsDeactivated: deactivated}}
	for _, r := range perAdmin {
		runs = append(runs, *r)
	}
	if err := w.store.RecordRetentionRun(ctx, runs); err != nil {
		return nil, err
	}
	w.log.InfoContext(ctx, "retention", "anonymised", sum(anonymised), "candidates_erased", erased,
		"consents_expired", sum(expired), "renewals", len(renewals), "agents_deactivated", deactivated)
	return runs, nil
}

// askRenewal mails the candidate a link to their space, where a button
// renews the consent. The key names the consent (application and date), so
// a retried run does not mail twice and a renewed consent is asked again in
// two years.
func (w *Worker) askRenewal(ctx context.Context, r vivier.TalentPoolRenewal) (bool, error) {
	key := "talent-pool-renewal:" + strconv.FormatInt(r.ApplicationID, 10) + ":" + strconv.FormatInt(r.TalentPoolAt.Unix(), 10)
	rec := &vivier.SentEmail{MessageKey: key, Template: "talent_pool_renewal", Recipient: r.Email, AdministrationID: &r.AdministrationID}
	return w.sendOnce(ctx, rec, func() (string, error) {
		token, hash := vivier.NewToken()
		if err := w.store.CreateTrackingLink(ctx, r.CandidateID, &r.ApplicationID, hash); err != nil {
			return "", err
		}
		email, err := w.renderer.Email("talent_pool_renewal", map[string]any{
			"Administration": r.AdministrationName, "URL": w.cfg.BaseURL + "/suivi/" + token,
			"Expires": r.ExpiresAt.In(vivier.Paris()).Format("02/01/2006")})
		if err != nil {
			return "", fmt.Errorf("%w: %w", err, asynq.SkipRetry)
		}
		rec.Subject = email.Subject
		return w.deliver(ctx, Outgoing{To: r.Email, Email: email}, rec)
	})
}

func sum(m map[int64]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
