package vivier

import (
	"encoding/json"
	"fmt"
	"time"
)

// Job alerts: a candidate saves a search of /offres with their address; once
// they confirm it from the emailed link, the daily task mails them the offers
// published since its last email. Nothing is sent to an address that did not
// confirm, and every alert email carries a one-click unsubscribe.

// Retention of alerts: one never confirmed is deleted after a week, one
// whose owner did nothing for three years (the CNIL's period for
// prospection) is deleted by the daily task.
const (
	JobAlertConfirmWindow = 7 * 24 * time.Hour
	JobAlertInactivity    = 3 * 365 * 24 * time.Hour
)

// JobAlert is a saved search.
type JobAlert struct {
	ID             int64       `db:"id"`
	Email          string      `db:"email"`
	Query          string      `db:"query"`
	Search         OfferSearch `db:"-"`
	SearchJSON     []byte      `db:"search"`
	Label          string      `db:"label"`
	CreatedAt      time.Time   `db:"created_at"`
	ConfirmedAt    *time.Time  `db:"confirmed_at"`
	LastSentAt     *time.Time  `db:"last_sent_at"`
	LastActivityAt time.Time   `db:"last_activity_at"`
}

// JobAlertTask is the payload of TaskJobAlertConfirm.
type JobAlertTask struct {
	AlertID int64 `json:"alert_id"`
}

const jobAlertColumns = `id, email, query, search, label, created_at, confirmed_at, last_sent_at, last_activity_at`

func (a *JobAlert) decode() error {
	if err := json.Unmarshal(a.SearchJSON, &a.Search); err != nil {
		return fmt.Errorf("job alert %d: search: %w", a.ID, err)
	}
	return nil
}

var errAlertLink = Errorf(ENOTFOUND, "Ce lien n'est plus valable : l'alerte a peut-être déjà été confirmée ou supprimée.")

// ErrAlertLinkExpired is a confirmation link past its week: the page says so
// with 410 Gone, as the back-office's expired links do.
var ErrAlertLinkExpired = Errorf(EINVALID, "Ce lien de confirmation a expiré : il fonctionne 7 jours. "+
	"Créez de nouveau l'alerte depuis la recherche d'offres.")
