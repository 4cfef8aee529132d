package vivier

import (
	"fmt"
	"math"
	"time"
	"unicode/utf8"
)

const (
	// shortQuery is the length up to which a query that finds nothing is
	// tried again on titles by trigram likeness (typos in a short word).
	shortQuery = 6
	// MaxRadiusKm is the widest distance search.
	MaxRadiusKm = 200
	// The Earth's mean radius, 6371.0088 km, is in locations_within
	// (migration 00035), which checks the exact distance.
	kmPerDegree = 111.195 // along a meridian
)

// SinceDays returns the allowed "published since" filters, in days.
func SinceDays() []int { return []int{1, 7, 30} }

// GeoPoint is a place on Earth, in decimal degrees.
type GeoPoint struct {
	Lat, Lng float64
}

// OfferSearch is a public search: every field is optional.
type OfferSearch struct {
	Q           string
	Kind        string
	Versant     string
	Categorie   string
	Region      string
	Departement string
	Domaine     string
	Contrat     string
	Teletravail bool
	// Mobilite keeps the offers open to public agents' internal mobility.
	Mobilite   bool
	Experience string
	Management *bool     // nil: either
	Employer   string    // administration slug
	Since      int       // published within so many days (SinceDays), 0: any
	Near       *GeoPoint // with RadiusKm: offers whose first location is that close
	RadiusKm   float64
	ByDate     bool // most recent first, instead of relevance
	// PublishedAfter and PublishedBefore bound the publication date (zero:
	// no bound); job alerts use them for the offers new since their last
	// email. No URL sets them.
	PublishedAfter  time.Time `json:",omitzero"`
	PublishedBefore time.Time `json:",omitzero"`
	// fuzzy matches the keyword with title words alike by trigrams
	// (pg_trgm's <%, threshold 0.6), accents ignored, closest first.
	fuzzy   bool
	Page    int // from 1
	PerPage int
}

// Validate checks the values a URL may carry; messages are French and name
// the parameter.
func (q *OfferSearch) Validate() error {
	if q.Since != 0 && !containsInt(SinceDays(), q.Since) {
		return FieldError("depuis", "La date de publication se choisit parmi 1, 7 ou 30 jours.")
	}
	if q.Experience != "" && !oneOf(q.Experience, Experiences) {
		return FieldError("experience", "Niveau d'expérience inconnu.")
	}
	if q.Near != nil {
		p := q.Near
		if math.IsNaN(p.Lat) || p.Lat < -90 || p.Lat > 90 {
			return FieldError("lat", "La latitude est un nombre entre -90 et 90, en degrés décimaux (par exemple 48.85).")
		}
		if math.IsNaN(p.Lng) || p.Lng < -180 || p.Lng > 180 {
			return FieldError("lng", "La longitude est un nombre entre -180 et 180, en degrés décimaux (par exemple 2.35).")
		}
		if math.IsNaN(q.RadiusKm) || q.RadiusKm <= 0 || q.RadiusKm > MaxRadiusKm {
			return FieldError("rayon", fmt.Sprintf("Le rayon est un nombre de kilomètres entre 1 et %d.", MaxRadiusKm))
		}
	}
	if utf8.RuneCountInString(q.Q) > 200 {
		return FieldError("q", "La recherche compte 200 caractères au plus.")
	}
	return nil
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// OfferHit is one result of a search (the database returns the page as
// JSON).
type OfferHit struct {
	ID                 int64      `db:"id" json:"id"`
	Kind               OfferKind  `db:"kind" json:"kind"`
	Title              string     `db:"title" json:"title"`
	OrganisationName   string     `db:"organisation_name" json:"organisation_name"`
	AdministrationName string     `db:"administration_name" json:"administration_name"`
	Versant            Versant    `db:"versant" json:"versant"`
	Workplace          string     `db:"workplace" json:"workplace"`
	LocationLabel      string     `db:"location_label" json:"location_label"`
	PublishedAt        *time.Time `db:"published_at" json:"published_at"`
}

// FacetCount is how many results have one value of a filter; Label is set
// when the value is not shown as is (an employer's name for its slug).
type FacetCount struct {
	Value string `db:"value"`
	Label string `db:"label"`
	Count int    `db:"count"`
}

// OfferResults is a page of results, the exact total, and exact facet
// counts over the whole result set (by filter name: type, versant,
// categorie, region, departement, domaine, contrat, experience, management,
// employeur, depuis).
type OfferResults struct {
	Hits   []OfferHit
	Total  int
	Facets map[string][]FacetCount
}

// SearchPageSize is how many offers a page of results shows, unless the
// query asks for another number.
const SearchPageSize = 20
