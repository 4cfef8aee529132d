package vivier

import (
	"regexp"
	"strings"

	"github.com/lib/pq"
)

// Commune is one of France's communes (official division, migration 00035).
// Its centre is known for the main cities and learned from the Base Adresse
// Nationale for the others (the official list carries none).
type Commune struct {
	Code        string         `db:"code" json:"code"`
	Name        string         `db:"name" json:"nom"`
	Departement string         `db:"departement_code" json:"departement"`
	Region      string         `db:"region_code" json:"region"`
	PostalCodes pq.StringArray `db:"postal_codes" json:"codes_postaux"`
	Population  int            `db:"population" json:"-"`
	Lat         *float64       `db:"lat" json:"lat,omitempty"`
	Lng         *float64       `db:"lng" json:"lng,omitempty"`
}

// Display is how a commune is written in a field: its name and département,
// which the server reads back (ResolveCommune).
func (c Commune) Display() string { return c.Name + " (" + c.Departement + ")" }

// Centre is the commune's centre, when known.
func (c Commune) Centre() *GeoPoint {
	if c.Lat == nil || c.Lng == nil {
		return nil
	}
	return &GeoPoint{Lat: *c.Lat, Lng: *c.Lng}
}

// GeocodeOfferTask is its payload.
type GeocodeOfferTask struct {
	OfferID          int64 `json:"offer_id"`
	AdministrationID int64 `json:"administration_id"`
}

// Valid says whether the payload names an offer.
func (p GeocodeOfferTask) Valid() bool { return p.OfferID > 0 && p.AdministrationID > 0 }

// PlaceFix is the coordinates the geocoder found for the place at Index of
// an offer's locations, applied only if that place is still the same
// commune and address.
type PlaceFix struct {
	Index    int
	Commune  string
	Address  string
	Lat, Lng float64
	Level    string // "adresse" or "commune"
}

// communeInput reads what a visitor typed: "Nom (dép.)", "Nom (code
// postal)", a code INSEE, a postal code or a bare name.
var communeInput = regexp.MustCompile(`^(.*?)\s*\(\s*([0-9][0-9AB][0-9]{0,3})\s*\)$`)

func splitCommuneInput(s string) (name, qualifier string) {
	s = strings.Join(strings.Fields(s), " ")
	if m := communeInput.FindStringSubmatch(s); m != nil {
		return m[1], m[2]
	}
	return s, ""
}
