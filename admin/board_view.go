package admin

import (
	"strconv"
	"strings"
	"time"

	"vivier"
)

// What the selection boards' pages show, shaped for the templates and the
// minutes' PDF: the store's results are turned into these once, so that the
// page and the PDF say the same thing.

// boardApplicant names an application on a board's pages: its pseudonym
// while identities are masked, its candidate's name otherwise. It is the
// only data of the partial board_applicant.html.
type boardApplicant = vivier.BoardApplicant

// boardResultRow is one application in the ranking.
type boardResultRow struct {
	Applicant  boardApplicant
	Mean       float64 // weighted mean on the board's scale
	Spread     float64 // highest minus lowest member total
	Markers    int     // members who marked it
	Rank       int
	Admissible *bool // nil: the board has no threshold
	// Totals are each member's weighted total, in the order of the board's
	// members; shown once the marking is closed.
	Totals []memberTotal
}

func (r boardResultRow) MeanText() string   { return frFixed(r.Mean) }
func (r boardResultRow) SpreadText() string { return frFixed(r.Spread) }

// AdmissibleText is "admissible", "non admissible", or "" without a
// threshold.
func (r boardResultRow) AdmissibleText() string {
	switch {
	case r.Admissible == nil:
		return ""
	case *r.Admissible:
		return "admissible"
	}
	return "non admissible"
}

// memberTotal is one member's weighted total for an application.
type memberTotal struct {
	Member   string
	Total    *float64 // nil: not marked
	Conflict bool
}

// Text is the total as the results show it.
func (t memberTotal) Text() string {
	switch {
	case t.Conflict:
		return "conflit"
	case t.Total == nil:
		return "—"
	}
	return frFixed(*t.Total)
}

// boardListRow places an application on a list.
type boardListRow struct {
	Applicant boardApplicant
	List      vivier.BoardList
	Rank      int
}

// minutesMarks are the marks given to one application, member by member.
type minutesMarks struct {
	Applicant boardApplicant
	Lines     []minutesMarkLine
}

// minutesMarkLine is one member's marks on the grid, formatted.
type minutesMarkLine struct {
	Member   string
	Scores   []string // per criterion, in the grid's order; "—" when none
	Total    string
	Conflict bool
}

// boardMinutes is the procès-verbal: the printable page and the PDF.
type boardMinutes struct {
	AdmName                    string
	Board                      vivier.SelectionBoard
	OfferTitle                 string
	Members                    []vivier.BoardMember
	Criteria                   []vivier.BoardCriterion
	Marks                      []minutesMarks
	Results                    []boardResultRow
	Principale, Complementaire []boardListRow
	Date                       time.Time // when the results were arrested, or printed
}

// President is the president's name, or "" when none is named.
func (m *boardMinutes) President() string {
	for _, mb := range m.Members {
		if mb.President {
			return memberName(mb)
		}
	}
	return ""
}

// memberName is how a member is named: their name, else their email.
func memberName(m vivier.BoardMember) string {
	if strings.TrimSpace(m.Name) != "" {
		return m.Name
	}
	return m.Email
}

// kindLabel names a board's kind in French.
func kindLabel(k vivier.BoardKind) string {
	if k == vivier.BoardCommission {
		return "Commission"
	}
	return "Jury"
}

// tieRuleLabel says in French how ties are broken.
func tieRuleLabel(r vivier.TieRule) string {
	switch r {
	case vivier.TieBySpread:
		return "le plus faible écart entre les membres"
	case vivier.TieByAppliedAt:
		return "la date de candidature, la plus ancienne d'abord"
	default:
		return "la note d'un critère, la plus haute d'abord"
	}
}

// frNumber writes a mark the French way: "12,5", "8", "13,25".
func frNumber(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', -1, 64), ".", ",", 1)
}

// frFixed writes a mean or a spread with two decimals: "12,50".
func frFixed(f float64) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', 2, 64), ".", ",", 1)
}
