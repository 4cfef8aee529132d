package admin

import (
	"html/template"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The application view walks the list it was opened from: the lists and
// the board link to it with `de` (liste, offre, tableau) and their own
// filter parameters, which the view keeps in every link it makes, so that
// "previous", "next", "back to the list" and the move that goes on to the
// next application all stay in that list, filters, sort and page included.

// listNav is the application view's place in its list.
type listNav struct {
	vivier.ApplicationNav
	List       string // the list's address, filters, sort and page kept
	Prev, Next string // the neighbours' views, "" at either end
	After      string // where a decision goes: the next application, or the list after the last
}

// listNavOf reads the list the view was opened from; nil when it was not
// opened from a list. A malformed number is refused as everywhere; a filter
// that does not read (a bad date) only loses the way along the list.
func (h *Handler) listNavOf(c *fiber.Ctx, id int64) (*listNav, error) {
	adm := currentAdministration(c)
	from := c.Query("de")
	offerID, err := templates.QueryID(c, "offre")
	if err != nil {
		return nil, err
	}
	var list string
	switch {
	case from == "liste":
		list = admURL(adm, "/candidatures")
	case from == "offre" && offerID != 0:
		list = offerApplicationsURL(adm, offerID)
	case from == "tableau" && offerID != 0:
		list = offerURL(adm, offerID) + "/tableau"
	default:
		return nil, nil
	}
	var f vivier.PipelineFilter
	if from == "liste" {
		// The administration's list, its directions included: its "offre"
		// is one of its filters (f.OfferID), as on the list's own page.
		f, _, err = h.adminListFilter(c)
		offerID = 0
	} else {
		var l listFilters
		if f, err = h.offerFilter(c, &l); err == nil && len(l.Errors) > 0 {
			return nil, nil // a filter that does not read: no way along the list
		}
	}
	if vivier.ErrorCode(err) == vivier.EMALFORMED {
		return nil, err
	}
	if err != nil {
		return nil, nil
	}
	nav, err := h.Store.ApplicationNav(c.UserContext(), adm.ID, offerID, f, id)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) { q.Add(string(k), string(v)) })
	n := &listNav{ApplicationNav: nav}
	view := func(id int64) string { return applicationURL(adm, id) + "?" + q.Encode() }
	if nav.PrevID != 0 {
		n.Prev = view(nav.PrevID)
	}
	if nav.NextID != 0 {
		n.Next = view(nav.NextID)
	}
	back := url.Values{}
	for k, v := range q {
		if k != "de" && (k != "offre" || from == "liste") {
			back[k] = v
		}
	}
	if from == "offre" && nav.Position > 0 {
		// The page that holds the application, however far it was walked.
		back.Set("page", strconv.Itoa((nav.Position-1)/vivier.PipelinePageSize+1))
	}
	n.List = list
	if len(back) > 0 {
		n.List += "?" + back.Encode()
	}
	n.After = n.Next
	if n.After == "" {
		n.After = n.List
	}
	return n, nil
}

// workspaceNext says whether a move form's "suivante" is a page of this
// administration's applications, where the view may go on after a
// decision: never another site, nor another administration.
func workspaceNext(adm *vivier.Administration, to string) bool {
	if strings.Contains(to, "//") || strings.ContainsAny(to, "\\\r\n") {
		return false
	}
	return strings.HasPrefix(to, admURL(adm, "/candidatures")) || strings.HasPrefix(to, admURL(adm, "/offres/"))
}

// ViewQuery is the query that an application's view gets from this list's
// rows: where it comes from and the list's own filters, so that the view
// walks the list in its order.
func (p *pipelinePage) ViewQuery() template.URL {
	q := cloneValues(p.Params)
	q.Set("de", "offre")
	q.Set("offre", strconv.FormatInt(p.Offer.ID, 10))
	if p.Filter.Page > 1 {
		q.Set("page", strconv.Itoa(p.Filter.Page))
	}
	return template.URL(q.Encode()) // built here from values encoded one by one
}
