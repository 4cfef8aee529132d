package jobs

import (
	"context"
	"strconv"
	"time"

	"vivier"
)

// The reminder to choose a slot: a candidate convoked to choose who has not
// chosen when the choice closes within a day gets one email
// (vivier.TaskSlotReminders, hourly: any tick of that day sends it, and
// sent_emails makes it once). It carries a new tracking link, since the
// choice is made from the space.

func (w *Worker) handleSlotReminders(ctx context.Context) error {
	_, err := w.SendSlotReminders(ctx, w.now())
	return err
}

// SendSlotReminders mails the candidates whose choice of a slot closes
// within a day of now and returns how many it sent; each convocation's
// reminder goes once, whatever the number of runs.
func (w *Worker) SendSlotReminders(ctx context.Context, now time.Time) (int, error) {
	due, err := w.store.ConvocationsToChoose(ctx, now, now.Add(24*time.Hour))
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range due {
		a, err := w.store.ApplicationSummaryByID(ctx, r.ApplicationID)
		if vivier.ErrorCode(err) == vivier.ENOTFOUND {
			continue // erased meanwhile
		}
		if err != nil {
			return sent, err
		}
		if a.Candidate.Email == nil || a.Category == vivier.CategoryErased || a.Category == vivier.CategoryWithdrawn {
			continue
		}
		to, id := *a.Candidate.Email, strconv.FormatInt(r.InterviewID, 10)
		ok, err := w.sendTokenEmail(ctx, "choose_slot_reminder:"+id, "choose_slot_reminder", to, &a.AdministrationID,
			func(hash []byte) error { return w.store.CreateTrackingLink(ctx, a.CandidateID, &a.ID, hash) },
			func(token string) (Outgoing, error) {
				email, err := w.renderer.Email("choose_slot_reminder", map[string]any{"A": a,
					"When": vivier.FrenchDateTime(r.Deadline, vivier.Paris()),
					"URL":  w.cfg.BaseURL + "/suivi/" + token + "#convocation-" + id})
				return Outgoing{To: to, Email: email}, err
			})
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}
