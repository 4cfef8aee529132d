package jobs

import (
	"context"
	"errors"
	"strconv"

	"github.com/hibiken/asynq"

	"vivier"
)

// The agents who run exports (exports:run: admins and recruiters) hear of a
// batch once it is delivered, or once its delivery task gives up. The key
// holds the delivery request ("auto", or "relivraison:" + the re-delivery
// task's id): one email per agent per delivery, a new re-delivery mails
// again, a retry of the same task does not.

// sirhGivesUp reports whether the delivery task will not run again after
// err: a permanent error, or the last retry Asynq allows. A shutdown is not
// giving up: the task runs again.
func sirhGivesUp(ctx context.Context, err error) bool {
	if errors.Is(err, asynq.SkipRetry) {
		return true
	}
	if ctx.Err() != nil {
		return false
	}
	n, ok := asynq.GetRetryCount(ctx)
	limit, okMax := asynq.GetMaxRetry(ctx)
	return ok && okMax && n >= limit
}

// notifySIRH mails the batch's outcome to each agent who runs exports.
func (w *Worker) notifySIRH(ctx context.Context, b *vivier.SIRHBatch, adm *vivier.Administration, request string) error {
	name, kind := "sirh_export_done", "sirh-export-done"
	if b.State == vivier.BatchFailed {
		name, kind = "sirh_export_failed", "sirh-export-failed"
	}
	agents, err := w.store.Recruiters(ctx, b.AdministrationID)
	if err != nil {
		return err
	}
	data := map[string]any{"Adm": adm, "Batch": b, "Reason": b.LastError,
		"URL": w.cfg.BaseURL + "/admin/" + adm.Slug + "/exports"}
	var errs []error
	for _, ag := range agents {
		key := kind + ":" + strconv.FormatInt(b.ID, 10) + ":" + request + ":" + strconv.FormatInt(ag.ID, 10)
		if _, err := w.sendTemplate(ctx, key, name, ag.Email, &b.AdministrationID, data); err != nil {
			errs = append(errs, err) // one agent's bounce does not keep the others uninformed
		}
	}
	return errors.Join(errs...)
}

// notifySIRHDelivered mails an already delivered batch's outcome again, for
// a task retried after the delivery: the keys keep it to once per agent.
func (w *Worker) notifySIRHDelivered(ctx context.Context, b *vivier.SIRHBatch, request string) error {
	adm, err := w.store.AdministrationByID(ctx, b.AdministrationID)
	if err != nil {
		return err
	}
	d := *b
	d.State = vivier.BatchDelivered
	return w.notifySIRH(ctx, &d, adm, request)
}
