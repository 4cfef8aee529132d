package vivier

import (
	"time"
)

// The talent pool ("vivier"): the candidates who agreed, on one of their
// applications to the administration, to be kept for future offers. The
// consent is per application and per administration; it lapses after the
// administration's retention period (retention.go withdraws it every day;
// the queries here also ignore a lapsed one, so that the pool never shows a
// candidate between the expiry and the daily run). Recruiters search the
// pool and invite a candidate to apply to a published offer: one invitation
// per candidate and offer, an email sent by the worker. A line shows the
// name sent with the candidate's latest application to this administration:
// never what they sent to another.

// PoolInvitationTask is the payload of TaskPoolInvitation.
type PoolInvitationTask struct {
	InvitationID int64 `json:"invitation_id"`
}

// PoolPageSize is how many candidates a page of the pool shows.
const PoolPageSize = 50

// PoolCandidate is a line of the talent pool.
type PoolCandidate struct {
	ID         int64     `db:"id"`
	FirstName  string    `db:"first_name"`
	LastName   string    `db:"last_name"`
	Email      string    `db:"email"`
	LastOffer  *string   `db:"last_offer"`  // title of the last application's offer
	LastMetier *string   `db:"last_metier"` // its métier
	LastAt     time.Time `db:"last_at"`
	ConsentEnd time.Time `db:"consent_end"` // when the latest consent lapses
	Total      int       `db:"total"`       // how many match, on every row
	Invited    []int64   `db:"-"`           // offers already proposed
}

// InvitedTo says whether the candidate was already invited to the offer.
func (p PoolCandidate) InvitedTo(offerID int64) bool {
	for _, id := range p.Invited {
		if id == offerID {
			return true
		}
	}
	return false
}

// PoolInvitation is what the invitation email says.
type PoolInvitation struct {
	ID               int64   `db:"id"`
	AdministrationID int64   `db:"administration_id"`
	AdminName        string  `db:"administration_name"`
	FirstName        string  `db:"first_name"`
	Email            *string `db:"email"`
	OfferID          int64   `db:"offer_id"`
	OfferTitle       string  `db:"offer_title"`
	OfferStatus      string  `db:"offer_status"`
	Consented        bool    `db:"consented"` // the consent still holds
}
