package candidate

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// "Autour de" any commune: the place field (lieu) holds what was typed or
// chosen ("Lyon (69)", a postal code, a code INSEE); the server reads it
// into the commune's centre, written as lat and lng for ParseSearch, so
// that the URL keeps the commune as the visitor wrote it. Links made with
// ville (a slug of vivier.Cities) or a point keep working.

// placeToPoint turns lieu into lat and lng in v.
func (h *Handler) placeToPoint(ctx context.Context, v url.Values) error {
	lieu := strings.TrimSpace(v.Get("lieu"))
	if lieu == "" {
		return nil
	}
	c, err := h.Store.ResolveCommune(ctx, "lieu", lieu)
	if err != nil {
		return err
	}
	p := c.Centre()
	if p == nil {
		return vivier.FieldError("lieu", fmt.Sprintf("La position de %s n'est pas encore connue : choisissez une commune voisine ou un département.", c.Display()))
	}
	v.Del("ville")
	v.Set("lat", strconv.FormatFloat(p.Lat, 'f', 5, 64))
	v.Set("lng", strconv.FormatFloat(p.Lng, 'f', 5, 64))
	return nil
}

// typingHelp is /offres/aide-saisie?q=…[&type=lieu]: the suggestions of
// the search box (métiers, employers, places) or of a place field, in JSON.
// Public data only; the same for everyone, so caches may keep it a while.
func (h *Handler) typingHelp(c *fiber.Ctx) error {
	hints, err := h.Store.TypingHints(c.UserContext(), c.Query("q"), c.Query("type") == "lieu", 6)
	if err != nil {
		return err
	}
	out := make([]map[string]string, 0, len(hints))
	for _, s := range hints {
		out = append(out, map[string]string{"type": s.Kind, "kind": vivier.TypingHintKinds[s.Kind],
			"label": s.Label, "value": s.Value, "code": s.Code})
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.JSON(fiber.Map{"suggestions": out})
}
