package vivier

import "time"

// Bounds of an administration's retention period, in months: the CNIL's two
// years at most, and not so short that a recruitment cannot end.
const (
	RetentionMinMonths = 6
	RetentionMaxMonths = 24
	// RenewalNotice is how long before a talent-pool consent lapses the
	// candidate is asked to renew it.
	RenewalNotice = 30 * 24 * time.Hour
)

// RetentionRun is the report of one daily run for one administration
// (AdministrationID nil: the platform-wide counts).
type RetentionRun struct {
	RanAt              time.Time `db:"ran_at"`
	AdministrationID   *int64    `db:"administration_id"`
	AdministrationName string    `db:"administration_name"`
	Anonymised         int       `db:"anonymised"`
	Erased             int       `db:"erased"`
	ConsentsExpired    int       `db:"consents_expired"`
	RenewalsSent       int       `db:"renewals_sent"`
	AgentsDeactivated  int       `db:"agents_deactivated"`
}

// TalentPoolRenewal is a consent about to lapse, whose candidate has not yet
// been asked to renew it.
type TalentPoolRenewal struct {
	ApplicationID      int64     `db:"application_id"`
	CandidateID        int64     `db:"candidate_id"`
	AdministrationID   int64     `db:"administration_id"`
	AdministrationName string    `db:"administration_name"`
	Email              string    `db:"email"`
	TalentPoolAt       time.Time `db:"talent_pool_at"`
	ExpiresAt          time.Time `db:"expires_at"`
}
