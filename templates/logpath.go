package templates

import (
	"strings"

	"github.com/gofiber/fiber/v2"
)

// LogPath is the request's path as logs may hold it: the value of every route
// parameter named token (tracking, reset, invitation, unsubscribe and alert
// links) is replaced, and so is, on a path no route matched, any segment long
// enough to be one.
func LogPath(c *fiber.Ctx) string {
	segments := strings.Split(c.Path(), "/")
	r := c.Route()
	// A middleware's or the not-found handler's route is a prefix, with no
	// parameters: nothing says which segment is a token.
	matched := len(r.Params) > 0 || r.Path == c.Path()
	secret := map[string]bool{}
	for _, name := range r.Params {
		if strings.Contains(name, "token") {
			secret[c.Params(name)] = true
		}
	}
	for i, s := range segments {
		if secret[s] || (!matched && len(s) >= 32) {
			segments[i] = "[jeton]"
		}
	}
	return strings.Join(segments, "/")
}
