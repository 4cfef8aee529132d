package templates

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// Numbers read from a request go through these helpers, never through a bare
// strconv call whose error is dropped: a malformed value is an error with a
// French message, not a silent 0 that a handler then takes for "none" or
// that reaches SQL as an id.
//
// A number is written in ASCII digits only: no sign, space, exponent, or
// leading "+", so that "1e9", " 1" and "-1" are refused rather than read by a
// lenient parser. Ids and page numbers start at 1.
//
// In the URL (path or query string), a malformed number is EMALFORMED: 400,
// the address itself is wrong. In a form, it is EINVALID on that field, so
// the form can show it beside the field.

// MaxPage caps a page number that parses: any page past the end shows the
// last one, and the cap keeps offset arithmetic far from overflow.
const MaxPage = 1 << 20

// parseDigits reads a positive decimal number of at most max.
func parseDigits(s string, max int64) (int64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || n > max {
		return 0, false
	}
	return n, true
}

// ParseID reads an id: a whole number from 1.
func ParseID(s string) (int64, bool) {
	return parseDigits(s, 1<<63-1)
}

// ParseCount reads a whole number from 0 (a count, a number of days),
// up to 2^31-1.
func ParseCount(s string) (int, bool) {
	if s == "0" {
		return 0, true
	}
	n, ok := parseDigits(s, 1<<31-1)
	return int(n), ok
}

// ParsePage reads a page number: "" is the first page; a number past the
// end (MaxPage at most) is for the caller to bring back to its last page.
func ParsePage(s string) (int, error) {
	if s == "" {
		return 1, nil
	}
	if n, ok := parseDigits(s, 1<<63-1); ok {
		return int(min(n, MaxPage)), nil
	}
	return 0, &vivier.Error{Code: vivier.EMALFORMED, Field: "page",
		Message: "Le numéro de page n'est pas valide : c'est un nombre entier à partir de 1, écrit en chiffres."}
}

// QueryPage reads ?page=.
func QueryPage(c *fiber.Ctx) (int, error) {
	return ParsePage(c.Query("page"))
}

// QueryID reads an optional id from the query string: 0 when absent or
// empty.
func QueryID(c *fiber.Ctx, name string) (int64, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	id, ok := ParseID(v)
	if !ok {
		return 0, &vivier.Error{Code: vivier.EMALFORMED, Field: name,
			Message: "Le paramètre « " + name + " » de l'adresse n'est pas valide : c'est un numéro, écrit en chiffres."}
	}
	return id, nil
}

// ParamID reads the id that the path names at :name.
func ParamID(c *fiber.Ctx, name string) (int64, error) {
	return PathID(c.Params(name))
}

// PathID reads an id that is part of a path segment.
func PathID(s string) (int64, error) {
	id, ok := ParseID(s)
	if !ok {
		return 0, &vivier.Error{Code: vivier.EMALFORMED,
			Message: "Cette adresse n'est pas valide : elle doit contenir un numéro, écrit en chiffres. Vérifiez le lien que vous avez suivi."}
	}
	return id, nil
}

// FormID reads an optional id from a form field: 0 when empty, or "0" as
// the back-office's own hidden fields write "none".
func FormID(c *fiber.Ctx, name string) (int64, error) {
	v := c.FormValue(name)
	if v == "" || v == "0" {
		return 0, nil
	}
	id, ok := ParseID(v)
	if !ok {
		return 0, vivier.FieldError(name, "Le choix envoyé n'est pas valide. Rechargez la page et recommencez.")
	}
	return id, nil
}

// FormNumber reads a whole number typed in a form field (spaces around it
// allowed): 0 when empty, for the domain's rule to judge, like any value in
// range.
func FormNumber(c *fiber.Ctx, name string) (int, error) {
	v := strings.TrimSpace(c.FormValue(name))
	if v == "" {
		return 0, nil
	}
	n, ok := ParseCount(v)
	if !ok {
		return 0, vivier.FieldError(name, "Saisissez un nombre entier, en chiffres.")
	}
	return n, nil
}

// LastPage is the number of the last page of total items shown size a page:
// 1 when there are none.
func LastPage(total, size int) int { return max(1, (total+size-1)/size) }

// TooMany refuses a request over a rate limit: 429 with msg, and
// Retry-After in whole seconds, rounded up.
func TooMany(c *fiber.Ctx, retry time.Duration, msg string) error {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(retry.Seconds())+1))
	return vivier.Errorf(vivier.ETOOMANY, "%s", msg)
}
