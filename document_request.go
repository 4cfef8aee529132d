package vivier

import "time"

// DocumentRequest is a recruiter's request for a document, missing or extra,
// which the candidate answers from their space.
type DocumentRequest struct {
	ID            int64      `db:"id"`
	ApplicationID int64      `db:"application_id"`
	Label         string     `db:"label"`
	Types         []string   `db:"-"`
	Message       string     `db:"message"`
	AskedBy       string     `db:"asked_by"` // the agent's name or address, "" when gone
	AskedAt       time.Time  `db:"asked_at"`
	Deadline      time.Time  `db:"deadline"` // the last day (a date)
	FulfilledAt   *time.Time `db:"fulfilled_at"`
	FileID        *int64     `db:"file_id"`
}

// Document is the request as a document to send.
func (r DocumentRequest) Document() OfferDocument {
	d := OfferDocument{Label: r.Label}
	for _, t := range r.Types {
		d.Types = append(d.Types, DocumentType(t))
	}
	return d
}

// Overdue says whether the deadline's day has passed without the document.
func (r DocumentRequest) Overdue(now time.Time) bool {
	if r.FulfilledAt != nil {
		return false
	}
	n := now.In(Paris())
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	return r.Deadline.Before(today)
}

// DocumentRequestTask is the payload of a request's email.
type DocumentRequestTask struct {
	RequestID int64 `json:"request_id"`
}

func (p DocumentRequestTask) Valid() bool { return p.RequestID != 0 }
