package vivier

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// BoardPageSize is how many cards a column of the board shows at first, and
// how many more each "next" link adds.
const BoardPageSize = 20

// BoardQuery is what a board shows: the list's filter, whose unread marks,
// and how many cards each column shows.
type BoardQuery struct {
	Filter  PipelineFilter
	Reader  int64         // the agent reading: notes and messages are unread for them
	PerStep int           // cards per column; BoardPageSize when 0
	Shown   map[int64]int // a column's own number of cards, by step, past PerStep
	// Known is the count per step when the caller has it (StepCounts, for
	// a board filtered by step at most): it is not counted again.
	Known map[int64]int
}

// Board is an offer's applications by step.
type Board struct {
	Cards  map[int64][]BoardCard // by step, in the filter's order
	Counts map[int64]int         // applications the filter matches, by step
}

// More is how many cards of a step are not shown yet.
func (b Board) More(stepID int64) int { return b.Counts[stepID] - len(b.Cards[stepID]) }

// BoardCard is an application as a card of the board.
//
// An application's file is incomplete when it has no CV while its offer
// does not exclude one (none was sent, or it was deleted since), or when a
// question the offer marks as required has no answer (a question added or
// made required after the application was sent), or when a document the
// offer requires was not sent or a recruiter's request is unanswered: what a
// recruiter must ask the candidate for before deciding. The SQL of each is
// in application_documents_store.go, with the lists' filter on their union.
type BoardCard struct {
	PipelineRow
	EnteredAt      time.Time       `db:"entered_at"` // the last move into the current step, or the creation
	Days           int             `db:"-"`          // whole days since EnteredAt
	Assignees      []BoardAssignee `db:"-"`
	Unread         bool            `db:"unread"` // a note by someone else or a candidate message since the reader's last visit
	MissingCV      bool            `db:"missing_cv"`
	MissingAnswers bool            `db:"missing_answers"`
	MissingDocs    bool            `db:"missing_documents"` // a required document not sent, or a request unanswered
}

// Incomplete says whether the file lacks something (see BoardCard).
func (c BoardCard) Incomplete() bool { return c.MissingCV || c.MissingAnswers || c.MissingDocs }

// DaysText says how long the application has been at its step.
func (c BoardCard) DaysText() string {
	switch c.Days {
	case 0:
		return "Depuis aujourd'hui"
	case 1:
		return "Depuis 1 jour"
	}
	return "Depuis " + strconv.Itoa(c.Days) + " jours"
}

// BoardAssignee is an agent assigned to a card's application.
type BoardAssignee struct {
	Name string // first and last name, or the address when the agent gave none
}

// Initials are what the card shows of the assignee: the first letters of
// the first and last words of the name ("Jeanne Du Pont": "JP").
func (a BoardAssignee) Initials() string {
	words := strings.FieldsFunc(a.Name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if strings.Contains(a.Name, "@") {
		words = words[:min(len(words), 1)] // an address: its first letter only
	}
	out := ""
	for i, w := range words {
		if i == 0 || i == len(words)-1 {
			out += string(unicode.ToUpper([]rune(w)[0]))
		}
	}
	return out
}

// daysBetween counts the whole days from then to now, never below 0.
func daysBetween(then, now time.Time) int {
	return max(0, int(now.Sub(then)/(24*time.Hour)))
}

// TagList is the card's tags, one by one.
func (c BoardCard) TagList() []string {
	if c.Tags == nil || *c.Tags == "" {
		return nil
	}
	return strings.Split(*c.Tags, ", ")
}

// MissingText says what the file lacks, "" when it is complete.
func (c BoardCard) MissingText() string {
	var parts []string
	if c.MissingCV {
		parts = append(parts, "pas de CV")
	}
	if c.MissingAnswers {
		parts = append(parts, "réponse obligatoire manquante")
	}
	if c.MissingDocs {
		parts = append(parts, "pièce manquante ou demandée")
	}
	return strings.Join(parts, ", ")
}
