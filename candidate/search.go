package candidate

import (
	"net/url"
	"strings"

	"vivier"
	"vivier/templates"
)

// DefaultRadiusKm is the radius of a search around a city or a point when
// the URL gives none.
const DefaultRadiusKm = 30

// ParseSearch reads /offres's query string (the feed and the benchmarks read
// the same): the URL holds the whole state, so a search can be shared and
// the back button works. A value that does not parse is an EINVALID error
// naming the parameter, in French.
//
// A distance search is lat, lng and rayon (km), as in CSPLab's API, or
// ville (a slug of vivier.Cities) and rayon: without a geocoder, the form
// offers the main cities and any point goes through the URL. When both come,
// ville wins: the form keeps a point as hidden fields, and choosing a city
// there must take effect.
func ParseSearch(v url.Values) (vivier.OfferSearch, error) {
	get := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	page, err := templates.ParsePage(v.Get("page"))
	if err != nil {
		return vivier.OfferSearch{Page: 1}, err
	}
	q := vivier.OfferSearch{
		Q: get("q"), Kind: get("type"), Versant: get("versant"), Categorie: get("categorie"), Region: get("region"),
		Departement: get("departement"), Domaine: get("domaine"), Contrat: get("contrat"),
		Teletravail: get("teletravail") == "oui", Mobilite: get("mobilite") == "oui", Experience: get("experience"), Employer: get("employeur"),
		ByDate: get("tri") == "date", Page: page,
	}
	switch get("management") {
	case "":
	case "oui", "non":
		m := get("management") == "oui"
		q.Management = &m
	default:
		return q, vivier.FieldError("management", "Le filtre « management » vaut oui ou non.")
	}
	if d := v.Get("depuis"); d != "" {
		n, ok := templates.ParseCount(d)
		if !ok || n == 0 {
			return q, vivier.FieldError("depuis", "La date de publication se choisit parmi 1, 7 ou 30 jours.")
		}
		q.Since = n
	}
	lat, lng, ville := get("lat"), get("lng"), get("ville")
	if lat != "" || lng != "" || ville != "" {
		var p vivier.GeoPoint
		// A city chosen on the form wins over a point the URL carried.
		if ville != "" {
			c, ok := vivier.CityBySlug(ville)
			if !ok {
				return q, vivier.FieldError("ville", "Cette ville n'est pas dans la liste proposée.")
			}
			p = vivier.GeoPoint{Lat: c.Lat, Lng: c.Lng}
		} else {
			var err error
			if p.Lat, err = parseDecimal(lat, "lat", "La latitude est un nombre entre -90 et 90, en degrés décimaux (par exemple 48.85)."); err != nil {
				return q, err
			}
			if p.Lng, err = parseDecimal(lng, "lng", "La longitude est un nombre entre -180 et 180, en degrés décimaux (par exemple 2.35)."); err != nil {
				return q, err
			}
		}
		q.Near, q.RadiusKm = &p, DefaultRadiusKm
	}
	if r := get("rayon"); r != "" && q.Near != nil {
		km, err := parseDecimal(strings.Replace(r, ",", ".", 1), "rayon", "Le rayon est un nombre de kilomètres entre 1 et 200.")
		if err != nil {
			return q, err
		}
		q.RadiusKm = km
	}
	return q, q.Validate()
}
