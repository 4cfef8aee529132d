package vivier

import (
	"fmt"
	"time"
)

// StatsFilter says whose applications are counted.
type StatsFilter struct {
	AdministrationID int64 // the URL's administration: the root of what may be read
	ScopeID          int64 // an administration of that tree; 0: the root itself
	WithChildren     bool  // and the scope's own directions, services…
	OfferID          int64 // 0: every offer and the spontaneous ones; StatsSpontaneous: these only
	From, To         time.Time
}

// StatsSpontaneous as StatsFilter.OfferID keeps the spontaneous
// applications only.
const StatsSpontaneous = -1

// StatCount is one bar: a key (a month, a source, a category) and its count.
type StatCount struct {
	Key string `db:"key"`
	N   int    `db:"n"`
}

// StepStat is a step of the funnel: how many applications of the cohort
// reached it, how many are there now, and how long the finished stays took.
type StepStat struct {
	Name       string   `db:"name"`
	Category   Category `db:"category"`
	Reached    int      `db:"reached"`
	Current    int      `db:"current"`
	Stays      int      `db:"stays"` // finished stays, those the durations are measured on
	MedianDays *float64 `db:"median_days"`
	AvgDays    *float64 `db:"avg_days"`
}

// OfferWithout is a published offer that received no application in the
// period.
type OfferWithout struct {
	ID             int64      `db:"id"`
	Title          string     `db:"title"`
	Reference      string     `db:"reference"`
	PublishedAt    *time.Time `db:"published_at"`
	Administration string     `db:"administration"`
}

// Stats are the figures of the statistics page.
type Stats struct {
	Received         int      `db:"received"`
	Spontaneous      int      `db:"spontaneous"`
	TalentPool       int      `db:"talent_pool"`
	Answered         int      `db:"answered"`
	AnswerMedianDays *float64 `db:"answer_median_days"`
	AnswerAvgDays    *float64 `db:"answer_avg_days"`
	Hired            int      `db:"hired"`
	HireMedianDays   *float64 `db:"hire_median_days"`
	HireAvgDays      *float64 `db:"hire_avg_days"`
	// Due: applications whose promised answer date has passed or that were
	// answered; InTime: those answered by that date.
	Due              int `db:"due"`
	InTime           int `db:"in_time"`
	ResponseDaysMin  int `db:"response_days_min"`
	ResponseDaysMax  int `db:"response_days_max"`
	ByMonth          []StatCount
	BySource         []StatCount
	ByCategory       []StatCount
	Steps            []StepStat
	Equality         []EqualityStage // women and men at each stage, before the small-count rule
	OffersWithout    []OfferWithout
	OffersWithoutAll int // the list stops at StatsOffersWithoutLimit
}

// StatsOffersWithoutLimit bounds the list of offers without applications.
const StatsOffersWithoutLimit = 500

// statsKeyCount is a bar of one of the count tables, named by kind.
type statsKeyCount struct {
	Kind string `db:"kind"`
	StatCount
}

// StatsAdministration is a choice of the scope list: the URL's
// administration and its tree, with their depth for the indentation.
type StatsAdministration struct {
	ID    int64  `db:"id"`
	Name  string `db:"name"`
	Depth int    `db:"depth"`
}

// StatsOffer is a choice of the offer list.
type StatsOffer struct {
	ID        int64  `db:"id"`
	Title     string `db:"title"`
	Reference string `db:"reference"`
}

// SourceLabel names a "how did you hear of us" answer in French.
func SourceLabel(s string) string {
	if l, ok := sourceLabels[s]; ok {
		return l
	}
	if s == "" {
		return "Non renseignée"
	}
	return s
}

var sourceLabels = map[string]string{
	"site_vivier": "Ce site", "choisir_service_public": "Choisir le Service Public", "site_employeur": "Le site de l'employeur",
	"france_travail": "France Travail", "linkedin": "LinkedIn", "reseaux_sociaux": "Un autre réseau social",
	"bouche_a_oreille": "Le bouche-à-oreille", "salon": "Un salon ou un forum", "ecole": "Mon école ou mon université", "autre": "Autre",
}

// CategoryLabel names a category for recruiters (the statistics speak of
// where applications stand, not of what the candidate reads).
func CategoryLabel(c Category) string {
	switch c {
	case CategoryNew:
		return "Nouvelle"
	case CategoryReview:
		return "En cours"
	case CategoryAccepted:
		return "Acceptée"
	case CategoryRefused:
		return "Refusée"
	case CategoryWithdrawn:
		return "Retirée par la personne candidate"
	case CategoryErased:
		return "Anonymisée"
	}
	return fmt.Sprint(c)
}
