package candidate

import (
	"net/url"
	"strings"
)

// filterTag is a filter the search applies, shown above the results as a
// tag whose link is the same search without it.
type filterTag struct {
	Label      string // "Région : Bretagne"
	WithoutURL string
}

// appliedFilters lists the search's filters, in the form's order. Each
// tag's link drops its parameters (a distance is ville, lat, lng and rayon
// together) and the page, since the results change. Labels come from the
// filters' options, which hold the chosen value even without results.
func appliedFilters(v url.Values, p *offersPage, departements map[string]string) []filterTag {
	var tags []filterTag
	without := func(label string, keys ...string) {
		w := url.Values{}
		for k, vs := range v {
			w[k] = vs
		}
		for _, k := range append(keys, "page") {
			w.Del(k)
		}
		u := "/offres"
		if e := w.Encode(); e != "" {
			u += "?" + e
		}
		tags = append(tags, filterTag{Label: label, WithoutURL: u})
	}
	chosen := func(name, title string, opts []option) {
		if strings.TrimSpace(v.Get(name)) == "" {
			return
		}
		for _, o := range opts {
			if o.Selected {
				without(title+"\u00a0: "+o.Label, name)
				return
			}
		}
	}
	chosen("type", "Type", p.Kinds)
	chosen("versant", "Versant", p.Versants)
	chosen("categorie", "Catégorie", p.Categories)
	chosen("region", "Région", p.Regions)
	if d := strings.TrimSpace(v.Get("departement")); d != "" {
		name := departements[d]
		if name == "" {
			name = d
		}
		without("Département\u00a0: "+name, "departement")
	}
	chosen("domaine", "Domaine", p.Domaines)
	chosen("contrat", "Contrat", p.Contrats)
	chosen("experience", "Expérience", p.Experiences)
	chosen("management", "Encadrement", p.Managements)
	chosen("employeur", "Employeur", p.Employers)
	chosen("depuis", "Publication", p.Since)
	if p.Search.Near != nil {
		where := "le point " + p.Distance.Point
		if p.Distance.Lieu != "" {
			where = p.Distance.Lieu
		}
		without("Autour de "+where, "lieu", "ville", "lat", "lng", "rayon")
	}
	if p.Search.Teletravail {
		without("Télétravail possible", "teletravail")
	}
	if p.Search.Mobilite {
		without("Ouvert à la mobilité interne", "mobilite")
	}
	return tags
}
