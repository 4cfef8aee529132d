package admin

import (
	"encoding/csv"
	"errors"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// The statistics page: the figures of an administration, of its tree or of
// one of its directions, per offer and period. Each figure is a table that
// the page shows (under its chart) and that the CSV export writes, from the
// same rows, so that the two never disagree.

func (h *Handler) statsRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/:adm/statistiques", Access: administration, perm: policies.StatisticsRead, handler: h.statsPage},
		{Method: "GET", Path: "/:adm/statistiques/export", Access: administration, perm: policies.StatisticsRead, handler: h.statsExport},
	}
}

// statsDefaultDays is the period shown when none is asked for.
const statsDefaultDays = 90

// statsQuery is the filter as typed, to fill the form back in.
type statsQuery struct {
	Scope, Perimeter, Offer, From, To string
}

// Encode is the query string of the filter, for the export links.
func (q statsQuery) Encode() string {
	v := url.Values{"du": {q.From}, "au": {q.To}, "perimetre": {q.Perimeter}}
	if q.Scope != "" {
		v.Set("administration", q.Scope)
	}
	if q.Offer != "" {
		v.Set("offre", q.Offer)
	}
	return v.Encode()
}

// parseStatsFilter reads the filter; fields holds the French message of
// each field at fault.
func parseStatsFilter(c *fiber.Ctx, adm *vivier.Administration, now time.Time) (vivier.StatsFilter, statsQuery, map[string]string) {
	today := now.In(vivier.Paris())
	q := statsQuery{Scope: c.Query("administration"), Perimeter: c.Query("perimetre", "arbre"), Offer: c.Query("offre"),
		From: c.Query("du", today.AddDate(0, 0, -statsDefaultDays).Format("2006-01-02")), To: c.Query("au", today.Format("2006-01-02"))}
	f := vivier.StatsFilter{AdministrationID: adm.ID, WithChildren: q.Perimeter != "seule"}
	fields := map[string]string{}
	if q.Perimeter != "arbre" && q.Perimeter != "seule" {
		fields["perimetre"] = "Choisissez un périmètre dans la liste."
	}
	if q.Scope != "" {
		id, ok := templates.ParseID(q.Scope)
		if !ok {
			fields["administration"] = "Choisissez une administration dans la liste."
		}
		f.ScopeID = id
	}
	switch q.Offer {
	case "":
	case "spontanees":
		f.OfferID = vivier.StatsSpontaneous
	default:
		id, ok := templates.ParseID(q.Offer)
		if !ok {
			fields["offre"] = "Choisissez une offre dans la liste."
		}
		f.OfferID = id
	}
	from, err := time.ParseInLocation("2006-01-02", q.From, vivier.Paris())
	if err != nil {
		fields["du"] = "Saisissez une date au format jj/mm/aaaa."
	}
	to, err := time.ParseInLocation("2006-01-02", q.To, vivier.Paris())
	if err != nil {
		fields["au"] = "Saisissez une date au format jj/mm/aaaa."
	}
	f.From, f.To = from, to.AddDate(0, 0, 1) // the last day is included
	if fields["du"] == "" && fields["au"] == "" {
		switch {
		case to.Before(from):
			fields["au"] = "La date de fin doit suivre la date de début."
		case to.Sub(from) > 5*366*24*time.Hour:
			fields["du"] = "La période couvre cinq ans au plus."
		}
	}
	return f, q, fields
}

func (h *Handler) statsPage(c *fiber.Ctx) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	f, q, fields := parseStatsFilter(c, adm, time.Now())
	tree, err := h.Store.StatsTree(ctx, adm.ID)
	if err != nil {
		return err
	}
	offers, err := h.Store.StatsOffers(ctx, adm.ID)
	if err != nil {
		return err
	}
	p := &statsPage{Q: q, Tree: tree, Offers: offers, Export: q.Encode()}
	p.RefuseFields("", fields)
	if len(fields) > 0 {
		return h.page(c, fiber.StatusUnprocessableEntity, "admin/statistics", p)
	}
	st, err := h.Store.Statistics(ctx, f)
	if err != nil {
		var ve *vivier.Error
		if errors.As(err, &ve) && ve.Field != "" {
			fields[ve.Field] = ve.Message
			return h.page(c, fiber.StatusUnprocessableEntity, "admin/statistics", p)
		}
		return err
	}
	p.Stats, p.Figures, p.Tables = st, keyFigures(st), statsTables(st)
	return h.page(c, fiber.StatusOK, "admin/statistics", p)
}

// statsPage is the statistics of an administration (and its tree) over a
// period: the filter, key figures and tables with their charts.
type statsPage struct {
	templates.Page
	Q       statsQuery // the filter as typed
	Tree    []vivier.StatsAdministration
	Offers  []vivier.StatsOffer
	Export  string // the filter's query, for the CSV links
	Stats   *vivier.Stats
	Figures []keyFigure
	Tables  []statTable
}

// statsExport writes one table, or all of them one after the other, as CSV
// for a French spreadsheet: UTF-8 with a BOM, ";" between cells.
func (h *Handler) statsExport(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	f, q, fields := parseStatsFilter(c, adm, time.Now())
	for _, k := range []string{"perimetre", "administration", "offre", "du", "au"} {
		if msg, ok := fields[k]; ok {
			return vivier.FieldError(k, msg)
		}
	}
	st, err := h.Store.Statistics(c.UserContext(), f)
	if err != nil {
		return err
	}
	tables := statsTables(st)
	name := "statistiques"
	if id := c.Query("tableau"); id != "" {
		var one []statTable
		for _, t := range tables {
			if t.ID == id {
				one = append(one, t)
			}
		}
		if len(one) == 0 {
			return vivier.Errorf(vivier.ENOTFOUND, "Ce tableau n'existe pas.")
		}
		tables, name = one, "statistiques-"+id
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`-`+adm.Slug+`-`+q.From+`-`+q.To+`.csv"`)
	w := csv.NewWriter(c.Response().BodyWriter())
	w.Comma = ';'
	_, _ = c.Response().BodyWriter().Write([]byte("\ufeff"))
	for i, t := range tables {
		if len(tables) > 1 {
			if i > 0 {
				_ = w.Write([]string{""})
			}
			_ = w.Write([]string{t.Title})
		}
		_ = w.Write(t.Columns)
		for _, r := range t.Rows {
			row := make([]string, len(r))
			for j, v := range r {
				row[j] = cell(v)
			}
			_ = w.Write(row)
		}
	}
	w.Flush()
	return w.Error()
}
