package candidate

import (
	"net/url"
	"strings"
	"testing"

	"vivier"
	"vivier/templates"
)

// FuzzParseSearch builds the search from arbitrary query strings, as /offres,
// the feed and the alerts do: either a search the Store can run (a page from
// 1, a valid filter) or a refusal the visitor can read (400 or 422, in
// French); never a panic nor an internal error.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{"page=2&q=data", "page=-1", "page=99999999999999999999", "page=1e9", "page=%201",
		"depuis=7", "depuis=0", "depuis=abc", "lat=48.8&lng=2.3&rayon=10", "lat=NaN&lng=1", "rayon=1e400&ville=paris",
		"management=peut-etre", "q=" + strings.Repeat("é", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		v, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		q, err := ParseSearch(v)
		if err != nil {
			code := vivier.ErrorCode(err)
			if s := templates.StatusFor(code); (s != 400 && s != 422) || vivier.ErrorMessage(err) == "" {
				t.Fatalf("%q: %v (status %d)", query, err, s)
			}
			return
		}
		if q.Page < 1 || q.Page > templates.MaxPage {
			t.Fatalf("%q: page %d", query, q.Page)
		}
		if p := v.Get("page"); p != "" && q.Page == 1 && strings.TrimLeft(p, "0") != "1" {
			t.Fatalf("%q: page %q read as 1", query, p)
		}
		if err := q.Validate(); err != nil {
			t.Fatalf("%q: accepted a search that does not validate: %v", query, err)
		}
	})
}
