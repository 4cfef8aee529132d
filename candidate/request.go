package candidate

import (
	"cmp"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// What every public handler needs from a request, in one place: reading
// what was sent (a value that does not parse is an error with a French
// message, never a silent zero), counting it against a rate limit, and
// answering a form, accepted or refused.

// rawQuery is the request's query string, as sent.
func rawQuery(c *fiber.Ctx) string { return string(c.Request().URI().QueryString()) }

// parseQuery reads a query string; one that does not parse, or whose
// values are not UTF-8 text (PostgreSQL refuses them), is EINVALID.
func parseQuery(raw string) (url.Values, error) {
	v, err := url.ParseQuery(raw)
	if err != nil {
		return v, errBadQuery
	}
	for k, vs := range v {
		for _, x := range vs {
			if !utf8.ValidString(x) || !utf8.ValidString(k) {
				delete(v, k)
				err = errBadQuery
			}
		}
	}
	return v, err
}

var errBadQuery = vivier.Errorf(vivier.EINVALID, "L'adresse de la recherche est mal formée.")

// queryValues reads the request's query string as far as it parses, to
// build links that keep the search: the page already says when it does not
// parse.
func queryValues(c *fiber.Ctx) url.Values {
	v, _ := parseQuery(rawQuery(c)) // what does not parse is left out
	return v
}

// parseDecimal reads a decimal number; one that does not parse is an
// EINVALID error on field, saying msg.
func parseDecimal(s, field, msg string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, vivier.FieldError(field, msg)
	}
	return f, nil
}

// optionalParamID reads the id that the path names at :name, 0 on a route
// without it.
func optionalParamID(c *fiber.Ctx, name string) (int64, error) {
	if c.Params(name) == "" {
		return 0, nil
	}
	return templates.ParamID(c, name)
}

// ticked reports whether a box of the form was ticked: the forms send
// "oui".
func ticked(c *fiber.Ctx, name string) bool { return c.FormValue(name) == "oui" }

// offerPath is the public page of an offer.
func offerPath(id int64) string { return "/offres/" + strconv.FormatInt(id, 10) }

// limit is one rate limit: at most rate requests a window for key.
type limit struct {
	key  string
	rate int
}

// clientLimit is a limit on the client's address, for what scope counts.
func clientLimit(c *fiber.Ctx, scope string, rate int) limit {
	return limit{scope + ":ip:" + templates.ClientIP(c), rate}
}

// emailLimit is a limit on an email address, for what scope counts.
func emailLimit(scope, email string, rate int) limit {
	return limit{scope + ":email:" + email, rate}
}

// allow counts the request against each limit in turn and refuses it, 429
// with msg, at the first one it exceeds: the limits after that one are not
// counted, so a refused flood does not use up another key's allowance.
func (h *Handler) allow(c *fiber.Ctx, window time.Duration, msg string, limits ...limit) error {
	for _, l := range limits {
		ok, retry, err := h.Limiter.Allow(c.UserContext(), l.key, l.rate, window)
		if err != nil {
			return err
		}
		if !ok {
			return templates.TooMany(c, retry, msg)
		}
	}
	return nil
}

// form is a page with a form, as it is shown again when what was sent is
// refused.
type form struct {
	name    string                          // the page's template
	page    func() (templates.Model, error) // the page, filled in with what was sent
	summary string                          // the message at the top; "" for the error's own
	field   string                          // where an error that names no field shows; "" for the top only
}

// finish answers a form that was sent: done when it was accepted (err is
// nil); when the visitor can correct what they sent (invalid, in conflict,
// too large), the form again, refused, with the status that says why; any
// other error goes to the error page.
func (h *Handler) finish(c *fiber.Ctx, err error, f form, done func() error) error {
	if err == nil {
		return done()
	}
	code := vivier.ErrorCode(err)
	if code != vivier.EINVALID && code != vivier.ECONFLICT && code != vivier.ETOOLARGE {
		return err
	}
	p, perr := f.page()
	if perr != nil {
		return perr
	}
	refuse(p.Common(), cmp.Or(f.summary, vivier.ErrorMessage(err)), f.field, err)
	return h.Renderer.Page(c, templates.StatusFor(code), f.name, p)
}

// refuse records a refused form on p: summary at the top, and beside each
// field that err names its first message; an error that names no field
// shows beside field.
func refuse(p *templates.Page, summary, field string, err error) {
	errs := vivier.AsFormErrors(err)
	if len(errs) == 0 {
		p.Refuse(summary, field, err)
		return
	}
	for _, e := range errs {
		if _, seen := p.Fields[e.Field]; !seen {
			p.Refuse(summary, e.Field, e)
		}
	}
}
