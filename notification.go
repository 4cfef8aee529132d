package vivier

import "time"

// NotifyMode is an agent's choice for new applications.
type NotifyMode string

// The choices.
const (
	NotifyImmediate NotifyMode = "immediate"
	NotifyDigest    NotifyMode = "digest"
	NotifyOff       NotifyMode = "off"
)

// Label is the choice in French.
func (m NotifyMode) Label() string {
	switch m {
	case NotifyDigest:
		return "Un récapitulatif par jour"
	case NotifyOff:
		return "Aucun courriel"
	}
	return "Un courriel à chaque candidature"
}

// NotifyModes lists the choices in the order the form shows them.
var NotifyModes = []NotifyMode{NotifyImmediate, NotifyDigest, NotifyOff}

// ParseNotifyMode checks a choice sent by a form.
func ParseNotifyMode(s string) (NotifyMode, error) {
	for _, m := range NotifyModes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", FieldError("new_application", "Choisissez comment être prévenu·e des nouvelles candidatures.")
}

// DigestRecipient is an agent who wants the daily digest of an administration.
type DigestRecipient struct {
	AgentID          int64  `db:"agent_id"`
	Email            string `db:"email"`
	FirstName        string `db:"first_name"`
	AdministrationID int64  `db:"administration_id"`
	AdminName        string `db:"administration_name"`
	AdminSlug        string `db:"administration_slug"`
}

// UnsubscribeTarget is what an unsubscribe link turns off.
type UnsubscribeTarget struct {
	AgentID          int64  `db:"agent_id"`
	Email            string `db:"email"`
	AdministrationID int64  `db:"administration_id"`
	AdminName        string `db:"administration_name"`
	AdminSlug        string `db:"administration_slug"`
}

// unsubscribeTTL: a link older than this no longer works (the agent signs
// in and changes the choice on the notifications page).
const unsubscribeTTL = 90 * 24 * time.Hour
