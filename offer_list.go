package vivier

import (
	"strings"
	"time"
)

// The back office's offers list: an administration's offers and, for a
// parent administration, those of its directions (its descendants, any
// depth), each shown under its own administration. It pages, searches the
// title and the reference, filters on status, kind and direction, and sorts;
// the number of applications is counted for the page's offers only, except
// when it is the sort.

// OfferListPageSize is how many offers a page of the list shows.
const OfferListPageSize = 50

// The sorts of the offers list, as the URL names them.
const (
	OfferSortRecent       = "recentes" // most recently changed first (the default)
	OfferSortTitle        = "titre"
	OfferSortDeadline     = "limite"       // closest application deadline first
	OfferSortApplications = "candidatures" // most applications first
)

// OfferSorts are the sorts the list offers, with their labels.
var OfferSorts = []struct{ Value, Label string }{
	{OfferSortRecent, "Récentes"},
	{OfferSortTitle, "Intitulé"},
	{OfferSortDeadline, "Date limite"},
	{OfferSortApplications, "Candidatures"},
}

// OfferListFilter narrows the offers list.
type OfferListFilter struct {
	Query  string      // words of the title or the reference
	Status OfferStatus // "" for every status
	Kind   OfferKind   // "" for every kind
	Sort   string      // one of OfferSorts' values; anything else is the default
	Page   int         // from 1

	// WithDirections lists the offers of the administration's descendants
	// too; Direction then narrows to the offers of one administration of
	// that tree (0: all of them). A Direction outside the tree lists nothing.
	WithDirections bool
	Direction      int64
}

// OfferListRow is a line of the offers list.
type OfferListRow struct {
	ID                  int64       `db:"id"`
	AdministrationID    int64       `db:"administration_id"`
	AdminSlug           string      `db:"administration_slug"` // the offer's own administration: its links go there
	AdminName           string      `db:"administration_name"`
	AdminShortName      string      `db:"administration_short_name"` // "" when it has none
	Kind                OfferKind   `db:"kind"`
	Status              OfferStatus `db:"status"`
	Reference           string      `db:"reference"`
	Title               string      `db:"title"`
	PublishAt           *time.Time  `db:"publish_at"`
	PublishedAt         *time.Time  `db:"published_at"`
	ApplicationDeadline *time.Time  `db:"application_deadline"`
	UpdatedAt           time.Time   `db:"updated_at"`
	Total               int         `db:"total"` // how many match, on every row

	Applications    int `db:"-"`
	NewApplications int `db:"-"` // still at the first step, not yet looked at
}

// ListPage is a page of a long list (offers, the talent pool).
type ListPage[T any] struct {
	Rows  []T
	Total int // how many match
	Page  int // the page shown: a page past the end shows the last one
	Size  int // how many a page holds
}

// Pages is how many pages the matching rows fill (at least one).
func (l ListPage[T]) Pages() int { return max(1, (l.Total+l.Size-1)/l.Size) }

// OfferList is a page of the offers list.
type OfferList = ListPage[OfferListRow]

// Direction is an administration of a tree, for a list's direction filter.
type Direction struct {
	ID    int64  `db:"id"`
	Slug  string `db:"slug"`
	Name  string `db:"name"`
	Depth int    `db:"depth"` // 0 for the tree's root
}

// Label is the kind as the back office names it.
func (k OfferKind) Label() string {
	switch k {
	case KindConcours:
		return "Concours"
	case KindStage:
		return "Stage"
	case KindApprentissage:
		return "Apprentissage"
	}
	return "Emploi"
}

// Label is the direction's name, indented by its depth for a select.
func (d Direction) Label() string {
	return strings.Repeat("\u00a0\u00a0\u00a0", d.Depth) + d.Name
}
