package admin

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The administration's applications list: every offer's and the
// spontaneous ones, and for a parent its directions' too, paged, searched,
// sorted and filtered like an offer's list.

// applicationsPage lists the applications the agent may read.
type applicationsPage struct {
	templates.Page
	listFilters
	Rows       []listRow
	Matched    int // rows the filter matches, on every page
	Pages      int
	Prev, Next string // the pages' addresses, "" at either end
	Steps      []vivier.Step
}

// listRow is a row with its link, which carries the list (de=liste and its
// parameters) so that the application's page leads to the next one.
type listRow struct {
	vivier.ApplicationListRow
	Link      string
	Recruited bool // recruited on another offer
}

// adminListFilter reads the administration's list's filter as the request
// gives it, with the agent's scope and, for a parent, its directions:
// what the list, its counts and the application's neighbours share. It
// returns the administrations listed too (only the current one when it has
// no directions).
func (h *Handler) adminListFilter(c *fiber.Ctx) (vivier.PipelineFilter, []vivier.Administration, error) {
	f, err := parseFilter(c)
	if vivier.ErrorCode(err) == vivier.EMALFORMED {
		return f, nil, err
	}
	adms, serr := h.Store.Subtree(c.UserContext(), currentAdministration(c).ID)
	if serr != nil {
		return f, nil, serr
	}
	f.Within = within(adms)
	h.scoped(c, &f)
	return f, adms, err
}

func (h *Handler) applicationsPage(c *fiber.Ctx) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	f, adms, ferr := h.adminListFilter(c)
	if adms == nil {
		return ferr
	}
	p := &applicationsPage{}
	p.Errors = map[string]string{}
	if ferr != nil {
		p.Errors = vivier.AsFormErrors(ferr).ByField()
	}
	if err := h.collabOfPipeline(c, &p.listFilters); err != nil {
		return err
	}
	steps, err := h.Store.Steps(ctx, adm.ID)
	if err != nil {
		return err
	}
	rows, total, err := h.Store.ApplicationList(ctx, adm.ID, f)
	if err != nil {
		return err
	}
	if last := templates.LastPage(total, vivier.PipelinePageSize); f.Page > last {
		f.Page = last // a page past the end shows the last one
		if rows, total, err = h.Store.ApplicationList(ctx, adm.ID, f); err != nil {
			return err
		}
	}
	params := listQuery(c, adminListParams...)
	base := admURL(adm, "/candidatures")
	p.Prev, p.Next = pageLinks(base, params, f.Page, total)
	if p.Rows, err = h.listRows(c, rows, params, f.Page); err != nil {
		return err
	}
	p.Matched, p.Filter, p.Steps = total, f, steps
	p.Pages = templates.LastPage(total, vivier.PipelinePageSize)
	p.filterForm(c, base)
	p.AdminList = true
	if len(adms) > 1 {
		p.Directions = adms
	}
	if f.OfferID != 0 {
		p.ByOffer = h.filteredOffer(c, f.OfferID, adms)
	}
	status := fiber.StatusOK
	if ferr != nil {
		status = fiber.StatusUnprocessableEntity
	}
	return h.page(c, status, "admin/applications", p)
}

// listRows gives each row its link and its "recruited elsewhere" badge,
// which each administration answers for its own applications.
func (h *Handler) listRows(c *fiber.Ctx, rows []vivier.ApplicationListRow, params url.Values, page int) ([]listRow, error) {
	q := cloneValues(params)
	q.Set("de", "liste")
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	suffix := "?" + q.Encode()
	byAdm := map[int64][]int64{}
	for _, r := range rows {
		byAdm[r.AdministrationID] = append(byAdm[r.AdministrationID], r.ID)
	}
	recruited := map[int64]bool{}
	for admID, ids := range byAdm {
		m, err := h.Store.RecruitedElsewhere(c.UserContext(), admID, ids)
		if err != nil {
			return nil, err
		}
		for id, ok := range m {
			recruited[id] = ok
		}
	}
	out := make([]listRow, len(rows))
	for i, r := range rows {
		out[i] = listRow{ApplicationListRow: r, Recruited: recruited[r.ID],
			Link: "/admin/" + r.AdminSlug + "/candidatures/" + strconv.FormatInt(r.ID, 10) + suffix}
	}
	return out, nil
}

// filteredOffer is the offer the list is filtered on, looked for in the
// administrations listed; nil when none of them has it.
func (h *Handler) filteredOffer(c *fiber.Ctx, id int64, adms []vivier.Administration) *vivier.Offer {
	for _, a := range adms {
		if o, err := h.Store.OfferByID(c.UserContext(), a.ID, id); err == nil {
			return o
		}
	}
	return nil
}
