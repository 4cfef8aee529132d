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

// The sorts of the talent pool, as the URL names them.
const (
	PoolSortRecent  = "recentes" // latest application first (the default)
	PoolSortName    = "nom"
	PoolSortConsent = "accord" // the consent that lapses first, first
)

// PoolSorts are the sorts the pool offers, with their labels.
var PoolSorts = []struct{ Value, Label string }{
	{PoolSortRecent, "Candidature récente"},
	{PoolSortName, "Nom"},
	{PoolSortConsent, "Fin d'accord proche"},
}

// PoolFilter narrows the talent pool.
type PoolFilter struct {
	Query string // a name, words of the CVs, the last offer's title or métier
	Sort  string // one of PoolSorts' values; anything else is the default
	Page  int    // from 1

	// WithDirections adds the pools of the administration's directions (a
	// parent's agents hold their roles there): a person is a line per
	// administration they consented to, under that administration, which
	// alone invites them. Direction narrows to one administration of the
	// tree; outside it, nothing.
	WithDirections bool
	Direction      int64
	CandidateID    int64 // one person only (the invitation page)
}

// PoolList is a page of the talent pool.
type PoolList = ListPage[PoolCandidate]

// PoolCandidate is a line of the talent pool: a person in the pool of one
// administration.
type PoolCandidate struct {
	ID               int64     `db:"id"`
	AdministrationID int64     `db:"administration_id"` // whose pool: the line's links go there
	AdminSlug        string    `db:"administration_slug"`
	AdminName        string    `db:"administration_name"`
	AdminShortName   string    `db:"administration_short_name"` // "" when it has none
	FirstName        string    `db:"first_name"`
	LastName         string    `db:"last_name"`
	Email            string    `db:"email"`
	LastOfferID      *int64    `db:"offer_id"`    // the last application's offer, nil for a spontaneous one
	LastOffer        *string   `db:"last_offer"`  // title of the last application's offer
	LastMetier       *string   `db:"last_metier"` // its métier
	LastAt           time.Time `db:"last_at"`
	ConsentEnd       time.Time `db:"consent_end"` // when the latest consent lapses
	Total            int       `db:"total"`       // how many match, on every row
	Invited          []int64   `db:"-"`           // offers already proposed
	InvitedTitles    []string  `db:"-"`           // their titles
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
