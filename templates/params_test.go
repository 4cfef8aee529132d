package templates

import (
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"vivier"
)

func TestParsePage(t *testing.T) {
	for in, want := range map[string]int{"": 1, "1": 1, "7": 7, "007": 7, "99999999": MaxPage} {
		if got, err := ParsePage(in); err != nil || got != want {
			t.Errorf("ParsePage(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "-1", "99999999999999999999", "abc", "1e9", " 1", "1 ", "+1", "1.0", "0x1", "١"} {
		_, err := ParsePage(in)
		if vivier.ErrorCode(err) != vivier.EMALFORMED || !strings.Contains(vivier.ErrorMessage(err), "page") {
			t.Errorf("ParsePage(%q) = %v, want EMALFORMED naming the page", in, err)
		}
	}
}

// FuzzParseID: what it accepts is exactly a positive int64 in plain digits.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"1", "0", "-1", "9223372036854775807", "9223372036854775808", "1e9", " 1", "+1", "00012", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := ParseID(s)
		n, err := strconv.ParseInt(s, 10, 64)
		digits := s != "" && strings.Trim(s, "0123456789") == ""
		want := err == nil && n >= 1 && digits
		if ok != want || (ok && id != n) {
			t.Fatalf("ParseID(%q) = %d, %v; strconv says %d, %v", s, id, ok, n, err)
		}
		if _, cok := ParseCount(s); cok && !(digits && (s == "0" || ok)) {
			t.Fatalf("ParseCount(%q) accepts what is not a count", s)
		}
	})
}

// FuzzPageAndQueryID reads arbitrary query strings through a real Fiber
// context: a page is always usable (1..MaxPage) or a 400 with a French
// message; never a panic, never a silent 0.
func FuzzPageAndQueryID(f *testing.F) {
	for _, s := range []string{"page=2", "page=-1&offre=3", "page=%201", "offre=1e9", "page=99999999999999999999", "offre=&page=", "page=1&page=2", "%zz"} {
		f.Add(s)
	}
	app := fiber.New()
	f.Fuzz(func(t *testing.T, query string) {
		rc := &fasthttp.RequestCtx{}
		rc.Request.SetRequestURI("/x?" + query)
		c := app.AcquireCtx(rc)
		defer app.ReleaseCtx(c)
		page, err := QueryPage(c)
		switch {
		case err == nil && (page < 1 || page > MaxPage):
			t.Fatalf("%q: page %d", query, page)
		case err != nil && (StatusFor(vivier.ErrorCode(err)) != 400 || !strings.Contains(vivier.ErrorMessage(err), "pas valide")):
			t.Fatalf("%q: %v", query, err)
		}
		id, err := QueryID(c, "offre")
		switch {
		case err == nil && id < 0, err == nil && id == 0 && c.Query("offre") != "":
			t.Fatalf("%q: offre %d read from %q", query, id, c.Query("offre"))
		case err != nil && StatusFor(vivier.ErrorCode(err)) != 400:
			t.Fatalf("%q: %v", query, err)
		}
	})
}
