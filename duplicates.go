package vivier

import (
	"strings"
	"time"
)

// Possible duplicate candidates. A candidate is an address, so the same
// person applying with two addresses makes two candidates. Among one
// administration's applications (and only them: what was sent to another is
// not compared), two addresses are linked ("même personne ?") when the
// identities sent match on the normalised name and phone, or on the name
// and the same CV (same file, or the same extracted text: a CV alone is not
// enough, since templates and generated files repeat).
//
// A match never changes who owns an application. An agent may ask the
// person: each address receives an email whose link opens its tracking
// space, where the person confirms or refuses. Only when both addresses
// have confirmed within MergeLifetime do the second address's applications
// (everywhere: the person asked for it) move to the first, whose link then
// shows them all; the second address's links are revoked. What each
// application says of its candidate (identity, files) does not change.

// MergeLifetime is how long a merge waits for the two confirmations.
const MergeLifetime = 15 * 24 * time.Hour

// MergeConfirmTask is the payload of TaskMergeConfirm.
type MergeConfirmTask struct {
	MergeID     int64 `json:"merge_id"`
	CandidateID int64 `json:"candidate_id"`
}

// DuplicatePair is two candidates who look like the same person.
type DuplicatePair struct {
	Keep, Other DuplicateSide
	Matched     []string        // what matched, in words
	Merge       *CandidateMerge // the latest request about the pair, if any
	Blocked     string          // why a request is not offered; empty when it is
}

// DuplicateSide is one candidate of a pair, as this administration knows it.
type DuplicateSide struct {
	ID           int64     `db:"id"`
	FirstName    string    `db:"first_name"` // sent with their latest application here
	LastName     string    `db:"last_name"`
	Email        string    `db:"email"`
	Phone        string    `db:"phone"`
	Applications int       `db:"applications"` // here
	FirstAt      time.Time `db:"first_at"`     // the older is kept
}

// CandidateMerge is a request to merge two addresses of one person.
type CandidateMerge struct {
	ID               int64      `db:"id"`
	AdministrationID int64      `db:"administration_id"`
	AdminName        string     `db:"administration_name"`
	KeepID           int64      `db:"keep_id"`
	OtherID          int64      `db:"other_id"`
	KeepEmail        *string    `db:"keep_email"`
	OtherEmail       *string    `db:"other_email"`
	Matched          string     `db:"matched"`
	CreatedAt        time.Time  `db:"created_at"`
	ExpiresAt        time.Time  `db:"expires_at"`
	KeepConfirmedAt  *time.Time `db:"keep_confirmed_at"`
	OtherConfirmedAt *time.Time `db:"other_confirmed_at"`
	Outcome          string     `db:"outcome"`
}

// Pending says whether the request still waits for the person.
func (m *CandidateMerge) Pending() bool { return m.Outcome == "en_attente" }

// ConfirmedBy says whether the address of candidateID has confirmed.
func (m *CandidateMerge) ConfirmedBy(candidateID int64) bool {
	if candidateID == m.KeepID {
		return m.KeepConfirmedAt != nil
	}
	return m.OtherConfirmedAt != nil
}

// OtherAddress is the merge's other address as the candidateID side may
// read it: masked, since a false match must not hand one person's address
// to another.
func (m *CandidateMerge) OtherAddress(candidateID int64) string {
	e := m.KeepEmail
	if candidateID == m.KeepID {
		e = m.OtherEmail
	}
	if e == nil {
		return "une adresse supprimée"
	}
	return MaskEmail(*e)
}

// MaskEmail keeps the first letter of the local part and the domain:
// c•••••@exemple.fr.
func MaskEmail(e string) string {
	at := strings.LastIndexByte(e, '@')
	if at < 1 {
		return "•••"
	}
	first := []rune(e[:at])[0]
	return string(first) + strings.Repeat("•", 5) + e[at:]
}

const mergeColumns = `m.id, m.administration_id, ad.name AS administration_name, m.keep_id, m.other_id,
	k.email AS keep_email, o.email AS other_email, m.matched, m.created_at, m.expires_at, m.keep_confirmed_at,
	m.other_confirmed_at, m.outcome`
