package admin

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// The recruiters' pipeline screens: an offer's list (tabs per step,
// filters, bulk actions) and the move of one application; the board is in
// board.go. Every form works without JavaScript.

// bulkConfirmAbove is how many refusals at once need the count typed in.
const bulkConfirmAbove = 30

func (h *Handler) pipelineOffer(c *fiber.Ctx) (*vivier.Offer, error) {
	id, err := templates.ParamID(c, "offer")
	if err != nil {
		return nil, err
	}
	o, err := h.Store.OfferByID(c.UserContext(), currentAdministration(c).ID, id)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		return nil, vivier.Errorf(vivier.ENOTFOUND, "Offre introuvable.")
	}
	return o, err
}

// offerPipeline is what an offer's list, its board and the move forms
// share.
type offerPipeline struct {
	templates.Page
	Offer                *vivier.Offer
	Steps                []vivier.Step
	Reasons              []vivier.RefusalReason
	Counts               map[int64]int // applications by step
	Total                int
	CanDecide, CanExport bool
	Base                 string // the offer's back office

	// Anonymity is the step until which the offer screens anonymously
	// (nil: it does not); CanSetAnonymity, whether the agent chooses it.
	Anonymity       *vivier.Step
	CanSetAnonymity bool
	// Boards are the offer's selection boards, for who may give them
	// applications.
	Boards []vivier.SelectionBoard
}

// pipelinePage is an offer's list: tabs per step, filters, bulk actions.
type pipelinePage struct {
	offerPipeline
	listFilters
	Rows         []vivier.PipelineRow
	Matched      int // rows the filter matches, on every page
	Pages        int
	Prev, Next   string     // the pages' addresses, "" at either end
	ConfirmAbove int        // refusals at once past which the count is typed in
	Params       url.Values // the list's parameters as given, which its links keep
}

func (h *Handler) pipelineData(c *fiber.Ctx, o *vivier.Offer) (offerPipeline, error) {
	ctx, adm := c.UserContext(), currentAdministration(c)
	steps, err := h.Store.Steps(ctx, adm.ID)
	if err != nil {
		return offerPipeline{}, err
	}
	reasons, err := h.Store.RefusalReasons(ctx, adm.ID)
	if err != nil {
		return offerPipeline{}, err
	}
	counts, err := h.Store.StepCounts(ctx, adm.ID, o.ID, h.scope(c))
	if err != nil {
		return offerPipeline{}, err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	anonymity, err := h.Store.OfferAnonymity(ctx, adm.ID, o.ID)
	if err != nil {
		return offerPipeline{}, err
	}
	var boards []vivier.SelectionBoard
	if h.can(c, policies.BoardsManage) {
		if boards, err = h.boardsOfOffer(ctx, adm.ID, o.ID); err != nil {
			return offerPipeline{}, err
		}
	}
	return offerPipeline{Offer: o, Steps: steps, Reasons: reasons, Counts: counts, Total: total,
		CanDecide: h.can(c, policies.ApplicationsDecide), CanExport: h.can(c, policies.ExportsRun),
		Base: offerURL(adm, o.ID), Anonymity: anonymity, CanSetAnonymity: h.can(c, policies.PipelineManage), Boards: boards}, nil
}

func parseFilter(c *fiber.Ctx) (vivier.PipelineFilter, error) {
	f := vivier.PipelineFilter{Source: c.Query("source"), Query: strings.TrimSpace(c.Query("q")), Sort: c.Query("tri")}
	if err := parseQueueFilter(c, &f); err != nil {
		return f, err
	}
	type idParam struct {
		name string
		dst  *int64
	}
	ids := []idParam{{"etape", &f.StageID}, {"etiquette", &f.TagID}, {"offre", &f.OfferID}, {"direction", &f.Direction}}
	if c.Query("assigne") != "moi" { // "moi" is parseQueueFilter's
		ids = append(ids, idParam{"assigne", &f.AssigneeID})
	}
	var err error
	for _, n := range ids {
		if *n.dst, err = templates.QueryID(c, n.name); err != nil {
			return f, err
		}
	}
	if f.Page, err = templates.QueryPage(c); err != nil {
		return f, err
	}
	switch v := c.Query("note"); v {
	case "":
	case "aucune":
		f.Unrated = true
	default:
		if n, ok := templates.ParseID(v); ok && n <= 4 {
			f.MinRating = int(n)
		} else {
			return f, vivier.FieldError("note", "Choisissez une note dans la liste.")
		}
	}
	if f.Page < 1 {
		f.Page = 1
	}
	for field, dst := range map[string]*time.Time{"du": &f.From, "au": &f.To} {
		v := c.Query(field)
		if v == "" {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", v, vivier.Paris())
		if err != nil {
			return f, vivier.FieldError(field, "Saisissez une date au format jj/mm/aaaa.")
		}
		if field == "au" {
			d = d.AddDate(0, 0, 1) // the day given is included
		}
		*dst = d
	}
	return f, nil
}

// offerFilter reads the filter of an offer's list or board, within the
// agent's scope. A malformed number in the URL is an error (no filter to
// correct on the page); a filter that does not read (a bad date) is left
// out and shown beside its field, in l.Errors.
func (h *Handler) offerFilter(c *fiber.Ctx, l *listFilters) (vivier.PipelineFilter, error) {
	f, err := parseFilter(c)
	if vivier.ErrorCode(err) == vivier.EMALFORMED {
		return f, err
	}
	l.Errors = map[string]string{}
	if err != nil {
		l.Errors = vivier.AsFormErrors(err).ByField()
	}
	h.scoped(c, &f)
	return f, nil
}

// scoped narrows a list's filter to the agent's scope: a jury member sees
// what is assigned to them, and does not sort by the others' ratings; the
// identities the agent revealed show.
func (h *Handler) scoped(c *fiber.Ctx, f *vivier.PipelineFilter) {
	f.Scope, f.Viewer = h.scope(c), currentAgent(c).ID
	if f.Scope.Narrowed() {
		f.MinRating, f.Unrated = 0, false
	}
}

func (h *Handler) pipelinePage(c *fiber.Ctx) error {
	o, err := h.pipelineOffer(c)
	if err != nil {
		return err
	}
	shared, err := h.pipelineData(c, o)
	if err != nil {
		return err
	}
	p := &pipelinePage{offerPipeline: shared}
	f, err := h.offerFilter(c, &p.listFilters)
	if err != nil {
		return err
	}
	if err := h.collabOfPipeline(c, &p.listFilters); err != nil {
		return err
	}
	if f.Plain() {
		// The step counts, read for the tabs, are the count of this list.
		if f.StageID == 0 {
			f.Known = p.Total
		} else {
			f.Known = p.Counts[f.StageID]
		}
	}
	rows, total, err := h.Store.PipelineList(c.UserContext(), currentAdministration(c).ID, o.ID, f)
	if err != nil {
		return err
	}
	if last := templates.LastPage(total, vivier.PipelinePageSize); f.Page > last {
		f.Page = last // a page past the end shows the last one
		if rows, total, err = h.Store.PipelineList(c.UserContext(), currentAdministration(c).ID, o.ID, f); err != nil {
			return err
		}
	}
	p.Params = listQuery(c, offerListParams...)
	p.Prev, p.Next = pageLinks(p.Base+"/candidatures", p.Params, f.Page, total)
	p.Rows, p.Matched, p.Filter = rows, total, f
	p.Pages = (total + vivier.PipelinePageSize - 1) / vivier.PipelinePageSize
	p.filterForm(c, p.Base+"/candidatures")
	p.ConfirmAbove = bulkConfirmAbove
	status := fiber.StatusOK
	if len(p.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return h.page(c, status, "admin/pipeline", p)
}

// moveForm reads a move form; "notify" is "oui", "non" or empty for the
// step's default (yes for a decision).
func (h *Handler) moveForm(c *fiber.Ctx) (vivier.Move, error) {
	var m vivier.Move
	var err error
	if m.StageID, err = templates.FormID(c, "stage"); err != nil {
		return m, err
	}
	if m.ReasonID, err = templates.FormID(c, "reason"); err != nil {
		return m, err
	}
	steps, err := h.Store.Steps(c.UserContext(), currentAdministration(c).ID)
	if err != nil {
		return m, err
	}
	for _, s := range steps {
		if s.ID == m.StageID {
			if s.Category != vivier.CategoryRefused {
				m.ReasonID = 0 // the reason select stays on every form; it counts for refusals only
			}
			if m.Hire, err = hireForm(c); err != nil {
				return m, err
			}
			switch c.FormValue("notify") {
			case "oui":
				m.Notify = true
			case "non":
			default:
				m.Notify = vivier.NotifyByDefault(s.Category)
			}
			return m, nil
		}
	}
	return m, vivier.FieldError("stage", "Choisissez une étape dans la liste.")
}

func (h *Handler) moveApplication(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	m, err := h.moveForm(c)
	if err != nil {
		return err
	}
	res, err := h.Store.MoveApplication(c.UserContext(), adm.ID, id, m, actor(c))
	if err != nil {
		return err
	}
	to := formBack(c, applicationURL(adm, id)) // the board sends the recruiter back to the board
	if next := c.FormValue("suivante"); workspaceNext(adm, next) {
		to = next // the application view goes on along its list
	}
	return h.back(c, to, moveMessage(res))
}

func moveMessage(res vivier.MoveResult) string {
	msg := plural(res.Moved, "candidature déplacée", "candidatures déplacées")
	msg += ", " + plural(res.Emails, "courriel mis en envoi", "courriels mis en envoi") + " à la personne candidate"
	if res.Skipped > 0 {
		msg += " ; " + plural(res.Skipped, "candidature ne pouvait pas faire ce changement", "candidatures ne pouvaient pas faire ce changement") +
			" (retirée, déjà à cette étape, ou décision à rouvrir d'abord)"
	}
	return strings.ReplaceAll(msg, " ;", "\u202f;") + "."
}

func plural(n int, one, many string) string {
	if n <= 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// selectedIDs reads the ticked applications; one malformed id voids the
// whole selection, which the callers refuse as empty.
func selectedIDs(c *fiber.Ctx) []int64 {
	var ids []int64
	for _, v := range c.Request().PostArgs().PeekMulti("ids") {
		id, ok := templates.ParseID(string(v))
		if !ok {
			return nil
		}
		ids = append(ids, id)
	}
	return ids
}

// bulkSelection reads a bulk action's offer and its ticked applications,
// refusing an empty (or malformed) selection.
func (h *Handler) bulkSelection(c *fiber.Ctx) (*vivier.Offer, []int64, error) {
	o, err := h.pipelineOffer(c)
	if err != nil {
		return nil, nil, err
	}
	ids := selectedIDs(c)
	if len(ids) == 0 {
		return nil, nil, vivier.FieldError("ids", "Cochez au moins une candidature avant de choisir une action.")
	}
	return o, ids, nil
}

func (h *Handler) bulkMove(c *fiber.Ctx) error {
	o, ids, err := h.bulkSelection(c)
	if err != nil {
		return err
	}
	m, err := h.moveForm(c)
	if err != nil {
		return err
	}
	if m.ReasonID != 0 && len(ids) > bulkConfirmAbove && strings.TrimSpace(c.FormValue("confirm")) != strconv.Itoa(len(ids)) {
		return vivier.FieldError("confirm", fmt.Sprintf("Vous refusez %d candidatures d'un coup : saisissez %d dans le champ « Nombre de refus à confirmer » pour confirmer.",
			len(ids), len(ids)))
	}
	if m.ReasonID != 0 && m.Notify && c.FormValue("envoi") != "confirme" {
		return h.bulkRefusalPreview(c, o, ids, m) // the email is read before it goes
	}
	res, err := h.Store.MoveApplications(c.UserContext(), currentAdministration(c).ID, ids, m, actor(c))
	if err != nil {
		return err
	}
	return h.back(c, formBack(c, offerApplicationsURL(currentAdministration(c), o.ID)), moveMessage(res))
}

// pipelineOfApplication adds the current step, the move form's choices and
// the history to the application page.
func (h *Handler) pipelineOfApplication(c *fiber.Ctx, d *vivier.ApplicationDetail, p *applicationPage) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	steps, err := h.Store.Steps(ctx, adm.ID)
	if err != nil {
		return err
	}
	reasons, err := h.Store.RefusalReasons(ctx, adm.ID)
	if err != nil {
		return err
	}
	history, err := h.Store.ApplicationHistory(ctx, adm.ID, d.ID)
	if err != nil {
		return err
	}
	for i, s := range steps {
		if d.StageID != nil && s.ID == *d.StageID {
			p.Stage, p.CurrentStage = &steps[i], s.ID
		}
	}
	p.Steps, p.Reasons, p.History = steps, reasons, history
	p.HireStep = hireStep(steps)
	p.Movable = d.Category != vivier.CategoryWithdrawn && d.Category != vivier.CategoryErased && d.Category != vivier.CategoryTransferred
	return nil
}
