package candidate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

var experienceLabels = map[string]string{"DEBUTANT": "Débutant", "CONFIRME": "Confirmé", "EXPERT": "Expert"}
var managementLabels = map[string]string{"oui": "Avec encadrement", "non": "Sans encadrement"}

func managementValue(m *bool) string {
	switch {
	case m == nil:
		return ""
	case *m:
		return "oui"
	}
	return "non"
}

// sinceOptions lists the "published since" choices in their natural order,
// with their counts.
func sinceOptions(counts []vivier.FacetCount, chosen int) []option {
	n := map[string]int{}
	for _, f := range counts {
		n[f.Value] = f.Count
	}
	labels := map[int]string{1: "Depuis 24 heures", 7: "Depuis 7 jours", 30: "Depuis 30 jours"}
	var out []option
	for _, d := range vivier.SinceDays() {
		v := strconv.Itoa(d)
		out = append(out, option{Value: v, Label: labels[d], Count: n[v], Selected: d == chosen})
	}
	return out
}

// distance is what the form shows of a distance search.
type distance struct {
	Lieu        string // the place field: as typed, or the city of a ville link
	Radii       []option
	Point       string // "48,85 ; 2,35" when the URL carried a point rather than a city
	Lat, Lng    string
	WithoutLink string // the same search without the point
}

// distanceForm fills the "autour de" select and the radius, and keeps a
// point that came through the URL as hidden fields.
func distanceForm(c *fiber.Ctx, q vivier.OfferSearch) distance {
	var d distance
	ville, lieu := c.Query("ville"), strings.TrimSpace(c.Query("lieu"))
	d.Lieu = lieu
	if city, ok := vivier.CityBySlug(ville); ok && lieu == "" {
		d.Lieu = vivier.Commune{Name: strings.TrimSuffix(city.Name, " (La Réunion)"), Departement: city.Departement}.Display()
	}
	radius := DefaultRadiusKm
	if q.Near != nil {
		radius = int(q.RadiusKm + 0.5)
	}
	seen := false
	for _, km := range []int{5, 10, 20, 30, 50, 100, 200} {
		d.Radii = append(d.Radii, option{Value: strconv.Itoa(km), Label: fmt.Sprintf("%d\u00a0km", km), Selected: km == radius})
		seen = seen || km == radius
	}
	if !seen {
		d.Radii = append(d.Radii, option{Value: strconv.Itoa(radius), Label: fmt.Sprintf("%d\u00a0km", radius), Selected: true})
	}
	if q.Near != nil && ville == "" && lieu == "" {
		d.Lat, d.Lng = c.Query("lat"), c.Query("lng")
		d.Point = strings.ReplaceAll(fmt.Sprintf("%.4g\u202f; %.4g", q.Near.Lat, q.Near.Lng), ".", ",")
		v := queryValues(c)
		for _, k := range []string{"lat", "lng", "rayon", "page"} {
			v.Del(k)
		}
		d.WithoutLink = "/offres?" + v.Encode()
	}
	return d
}

// reference holds the names of régions and domaines, which change only with
// a migration: read once, not on every search.
type reference struct {
	regions, domaines, departements map[string]string
}

func (h *Handler) reference(c *fiber.Ctx) (*reference, error) {
	h.refMu.Lock()
	defer h.refMu.Unlock()
	if h.ref != nil {
		return h.ref, nil
	}
	r := &reference{regions: map[string]string{}, domaines: map[string]string{}, departements: map[string]string{}}
	regions, err := h.Store.Regions(c.UserContext())
	if err != nil {
		return nil, err
	}
	for _, x := range regions {
		r.regions[x.Code] = x.Name
	}
	deps, err := h.Store.Departements(c.UserContext())
	if err != nil {
		return nil, err
	}
	for _, x := range deps {
		r.departements[x.Code] = x.Name
	}
	domaines, err := h.Store.Domaines(c.UserContext())
	if err != nil {
		return nil, err
	}
	for _, x := range domaines {
		r.domaines[x.Code] = x.Label
	}
	h.ref = r
	return r, nil
}

// frenchInt writes n with a narrow no-break space between thousands, as
// French typography wants.
func frenchInt(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "\u202f" + s[i:]
	}
	return s
}
