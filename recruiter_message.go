package vivier

import (
	"time"
)

// A recruiter writes to a candidate from the application page; the worker
// emails the message. The candidate's address never shows in the sender's
// mailbox and the exchange stays in the application's record.

// MessageTask is the payload of TaskRecruiterMessage.
type MessageTask struct {
	ApplicationID int64 `json:"application_id"`
	MessageID     int64 `json:"message_id"`
}

// ApplicationMessage is one message of an application's exchange.
type ApplicationMessage struct {
	ID            int64     `db:"id"`
	FromCandidate bool      `db:"from_candidate"`
	AgentEmail    *string   `db:"agent_email"`
	Body          string    `db:"body"`
	CreatedAt     time.Time `db:"created_at"`
}

// CandidateTask is the payload of the data rights' emails. The erasure's
// carries the address, which the erasure removed from the candidate.
type CandidateTask struct {
	CandidateID int64     `json:"candidate_id"`
	Email       string    `json:"email,omitempty"`
	At          time.Time `json:"at"`
}
