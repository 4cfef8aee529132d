package jobs

import (
	"context"

	"vivier"
)

// The candidate's email when a recruiter moves their application and chose
// to tell them. It says where the application stands in plain words, the
// step's name only when the administration made it public, and for a
// refusal the reason in kind words. It sends no new tracking link: the
// candidate already has one, and a link in every email would teach them to
// click links in emails.

func (w *Worker) handleApplicationStatus(ctx context.Context, p vivier.StatusTask) error {
	a, err := w.store.ApplicationSummaryByID(ctx, p.ApplicationID)
	if err != nil {
		return err
	}
	if a.Candidate.Email == nil || a.Category == vivier.CategoryErased || a.Category == vivier.CategoryWithdrawn {
		return nil // erased or withdrawn meanwhile: nobody to tell, or nothing worth telling
	}
	change, err := w.store.StatusChangeByEvent(ctx, a.ID, p.EventID)
	if err != nil {
		return err
	}
	key, err := taskKey(ctx)
	if err != nil {
		return err
	}
	if own, err := w.statusTemplate(ctx, a.AdministrationID, change.To); err != nil || own != nil {
		if err != nil {
			return err
		}
		v := vivier.ApplicationValues(a, w.cfg.BaseURL+"/suivi")
		v["motif"] = change.ReasonText
		_, err = w.sendBuilt(ctx, key, "application_status", *a.Candidate.Email, &a.AdministrationID,
			func() (Outgoing, error) { return w.customOutgoing(*a.Candidate.Email, *own, v) })
		return err
	}
	data := map[string]any{"A": a, "C": change, "Status": vivier.StatusLabel(change.To, false),
		"Refused": change.To == vivier.CategoryRefused, "Accepted": change.To == vivier.CategoryAccepted,
		"URL": w.cfg.BaseURL + "/suivi"}
	_, err = w.sendTemplate(ctx, key, "application_status", *a.Candidate.Email, &a.AdministrationID, data)
	return err
}
