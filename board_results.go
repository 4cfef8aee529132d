package vivier

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// BoardApplicant is how an application appears on every page of a board
// (marking grid, results, lists, minutes): by name, or by its pseudonym
// when the screening is anonymised.
type BoardApplicant struct {
	ApplicationID int64
	Name          string
	Pseudonym     string // "Candidat·e N", N stable within the offer
	Masked        bool
}

// Label is what a page shows of the applicant.
func (a BoardApplicant) Label() string {
	if a.Masked || strings.TrimSpace(a.Name) == "" {
		return a.Pseudonym
	}
	return a.Name
}

// ResultApplication is what the ranking needs of an application besides
// its marks.
type ResultApplication struct {
	ID        int64     `db:"id"`
	AppliedAt time.Time `db:"applied_at"`
}

// ResultInput is everything the results are computed from.
type ResultInput struct {
	Board        SelectionBoard
	Criteria     []BoardCriterion
	Members      []BoardMember
	Applications []ResultApplication
	Marks        []BoardMark
	Conflicts    []BoardConflict
}

// MemberTotal is one member's weighted total of an application, on the
// board's scale: sum(score × weight) / sum(weight).
type MemberTotal struct {
	MemberID int64
	Total    float64
}

// ApplicationResult is an application's place in the results. Only members
// who marked every criterion count; a member with a conflict never does.
type ApplicationResult struct {
	ApplicationID int64
	AppliedAt     time.Time
	Totals        []MemberTotal // in the order of the members
	Mean          float64       // mean of the members' totals
	// Spread ("écart" on the pages) is the highest total minus the lowest:
	// how far the members stand apart.
	Spread         float64
	Markers        int
	Conflicts      int
	CriterionMeans map[int64]float64 // per criterion, over the markers
	Rank           int               // from 1; 0 when nobody marked it
	Tied           bool              // its mean equals a neighbour's: the tie rule ordered them
	Admissible     bool              // the threshold is set and the mean reaches it
}

// TotalOf returns a member's total, if they marked the application.
func (r ApplicationResult) TotalOf(memberID int64) (float64, bool) {
	for _, t := range r.Totals {
		if t.MemberID == memberID {
			return t.Total, true
		}
	}
	return 0, false
}

// markEpsilon absorbs the float error of sums of hundredths: two means
// closer than that are equal.
const markEpsilon = 1e-9

func sameMark(a, b float64) bool { return math.Abs(a-b) < markEpsilon }

// ComputeResults ranks a board's applications by mean descending; equal
// means are ordered by the board's tie rule, then by application id so
// that the order never depends on chance.
func ComputeResults(in ResultInput) []ApplicationResult {
	var weights float64
	for _, c := range in.Criteria {
		weights += c.Weight
	}
	conflict := make(map[[2]int64]bool, len(in.Conflicts))
	for _, c := range in.Conflicts {
		conflict[[2]int64{c.MemberID, c.ApplicationID}] = true
	}
	scores := make(map[[3]int64]float64, len(in.Marks))
	for _, m := range in.Marks {
		scores[[3]int64{m.MemberID, m.ApplicationID, m.CriterionID}] = m.Score
	}
	out := make([]ApplicationResult, 0, len(in.Applications))
	for _, app := range in.Applications {
		r := ApplicationResult{ApplicationID: app.ID, AppliedAt: app.AppliedAt, CriterionMeans: map[int64]float64{}}
		sums := make(map[int64]float64, len(in.Criteria))
		for _, mem := range in.Members {
			if conflict[[2]int64{mem.ID, app.ID}] {
				r.Conflicts++
				continue
			}
			total, complete := 0.0, len(in.Criteria) > 0
			for _, c := range in.Criteria {
				v, ok := scores[[3]int64{mem.ID, app.ID, c.ID}]
				if !ok {
					complete = false
					break
				}
				total += v * c.Weight
			}
			if !complete {
				continue
			}
			for _, c := range in.Criteria {
				sums[c.ID] += scores[[3]int64{mem.ID, app.ID, c.ID}]
			}
			r.Totals = append(r.Totals, MemberTotal{MemberID: mem.ID, Total: total / weights})
		}
		r.Markers = len(r.Totals)
		if r.Markers > 0 {
			lo, hi, sum := math.Inf(1), math.Inf(-1), 0.0
			for _, t := range r.Totals {
				sum += t.Total
				lo, hi = math.Min(lo, t.Total), math.Max(hi, t.Total)
			}
			r.Mean, r.Spread = sum/float64(r.Markers), hi-lo
			for id, v := range sums {
				r.CriterionMeans[id] = v / float64(r.Markers)
			}
			r.Admissible = in.Board.Threshold != nil && r.Mean+markEpsilon >= *in.Board.Threshold
		}
		out = append(out, r)
	}
	tieCriterion := int64(0)
	if in.Board.TieCriterionID != nil {
		tieCriterion = *in.Board.TieCriterionID
	} else if len(in.Criteria) > 0 {
		tieCriterion = in.Criteria[0].ID
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Markers > 0) != (b.Markers > 0) {
			return a.Markers > 0
		}
		if !sameMark(a.Mean, b.Mean) {
			return a.Mean > b.Mean
		}
		switch in.Board.TieRule {
		case TieByCriterion:
			if x, y := a.CriterionMeans[tieCriterion], b.CriterionMeans[tieCriterion]; !sameMark(x, y) {
				return x > y
			}
		case TieBySpread:
			if !sameMark(a.Spread, b.Spread) {
				return a.Spread < b.Spread
			}
		case TieByAppliedAt:
			if !a.AppliedAt.Equal(b.AppliedAt) {
				return a.AppliedAt.Before(b.AppliedAt)
			}
		}
		return a.ApplicationID < b.ApplicationID
	})
	for i := range out {
		if out[i].Markers == 0 {
			continue
		}
		out[i].Rank = i + 1
		prev := i > 0 && out[i-1].Markers > 0 && sameMark(out[i-1].Mean, out[i].Mean)
		next := i+1 < len(out) && out[i+1].Markers > 0 && sameMark(out[i+1].Mean, out[i].Mean)
		out[i].Tied = prev || next
	}
	return out
}

// FrenchMark writes a mark as the pages show it: two decimals, a comma.
func FrenchMark(v float64) string {
	return strings.Replace(strconv.FormatFloat(v, 'f', 2, 64), ".", ",", 1)
}

// ProposeLists cuts the ranking into a liste principale of the first n
// ranked applications and a liste complémentaire of the next m; when the
// threshold is set, only admissible ones are proposed.
func ProposeLists(results []ApplicationResult, threshold bool, n, m int) (principale, complementaire []int64) {
	for _, r := range results {
		if r.Rank == 0 || (threshold && !r.Admissible) {
			continue
		}
		switch {
		case len(principale) < n:
			principale = append(principale, r.ApplicationID)
		case len(complementaire) < m:
			complementaire = append(complementaire, r.ApplicationID)
		}
	}
	return principale, complementaire
}
