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
// (CSRF token, request id, current path, signed-in agent).
func (r *Renderer) Page(c *fiber.Ctx, status int, name string, data Map) error {
	if data == nil {
		data = Map{}
	}
	data["CSRF"] = c.Locals(LocalCSRF)
	data["RequestID"] = c.Locals(LocalRequestID)
	data["Path"] = c.Path()
	data["Conformance"] = c.Locals(LocalConformance)
	if _, ok := data["Agent"]; !ok {
		data["Agent"] = c.Locals(LocalAgent)
	}
	c.Status(status)
	c.Type("html", "utf-8")
	return r.Render(c.Response().BodyWriter(), name, data)
}
