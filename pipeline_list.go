package vivier

import "time"

// PipelinePageSize is how many applications a page of the list shows.
const PipelinePageSize = 50

// PipelineFilter narrows the per-offer list.
type PipelineFilter struct {
	StageID  int64
	Source   string
	From, To time.Time // created at, To excluded
	Query    string    // full text over the CV and the answers, or a name
	Sort     string    // "recentes" (default), "anciennes", "nom"
	Page     int       // from 1
	IDs      []int64   // only these (the export of a selection)

	TagID      int64 // with this tag
	AssigneeID int64 // assigned to this agent
	MinRating  int   // average rating at least this (1 to 4)
	Unrated    bool  // not rated by anyone yet
	Scope      Scope // a jury member's: only what is assigned to them

	// Viewer is the agent reading: a masked application (anonymised
	// screening) shows its pseudonym unless this agent revealed it; 0 is
	// no one.
	Viewer int64

	// maskedOrder: a sort by name puts the masked applications apart, as
	// some may be among those listed (set by the Store, see orderMasks).
	maskedOrder bool

	// Known is how many match when the caller already knows it (an
	// unfiltered list, from StepCounts): the count query is skipped.
	Known int

	// The administration's list (offer id 0) narrows by these too.
	OfferID     int64   // one offer's
	Spontaneous bool    // only those sent without an offer
	Within      []int64 // the administrations listed: the current one and its directions; nil for the current one only
	Direction   int64   // only this one of Within

	// What waits for an agent (QueueFilter's kinds).
	Me             int64 // the signed-in agent, whom Mentioned is about
	Pending        bool  // no final decision yet (PendingCategories)
	Mentioned      bool  // a note mentions Me that Me has not seen since
	UnreadMessages bool  // the candidate wrote last
	ToConfirm      bool  // an interview invitation without a yes yet
	DueSoon        bool  // pending, and the promised answer falls within DueSoonDays
	Incomplete     bool  // the file lacks something (incompleteSQL): "dossier incomplet"
}

// Plain says whether the filter narrows by step only, so that StepCounts
// tells how many match.
func (f PipelineFilter) Plain() bool {
	return f.Source == "" && f.From.IsZero() && f.To.IsZero() && f.Query == "" && f.IDs == nil &&
		f.TagID == 0 && f.AssigneeID == 0 && f.MinRating == 0 && !f.Unrated && f.OfferID == 0 && !f.Spontaneous &&
		f.Direction == 0 && !f.Pending && !f.Mentioned && !f.UnreadMessages && !f.ToConfirm && !f.DueSoon && !f.Incomplete
}

// PipelineRow is a line of the per-offer list and a card of the board.
type PipelineRow struct {
	ID        int64     `db:"id"`
	Category  Category  `db:"category"`
	StageID   *int64    `db:"stage_id"`
	StageName *string   `db:"stage_name"`
	FirstName string    `db:"first_name"`
	LastName  string    `db:"last_name"`
	Email     *string   `db:"email"`
	Erased    bool      `db:"erased"`
	Source    string    `db:"source"`
	CreatedAt time.Time `db:"created_at"`
	Total     int       `db:"total"`  // with a full-text query only: how many match
	Rating    *float64  `db:"rating"` // average, nil before the first rating
	Tags      *string   `db:"tags"`   // labels, comma separated
}

func (r *PipelineRow) pipelineRow() *PipelineRow { return r }

// RatingText is the row's average rating as French writes it ("2,5"),
// empty before the first rating.
func (r PipelineRow) RatingText() string {
	if r.Rating == nil {
		return ""
	}
	return Ratings{Average: *r.Rating}.AverageText()
}

// Stage is the row's step id, 0 for none (the templates compare it).
func (r PipelineRow) Stage() int64 {
	if r.StageID == nil {
		return 0
	}
	return *r.StageID
}

// ApplicationListRow is a line of the administration's list: the offer it
// answers (none for a spontaneous one) and the administration that holds
// it, a direction's for a parent.
type ApplicationListRow struct {
	PipelineRow
	OfferID          *int64  `db:"offer_id"`
	OfferTitle       *string `db:"offer_title"`
	AdministrationID int64   `db:"administration_id"`
	AdminSlug        string  `db:"administration_slug"`
	AdminName        string  `db:"administration_name"`
	AdminShort       string  `db:"administration_short"`
}

// AdminLabel is the administration as a column names it: its short name
// when it has one.
func (r ApplicationListRow) AdminLabel() string {
	if r.AdminShort != "" {
		return r.AdminShort
	}
	return r.AdminName
}
