package admin

import (
	"sort"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

func (h *Handler) auditPage(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	f := vivier.AuditFilter{Action: c.Query("action"), Agent: c.Query("agent"), Limit: 50}
	if _, ok := vivier.AuditActions[f.Action]; !ok {
		f.Action = ""
	}
	fields := map[string]string{}
	if d := c.Query("du"); d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			fields["du"] = "Date au format AAAA-MM-JJ."
		}
		f.From = t
	}
	if d := c.Query("au"); d != "" {
		t, err := time.Parse("2006-01-02", d)
		if err != nil {
			fields["au"] = "Date au format AAAA-MM-JJ."
		} else {
			f.To = t.Add(24 * time.Hour)
		}
	}
	before, err := templates.QueryID(c, "avant")
	if err != nil {
		return err
	}
	f.Before = before
	entries, err := h.Store.AuditLog(c.UserContext(), adm.ID, f)
	if err != nil {
		return err
	}
	var actions []option
	for k, v := range vivier.AuditActions {
		actions = append(actions, option{k, v})
	}
	sort.Slice(actions, func(i, j int) bool { return actions[i].Label < actions[j].Label })
	var next string
	if len(entries) == f.Limit {
		q := c.Queries()
		q["avant"] = strconv.FormatInt(entries[len(entries)-1].ID, 10)
		next = "?" + encode(q)
	}
	status := fiber.StatusOK
	if len(fields) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	p := &journalPage{Entries: entries, Actions: actions, Filter: c.Queries(), Next: next}
	p.RefuseFields("", fields)
	return h.page(c, status, "admin/journal", p)
}

// journalPage is the administration's audit log, filtered, a page at a
// time.
type journalPage struct {
	templates.Page
	Entries []vivier.AuditEntry
	Actions []option
	Filter  map[string]string // the query, which the filter form shows again
	Next    string            // the query of the next page, "" on the last
}

// option is a choice of a select: its value and its French label.
type option struct{ Value, Label string }
