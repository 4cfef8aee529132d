package vivier

import (
	"bytes"
	"encoding/json"
	"time"
)

// Validation before publication: an administration may ask that the offers
// of its directions, and its own, be validated by its agents holding
// offers:validate before they go online. The administration whose setting
// asks is the offer's validator: for a direction's offer, its nearest
// ancestor asking for its directions' offers, else the direction itself if
// it asks for its own. A direction's administrators then do not validate
// what their parent validates, while the parent's validators, whose roles
// hold on the direction, reach it.

// ValidationSettings are an administration's two settings.
type ValidationSettings struct {
	Directions bool `db:"validate_directions"` // the offers of its directions (and theirs)
	Own        bool `db:"validate_own"`        // its own offers
}

// Steps of an offer's validation history.
const (
	StepSubmitted   = "submitted"   // a recruiter (or the API) submitted it
	StepApproved    = "approved"    // a validator approved it: published or scheduled
	StepReturned    = "returned"    // a validator returned it to draft, with a comment
	StepResubmitted = "resubmitted" // an edit of its substantive content sent it back
)

// OfferValidationStep is one line of an offer's validation history.
type OfferValidationStep struct {
	ID               int64     `db:"id"`
	OfferID          int64     `db:"offer_id"`
	AdministrationID int64     `db:"administration_id"`
	Step             string    `db:"step"`
	Comment          string    `db:"comment"`
	AgentID          *int64    `db:"agent_id"`
	AgentEmail       string    `db:"agent_email"`
	CreatedAt        time.Time `db:"created_at"`
}

// Label says the step in French.
func (s OfferValidationStep) Label() string {
	switch s.Step {
	case StepSubmitted:
		return "Soumise à validation"
	case StepApproved:
		return "Validée"
	case StepReturned:
		return "Retournée à l'auteur"
	case StepResubmitted:
		return "Renvoyée à la validation par une modification"
	}
	return s.Step
}

// OfferValidation is where an offer stands with validation.
type OfferValidation struct {
	Required  bool  // a setting asks for validation of this offer
	Validated bool  // its substantive content was approved and not changed since
	Validator int64 // the administration whose validators decide (0 when not required)
	// ValidatorName names the validator for the recruiter ("la DRH du
	// ministère").
	ValidatorName string
	Steps         []OfferValidationStep // oldest first
}

// MustSubmit says the offer goes online only through a validator.
func (v *OfferValidation) MustSubmit() bool { return v.Required && !v.Validated }

// Moves are the statuses an agent editing the offer may move it to: a
// pending offer may only be withdrawn (its approval is the validator's),
// and one that must be validated is submitted instead of published.
func (v *OfferValidation) Moves(from OfferStatus, all []OfferStatus) []OfferStatus {
	var out []OfferStatus
	for _, to := range all {
		if !CanMove(from, to) {
			continue
		}
		switch {
		case from == OfferPending && to != OfferDraft:
		case to == OfferPending && !v.MustSubmit():
		case (to == OfferPublished || to == OfferScheduled) && v.MustSubmit():
		default:
			out = append(out, to)
		}
	}
	return out
}

// Returned is the return the offer is in draft for, if its last step is
// one: the recruiter reads its comment.
func (v *OfferValidation) Returned(status OfferStatus) *OfferValidationStep {
	if status != OfferDraft || len(v.Steps) == 0 || v.Steps[len(v.Steps)-1].Step != StepReturned {
		return nil
	}
	return &v.Steps[len(v.Steps)-1]
}

// offerSubstance is the content a validator approves: changing one of these
// fields after the approval sends the offer back to validation, while its
// dates, contacts and other practical fields do not.
type offerSubstance struct {
	Title      string `db:"title"`
	LongTitle  string `db:"long_title"`
	Mission    string `db:"mission"`
	Profile    string `db:"profile"`
	Conditions []byte `db:"conditions"`
}

// substanceColumns are offerSubstance's columns, in one place with it.
const substanceColumns = `title, long_title, mission, profile, conditions`

// SubstantiveFields names, in French, the fields whose change sends a
// validated offer back to validation (said in the offer's form).
const SubstantiveFields = "l'intitulé, les missions, le profil ou les conditions"

func substanceOf(o *Offer) (offerSubstance, error) {
	c, err := json.Marshal(o.Conditions.V)
	return offerSubstance{Title: o.Title, LongTitle: o.LongTitle, Mission: o.Mission, Profile: o.Profile, Conditions: c}, err
}

// changed compares two substances; conditions are compared as values, so
// that the order of jsonb's keys does not count as a change.
func (a offerSubstance) changed(b offerSubstance) bool {
	if a.Title != b.Title || a.LongTitle != b.LongTitle || a.Mission != b.Mission || a.Profile != b.Profile {
		return true
	}
	var x, y Conditions
	if json.Unmarshal(a.Conditions, &x) != nil || json.Unmarshal(b.Conditions, &y) != nil {
		return !bytes.Equal(a.Conditions, b.Conditions)
	}
	// The contract's dates are dates, not content: they may move freely.
	x.ContractStart, x.ContractEnd, y.ContractStart, y.ContractEnd = nil, nil, nil, nil
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return !bytes.Equal(xb, yb)
}

// PendingOffer is a line of a validator's queue.
type PendingOffer struct {
	ID          int64      `db:"id"`
	AdminID     int64      `db:"administration_id"`
	AdminSlug   string     `db:"admin_slug"`
	AdminName   string     `db:"admin_name"`
	Kind        OfferKind  `db:"kind"`
	Reference   string     `db:"reference"`
	Title       string     `db:"title"`
	PublishAt   *time.Time `db:"publish_at"`
	Step        string     `db:"step"` // submitted or resubmitted
	SubmittedBy string     `db:"submitted_by"`
	SubmittedAt time.Time  `db:"submitted_at"`
}

// Resubmitted says an edit sent it back (it was online before).
func (p PendingOffer) Resubmitted() bool { return p.Step == StepResubmitted }

// ValidationNotice is a validator's decision on an offer the agent
// submitted, for the agent's dashboard.
type ValidationNotice struct {
	OfferID   int64     `db:"offer_id"`
	AdminSlug string    `db:"admin_slug"`
	Title     string    `db:"title"`
	Step      string    `db:"step"`
	Comment   string    `db:"comment"`
	By        string    `db:"agent_email"`
	At        time.Time `db:"created_at"`
}

// Returned says the validator returned the offer.
func (n ValidationNotice) Returned() bool { return n.Step == StepReturned }

// OfferValidationTask is the payload of TaskOfferValidation: the decision
// to tell the offer's author.
type OfferValidationTask struct {
	StepID int64 `json:"step_id"`
}

// OfferDecisionEmail is what the author's email says.
type OfferDecisionEmail struct {
	StepID    int64      `db:"step_id"`
	Step      string     `db:"step"`
	Comment   string     `db:"comment"`
	OfferID   int64      `db:"offer_id"`
	Title     string     `db:"title"`
	Reference string     `db:"reference"`
	Status    string     `db:"status"`
	PublishAt *time.Time `db:"publish_at"`
	AdminID   int64      `db:"administration_id"`
	AdminSlug string     `db:"admin_slug"`
	AdminName string     `db:"admin_name"`
	To        string     `db:"recipient"`
	UpdatedAt time.Time  `db:"updated_at"` // the version of the offer decided on
}

// Returned says the validator returned the offer.
func (e OfferDecisionEmail) Returned() bool { return e.Step == StepReturned }
