package admin

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// An offer's board: a column per step, compact cards, the list's filters.
// Without JavaScript a card is a link to the application, whose page has the
// move form, and the selection is a plain form over the list's bulk routes;
// board.js adds a menu of steps to each card and the refusal dialog, which
// post the same forms.

// boardMorePages bounds how many times a column's "next" link is followed in
// one address: past it, the list of the step pages through them instead.
const boardMorePages = 50

// boardPage is an offer's board. It embeds the list's page for the filter,
// its errors and the choices of the filters and of the bulk actions.
type boardPage struct {
	pipelinePage
	Columns []boardColumn
	Filters url.Values // the filters in use, without the columns' pages
	Back    string     // this board with its filters: where its forms return
	Any     bool       // a filter is in use
	// MoreFilters counts the filters in use among those folded under "Plus
	// de filtres", which then unfold.
	MoreFilters int
}

// boardColumn is a step and its cards.
type boardColumn struct {
	Step    vivier.Step
	Cards   []vivier.BoardCard
	Count   int
	More    int    // cards not shown yet
	Next    int    // how many the "next" link adds
	MoreURL string // this board with one more page of this column
	ListURL string // the list of this step, with the filters
}

func (h *Handler) boardPage(c *fiber.Ctx) error {
	o, err := h.pipelineOffer(c)
	if err != nil {
		return err
	}
	shared, err := h.pipelineData(c, o)
	if err != nil {
		return err
	}
	p := &boardPage{pipelinePage: pipelinePage{offerPipeline: shared}}
	p.Wide = true
	f, err := h.offerFilter(c, &p.listFilters)
	if err != nil {
		return err
	}
	f.Page = 0
	if err := h.collabOfPipeline(c, &p.listFilters); err != nil {
		return err
	}
	more, err := boardMore(c)
	if err != nil {
		return err
	}
	shown := map[int64]int{}
	for id, n := range more {
		shown[id] = (n + 1) * vivier.BoardPageSize
	}
	adm := currentAdministration(c)
	bq := vivier.BoardQuery{Filter: f, Reader: currentAgent(c).ID, Shown: shown}
	if f.Plain() {
		bq.Known = p.Counts // the step counts, read for every board, are this board's
	}
	board, err := h.Store.BoardCards(c.UserContext(), adm.ID, o.ID, bq)
	if err != nil {
		return err
	}
	p.filterForm(c, p.Base+"/tableau")
	p.Filter, p.ConfirmAbove = f, bulkConfirmAbove
	p.Filters = url.Values{}
	for k, v := range c.Queries() {
		if v != "" && k != "plus" && k != "page" && k != "de" && k != "offre" {
			p.Filters.Set(k, v)
		}
	}
	p.Any = len(p.Filters) > 0
	for _, k := range []string{"etape", "source", "note", "du", "au", "decision", "mention", "messages", "entretiens", "delai", "dossier"} {
		if p.Filters.Has(k) {
			p.MoreFilters++
		}
	}
	p.Back = withQuery(p.Base+"/tableau", p.Filters)
	for _, st := range p.Steps {
		if f.StageID != 0 && st.ID != f.StageID {
			continue // filtered on one step: its column only
		}
		col := boardColumn{Step: st, Cards: board.Cards[st.ID], Count: board.Counts[st.ID], More: board.More(st.ID)}
		col.Next = min(col.More, vivier.BoardPageSize)
		q := cloneValues(p.Filters)
		for id, n := range more {
			for range n {
				q.Add("plus", strconv.FormatInt(id, 10))
			}
		}
		q.Add("plus", strconv.FormatInt(st.ID, 10))
		col.MoreURL = withQuery(p.Base+"/tableau", q) + "#col-" + strconv.FormatInt(st.ID, 10)
		q = cloneValues(p.Filters)
		q.Set("etape", strconv.FormatInt(st.ID, 10))
		col.ListURL = withQuery(p.Base+"/candidatures", q)
		p.Columns = append(p.Columns, col)
	}
	status := fiber.StatusOK
	if len(p.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return h.page(c, status, "admin/board", p)
}

// CardURL is an application's page, opened from this board: it carries the
// board's filters so that the page can go to the previous and next cards.
func (p *boardPage) CardURL(id int64) string {
	q := cloneValues(p.Filters)
	q.Set("de", "tableau")
	q.Set("offre", strconv.FormatInt(p.Offer.ID, 10))
	return withQuery(admURL(p.Adm, "/candidatures/"+strconv.FormatInt(id, 10)), q)
}

// ListURL is the offer's list with the board's filters.
func (p *boardPage) ListURL() string { return withQuery(p.Base+"/candidatures", p.Filters) }

// boardMore reads the columns' "next" links: each "plus=<step>" shows one
// more page of that step's column.
func boardMore(c *fiber.Ctx) (map[int64]int, error) {
	more := map[int64]int{}
	for _, v := range c.Context().QueryArgs().PeekMulti("plus") {
		id, ok := templates.ParseID(string(v))
		if !ok {
			return nil, &vivier.Error{Code: vivier.EMALFORMED, Field: "plus",
				Message: "Le paramètre « plus » de l'adresse n'est pas valide : c'est un numéro d'étape, écrit en chiffres."}
		}
		if more[id]++; more[id] > boardMorePages {
			return nil, vivier.Errorf(vivier.EINVALID, "Cette colonne montre déjà %d cartes : ouvrez la liste de l'étape pour voir les suivantes.",
				boardMorePages*vivier.BoardPageSize)
		}
	}
	return more, nil
}

// formBack is where a form sent from an offer's board or list returns: the
// page it names in "back" when that is one of the administration's offers'
// pages, def otherwise.
func formBack(c *fiber.Ctx, def string) string {
	back := c.FormValue("back")
	if strings.HasPrefix(back, admURL(currentAdministration(c), "/offres/")) && !strings.Contains(back, "//") {
		return back
	}
	return def
}
