package main

import (
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// routeSlugs returns the fixed segments that the app's routes put where a
// slug goes: a slug equal to one would hide the route, or be hidden by it.
// Read from the mounted routes, the list follows every route added.
func routeSlugs(app *fiber.App) []string {
	// An administration's slug is a segment of its own in the back-office
	// (/admin/{slug}/...) and in its public page (/employeurs/{slug}).
	prefixes := []string{"/admin/", "/employeurs/"}
	seen := map[string]bool{}
	for _, r := range app.GetRoutes(true) {
		for _, prefix := range prefixes {
			rest, ok := strings.CutPrefix(r.Path, prefix)
			if !ok {
				continue
			}
			seg, _, _ := strings.Cut(rest, "/")
			if seg != "" && !strings.ContainsAny(seg, ":*+?") {
				seen[seg] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}
