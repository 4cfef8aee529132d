package vivier

import "time"

// A selection board (jury of a concours, commission of an offer) marks the
// applications given to it on a grid of weighted criteria. Members mark on
// their own and do not see each other's marks until the president closes
// the marking; the president then places applications on the lists and
// "arrête" the results, after which the database refuses every change
// (migrations/00031_selection_boards.sql).

// BoardKind names what the board is.
type BoardKind string

const (
	BoardJury       BoardKind = "jury"
	BoardCommission BoardKind = "commission"
)

// TieRule orders applications whose weighted totals are equal.
type TieRule string

const (
	TieByCriterion TieRule = "criterion"  // the mark of one criterion, highest first
	TieBySpread    TieRule = "spread"     // the members' closest agreement first
	TieByAppliedAt TieRule = "applied_at" // the earliest application first
)

// BoardList is one of the two lists a board draws up.
type BoardList string

const (
	ListPrincipale     BoardList = "principale"
	ListComplementaire BoardList = "complementaire"
)

// SelectionBoard is a board with its settings and where it stands.
type SelectionBoard struct {
	ID               int64      `db:"id"`
	AdministrationID int64      `db:"administration_id"`
	OfferID          int64      `db:"offer_id"`
	Kind             BoardKind  `db:"kind"`
	Name             string     `db:"name"`
	ScaleMax         int        `db:"scale_max"`
	TieRule          TieRule    `db:"tie_rule"`
	TieCriterionID   *int64     `db:"tie_criterion_id"`
	Threshold        *float64   `db:"threshold"`
	MarkingClosedAt  *time.Time `db:"marking_closed_at"`
	MarkingClosedBy  string     `db:"marking_closed_by"`
	ArrestedAt       *time.Time `db:"arrested_at"`
	ArrestedBy       string     `db:"arrested_by"`
	CreatedBy        string     `db:"created_by"`
	CreatedAt        time.Time  `db:"created_at"`
	UpdatedAt        time.Time  `db:"updated_at"`
}

// MarkingOpen reports whether members may still mark.
func (b *SelectionBoard) MarkingOpen() bool { return b.MarkingClosedAt == nil && b.ArrestedAt == nil }

// Arrested reports whether the results are final.
func (b *SelectionBoard) Arrested() bool { return b.ArrestedAt != nil }

// BoardMember sits on a board: an agent, or an outside member known by
// email until they have an account.
type BoardMember struct {
	ID        int64     `db:"id"`
	BoardID   int64     `db:"board_id"`
	AgentID   *int64    `db:"agent_id"`
	Email     string    `db:"email"`
	Name      string    `db:"name"`
	President bool      `db:"president"`
	AddedAt   time.Time `db:"added_at"`
}

// BoardCriterion is one line of the grid.
type BoardCriterion struct {
	ID       int64   `db:"id"`
	BoardID  int64   `db:"board_id"`
	Position int     `db:"position"`
	Label    string  `db:"label"`
	Weight   float64 `db:"weight"`
}

// BoardMark is one member's mark of one application on one criterion.
type BoardMark struct {
	BoardID       int64     `db:"board_id"`
	MemberID      int64     `db:"member_id"`
	ApplicationID int64     `db:"application_id"`
	CriterionID   int64     `db:"criterion_id"`
	Score         float64   `db:"score"`
	UpdatedAt     time.Time `db:"updated_at"`
}

// BoardConflict is a member's declared conflict of interest.
type BoardConflict struct {
	BoardID       int64     `db:"board_id"`
	MemberID      int64     `db:"member_id"`
	ApplicationID int64     `db:"application_id"`
	Reason        string    `db:"reason"`
	DeclaredAt    time.Time `db:"declared_at"`
}

// BoardListEntry places an application on a list at a rank.
type BoardListEntry struct {
	BoardID       int64     `db:"board_id"`
	ApplicationID int64     `db:"application_id"`
	List          BoardList `db:"list"`
	Rank          int       `db:"rank"`
	PlacedAt      time.Time `db:"placed_at"`
}
