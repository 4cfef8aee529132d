package vivier

import "time"

// EmailBounce is a permanent refusal of an email by the SMTP server (a 5xx
// answer): the address does not take mail, so the task is not retried and
// recruiters see that the candidate did not get it.
type EmailBounce struct {
	ID               int64     `db:"id"`
	Recipient        string    `db:"recipient"`
	Code             int       `db:"code"`
	Message          string    `db:"message"`
	Template         string    `db:"template"`
	AdministrationID *int64    `db:"administration_id"`
	BouncedAt        time.Time `db:"bounced_at"`
}
