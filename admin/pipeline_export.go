package admin

import (
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// exportSelection sends the checked applications of an offer as CSV, in
// the order of the list, for a spreadsheet.
func (h *Handler) exportSelection(c *fiber.Ctx) error {
	o, err := h.pipelineOffer(c)
	if err != nil {
		return err
	}
	ids := selectedIDs(c)
	if len(ids) == 0 {
		return vivier.FieldError("ids", "Cochez au moins une candidature avant d'exporter.")
	}
	rows, _, err := h.Store.PipelineList(c.UserContext(), currentAdministration(c).ID, o.ID, vivier.PipelineFilter{IDs: ids, Viewer: currentAgent(c).ID})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="candidatures-`+strconv.FormatInt(o.ID, 10)+`.csv"`)
	w := csv.NewWriter(c.Response().BodyWriter())
	w.Comma = ';' // what French spreadsheets expect
	_ = w.Write([]string{"\ufeffNuméro", "Prénom", "Nom", "Adresse électronique", "Étape", "Statut", "Source", "Reçue le"})
	for _, r := range rows {
		first, last, email, step := r.FirstName, r.LastName, "", ""
		if r.Email != nil {
			email = *r.Email
		}
		if r.StageName != nil {
			step = *r.StageName
		}
		if r.Erased {
			first, last, email = "", "candidat·e supprimé·e", ""
		}
		_ = w.Write([]string{strconv.FormatInt(r.ID, 10), cell(first), cell(last), cell(email), cell(step),
			vivier.StatusLabel(r.Category, false), cell(r.Source), r.CreatedAt.In(vivier.Paris()).Format("02/01/2006")})
	}
	w.Flush()
	return w.Error()
}

// cell defuses what a spreadsheet would run as a formula: candidates type
// their own names.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
