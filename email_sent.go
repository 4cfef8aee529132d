package vivier

import "time"

// SentEmail records an email handed to the SMTP server.
type SentEmail struct {
	ID               int64     `db:"id"`
	MessageKey       string    `db:"message_key"`
	Template         string    `db:"template"`
	Recipient        string    `db:"recipient"`
	Subject          string    `db:"subject"`
	AdministrationID *int64    `db:"administration_id"`
	SMTPMessageID    string    `db:"smtp_message_id"`
	SentAt           time.Time `db:"sent_at"`
}
