package vivier

import (
	"time"
)

// A transfer to another administration is the candidate's to decide: what
// they sent to one administration reaches another only with their consent.
// An agent proposes it (the administration is named by its slug); the
// candidate gets an email whose link opens their space, where they accept or
// refuse. The receiving administration sees nothing before acceptance. A
// refusal, or no answer within TransferLifetime, cancels it. Every step is
// an event of the application, and on acceptance of the new one too.
//
// On acceptance a new application is made there, spontaneous and
// "nouvelle", with the identity, copies of the files (a file key belongs to
// one application) and the letter, not the answers (they answer the first
// offer's questions) nor the talent-pool consent (it was given to the first
// administration); the receiving recruiters get the usual notice of a new
// application, and the original is closed as "transferee".

// TransferLifetime is how long a proposed transfer waits for the candidate.
const TransferLifetime = 15 * 24 * time.Hour

// TransferTask is the payload of TaskTransferProposed.
type TransferTask struct {
	TransferID int64 `json:"transfer_id"`
}

// Transfer is a transfer to another administration, as the candidate and
// the sending recruiters see it.
type Transfer struct {
	ID             int64      `db:"id"`
	ApplicationID  int64      `db:"application_id"`
	CandidateID    int64      `db:"candidate_id"`
	FromAdminID    int64      `db:"from_administration_id"`
	FromAdminName  string     `db:"from_name"`
	ToAdminID      int64      `db:"to_administration_id"`
	ToAdminName    string     `db:"to_name"`
	OfferTitle     *string    `db:"offer_title"`
	CreatedAt      time.Time  `db:"created_at"`
	ExpiresAt      time.Time  `db:"expires_at"`
	DecidedAt      *time.Time `db:"decided_at"`
	Outcome        string     `db:"outcome"`
	NewApplication *int64     `db:"new_application_id"`
}

// OutcomeLabel says where the transfer stands, for the sending recruiters.
func (t *Transfer) OutcomeLabel() string {
	switch t.Outcome {
	case "acceptee":
		return "acceptée par la personne candidate"
	case "refusee":
		return "refusée par la personne candidate"
	case "expiree":
		return "sans réponse dans le délai : annulée"
	case "annulee":
		return "annulée"
	}
	return "en attente de l'accord de la personne candidate"
}

const transferColumns = `t.id, t.application_id, a.candidate_id, t.from_administration_id, f.name AS from_name,
	t.to_administration_id, d.name AS to_name, o.title AS offer_title, t.created_at, t.expires_at, t.decided_at, t.outcome,
	t.new_application_id`
