package jobs

import (
	"context"
	"strconv"

	"vivier"
)

// The candidate's email when their application was transferred to another
// administration: who has it now, and that it starts there as received.
// Keyed by the new application, so a retry never mails twice.

func (w *Worker) handleApplicationTransferred(ctx context.Context, p vivier.ApplicationTask) error {
	a, err := w.summary(ctx, p)
	if a == nil {
		return err
	}
	from, err := w.store.TransferredFrom(ctx, a.AdministrationID, a.ID)
	if err != nil {
		return err
	}
	_, err = w.sendTemplate(ctx, vivier.TaskApplicationTransferred+":"+strconv.FormatInt(a.ID, 10), "application_transferred", *a.Candidate.Email, &a.AdministrationID,
		map[string]any{"A": a, "From": from, "URL": w.cfg.BaseURL + "/suivi"})
	return err
}
