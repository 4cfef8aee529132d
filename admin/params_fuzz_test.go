package admin

import (
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"vivier"
	"vivier/templates"
)

// FuzzPipelineFilter reads the pipeline's query string as the page does:
// either a filter with a page from 1 and ids that were written as ids, or
// an error the agent can read; never a panic, never a malformed number
// taken for "no filter".
func FuzzPipelineFilter(f *testing.F) {
	for _, s := range []string{"page=2&etape=3", "etape=-1", "etiquette=abc", "assigne=1e9", "page=99999999999999999999",
		"note=5", "note=aucune", "du=2026-13-01", "au=2026-01-31&tri=date", "etape=%201", "page=0"} {
		f.Add(s)
	}
	app := fiber.New()
	f.Fuzz(func(t *testing.T, query string) {
		rc := &fasthttp.RequestCtx{}
		rc.Request.SetRequestURI("/x?" + query)
		c := app.AcquireCtx(rc)
		defer app.ReleaseCtx(c)
		fl, err := parseFilter(c)
		if err != nil {
			if s := templates.StatusFor(vivier.ErrorCode(err)); (s != 400 && s != 422) || vivier.ErrorMessage(err) == "" {
				t.Fatalf("%q: %v", query, err)
			}
			return
		}
		if fl.Page < 1 || fl.Page > templates.MaxPage || fl.MinRating < 0 || fl.MinRating > 4 {
			t.Fatalf("%q: %+v", query, fl)
		}
		for name, id := range map[string]int64{"etape": fl.StageID, "etiquette": fl.TagID, "assigne": fl.AssigneeID} {
			if v := c.Query(name); id < 0 || (id == 0 && v != "") || (id > 0 && strings.TrimLeft(v, "0") == "") {
				t.Fatalf("%q: %s=%q read as %d", query, name, v, id)
			}
		}
	})
}
