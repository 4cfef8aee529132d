package vivier

import "time"

// ApplicationRow is a line of the back-office's lists.
type ApplicationRow struct {
	ID          int64     `db:"id"`
	OfferID     *int64    `db:"offer_id"`
	OfferTitle  *string   `db:"offer_title"`
	Category    Category  `db:"category"`
	FirstName   string    `db:"first_name"`
	LastName    string    `db:"last_name"`
	Erased      bool      `db:"erased"`
	DomaineCode *string   `db:"domaine_code"`
	Source      string    `db:"source"`
	CreatedAt   time.Time `db:"created_at"`
}

// ApplicationDetail is one application as recruiters see it.
type ApplicationDetail struct {
	ApplicationSummary
	Files     []StoredFile
	Questions []Question // of the offer, to show the answers with their labels
	Events    []TimelineEvent
}
