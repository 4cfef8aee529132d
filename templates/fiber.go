package templates

import (
	"github.com/gofiber/fiber/v2"
)

// Map is the data handed to a page.
type Map = map[string]any

// Context keys under which middleware leaves what every page may show.
const (
	LocalCSRF      = "csrf"      // the CSRF token for the page's forms
	LocalRequestID = "requestid" // the request id, shown on error pages
	LocalAgent     = "agent"     // the signed-in agent, if any
	// LocalConformance is the site's declared RGAA state, for the footer.
	LocalConformance = "conformance"
)

// Page renders the page name with data and the request's common values
// (CSRF token, request id, current path, signed-in agent). data is a typed
// page model (a struct embedding Page) or, for the pages not yet typed, a Map.
func (r *Renderer) Page(c *fiber.Ctx, status int, name string, data any) error {
	d, err := pageData(c, data)
	if err != nil {
		return err
	}
	c.Status(status)
	c.Type("html", "utf-8")
	return r.Render(c.Response().BodyWriter(), name, d)
}
