package vivier

import "github.com/lib/pq"

// CVTerm is a stem of the CV with the word that carried it most.
type CVTerm struct {
	Lexeme string
	Word   string
	Count  int
}

// maxCVWords bounds the words looked at: a CV's first pages say enough.
const maxCVWords = 5000

// Suggestion is an offer that matches a CV, with the CV's words it matched.
type Suggestion struct {
	ID        int64          `db:"id"`
	Title     string         `db:"title"`
	Kind      OfferKind      `db:"kind"`
	AdminName string         `db:"administration_name"`
	Lexemes   pq.StringArray `db:"matched"`
	Words     []string       `db:"-"`
}
