package templates

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// Page holds what every page shows besides its own content. A typed page
// model embeds it; Renderer.Page fills the request's part (CSRF token,
// request id, path, footer, agent), the back office fills its part
// (administration, navigation, flash) and the handler fills the outcome of a
// form (Error, Fields).
type Page struct {
	CSRF        string
	RequestID   string
	Path        string
	Conformance string
	Agent       *vivier.Agent

	// Back office: the current administration, the navigation the agent's
	// roles open, and the message left by the previous request.
	Adm   *vivier.Administration
	Nav   []NavItem
	Flash string
	// Wide lays a workspace (the application view, the board) over the
	// whole width: the navigation folds above it instead of beside it.
	Wide bool

	// The outcome of a form that was refused: a summary shown at the top and
	// a message per field name, shown beside the field.
	Error  string
	Fields map[string]string
}

// NavItem is one entry of the back-office navigation.
type NavItem struct {
	URL, Label string
	Current    bool
}

// Model is a typed page model: a struct that embeds Page.
type Model interface {
	Common() *Page
}

// Common returns the embedded common part of a page model.
func (p *Page) Common() *Page { return p }

// Refuse records a refused form: err's French message as the summary, and
// beside field when one is named.
func (p *Page) Refuse(summary string, field string, err error) {
	p.Error = summary
	if field != "" {
		if p.Fields == nil {
			p.Fields = map[string]string{}
		}
		p.Fields[field] = vivier.ErrorMessage(err)
	}
}

// fillRequest sets the request's part of a page.
func (p *Page) fillRequest(c *fiber.Ctx) {
	p.CSRF, _ = c.Locals(LocalCSRF).(string)
	p.RequestID, _ = c.Locals(LocalRequestID).(string)
	p.Path = c.Path()
	p.Conformance, _ = c.Locals(LocalConformance).(string)
	if p.Agent == nil {
		p.Agent, _ = c.Locals(LocalAgent).(*vivier.Agent)
	}
}

// pageData returns the data handed to a page's template: a Map gets the
// request's values as keys, a Model gets them in its embedded Page.
func pageData(c *fiber.Ctx, data any) (any, error) {
	switch d := data.(type) {
	case nil:
		return pageData(c, Map{})
	case Map:
		d["CSRF"] = c.Locals(LocalCSRF)
		d["RequestID"] = c.Locals(LocalRequestID)
		d["Path"] = c.Path()
		d["Conformance"] = c.Locals(LocalConformance)
		if _, ok := d["Agent"]; !ok {
			d["Agent"] = c.Locals(LocalAgent)
		}
		return d, nil
	case Model:
		d.Common().fillRequest(c)
		return d, nil
	default:
		return nil, fmt.Errorf("templates: page data of type %T is neither a Map nor a Model", data)
	}
}

// RefuseFields records a refused form whose messages are already given per
// field name (none when the summary says it all).
func (p *Page) RefuseFields(summary string, fields map[string]string) {
	p.Error, p.Fields = summary, fields
}
