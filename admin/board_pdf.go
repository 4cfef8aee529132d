package admin

import (
	"bytes"
	"fmt"

	"github.com/go-pdf/fpdf"

	"vivier"
)

// The minutes as a PDF, written as text (not an image of the page) so that
// it can be searched, read aloud and archived: the core Helvetica font with
// fpdf's cp1252 translation covers French.

// minutesPDF renders the procès-verbal.
func minutesPDF(m *boardMinutes) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	tr := f.UnicodeTranslatorFromDescriptor("")
	title := fmt.Sprintf("Procès-verbal — %s %s", kindLabel(m.Board.Kind), m.Board.Name)
	f.SetTitle(tr(title), false)
	f.SetAuthor(tr(m.AdmName), false)
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont("Helvetica", "", 8)
		f.CellFormat(0, 6, tr(fmt.Sprintf("%s — page %d", title, f.PageNo())), "", 0, "C", false, 0, "")
	})
	f.AddPage()
	w := &pdfWriter{f: f, tr: tr}

	f.SetFont("Helvetica", "B", 16)
	f.MultiCell(0, 8, tr(title), "", "L", false)
	w.line(fmt.Sprintf("%s — offre « %s »", m.AdmName, m.OfferTitle))
	w.line("Date : " + vivier.FrenchDate(m.Date.In(vivier.Paris())))
	w.line(fmt.Sprintf("Notes de 0 à %d ; égalités départagées par %s.", m.Board.ScaleMax, tieRuleLabel(m.Board.TieRule)))
	if m.Board.Threshold != nil {
		w.line("Seuil d'admissibilité : " + frNumber(*m.Board.Threshold))
	}

	w.heading("Membres")
	for _, mb := range m.Members {
		s := "• " + memberName(mb)
		if mb.President {
			s += " (président·e)"
		}
		w.line(s)
	}

	w.heading("Grille d'évaluation")
	rows := [][]string{}
	for _, c := range m.Criteria {
		rows = append(rows, []string{c.Label, frNumber(c.Weight)})
	}
	w.table([]string{"Critère", "Coefficient"}, []float64{140, 40}, rows)

	w.heading("Notes")
	for _, mk := range m.Marks {
		f.SetFont("Helvetica", "B", 10)
		f.MultiCell(0, 6, tr(mk.Applicant.Label()), "", "L", false)
		head := []string{"Membre"}
		widths := []float64{50}
		cw := 100.0
		if n := len(m.Criteria); n > 0 {
			cw /= float64(n)
		}
		for _, c := range m.Criteria {
			head = append(head, c.Label)
			widths = append(widths, cw)
		}
		head = append(head, "Total")
		widths = append(widths, 30)
		rows := [][]string{}
		for _, l := range mk.Lines {
			if l.Conflict {
				row := []string{l.Member}
				for range m.Criteria {
					row = append(row, "—")
				}
				rows = append(rows, append(row, "conflit"))
				continue
			}
			rows = append(rows, append(append([]string{l.Member}, l.Scores...), l.Total))
		}
		w.table(head, widths, rows)
	}

	w.heading("Résultats")
	rows = [][]string{}
	for _, r := range m.Results {
		adm := "—"
		if r.Admissible != nil {
			adm = map[bool]string{true: "oui", false: "non"}[*r.Admissible]
		}
		rows = append(rows, []string{fmt.Sprint(r.Rank), r.Applicant.Label(), frFixed(r.Mean), frFixed(r.Spread), fmt.Sprint(r.Markers), adm})
	}
	w.table([]string{"Rang", "Candidature", "Moyenne", "Écart", "Notateurs", "Admissible"}, []float64{15, 70, 25, 25, 22, 23}, rows)

	for _, l := range []struct {
		title string
		rows  []boardListRow
	}{{"Liste principale", m.Principale}, {"Liste complémentaire", m.Complementaire}} {
		w.heading(l.title)
		if len(l.rows) == 0 {
			w.line("Aucune candidature.")
			continue
		}
		rows = [][]string{}
		for _, e := range l.rows {
			rows = append(rows, []string{fmt.Sprint(e.Rank), e.Applicant.Label()})
		}
		w.table([]string{"Rang", "Candidature"}, []float64{20, 160}, rows)
	}

	// The president signs in a box of its own, kept whole on one page.
	if f.GetY() > 230 {
		f.AddPage()
	}
	f.Ln(6)
	f.SetFont("Helvetica", "", 10)
	pres := m.President()
	if pres == "" {
		pres = "la présidente ou le président"
	}
	f.MultiCell(0, 6, tr("Signature de "+pres+", président·e :"), "", "L", false)
	x, y := f.GetXY()
	f.Rect(x, y+1, 90, 35, "D")

	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		return nil, fmt.Errorf("minutes PDF: %w", err)
	}
	return b.Bytes(), nil
}

// pdfWriter writes the minutes' headings, lines and tables.
type pdfWriter struct {
	f  *fpdf.Fpdf
	tr func(string) string
}

func (w *pdfWriter) heading(s string) {
	w.f.Ln(3)
	w.f.SetFont("Helvetica", "B", 12)
	w.f.MultiCell(0, 7, w.tr(s), "", "L", false)
}

func (w *pdfWriter) line(s string) {
	w.f.SetFont("Helvetica", "", 10)
	w.f.MultiCell(0, 6, w.tr(s), "", "L", false)
}

// table draws a header and rows, cutting a cell's text to its width.
func (w *pdfWriter) table(head []string, widths []float64, rows [][]string) {
	w.f.SetFont("Helvetica", "B", 9)
	for i, h := range head {
		w.f.CellFormat(widths[i], 6, w.fit(h, widths[i]), "1", 0, "L", false, 0, "")
	}
	w.f.Ln(-1)
	w.f.SetFont("Helvetica", "", 9)
	for _, r := range rows {
		for i, c := range r {
			if i < len(widths) {
				w.f.CellFormat(widths[i], 6, w.fit(c, widths[i]), "1", 0, "L", false, 0, "")
			}
		}
		w.f.Ln(-1)
	}
}

// fit translates s and shortens it with "..." until it fits in width.
func (w *pdfWriter) fit(s string, width float64) string {
	t := w.tr(s)
	for len(t) > 1 && w.f.GetStringWidth(t) > width-2 {
		t = t[:len(t)-2] + "."
	}
	return t
}
