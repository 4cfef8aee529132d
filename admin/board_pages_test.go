package admin

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"vivier"
	"vivier/templates"
)

// sampleBoard is a closed board with two members, a two-line grid and two
// applications, one of them masked.
func sampleBoard() boardData {
	th := 10.0
	closed := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	agent := int64(3)
	return boardData{
		Board: vivier.SelectionBoard{ID: 5, OfferID: 9, Kind: vivier.BoardJury, Name: "Jury écrit", ScaleMax: 20,
			TieRule: vivier.TieByCriterion, Threshold: &th, MarkingClosedAt: &closed},
		OfferTitle: "Chargée d'études",
		Members: []vivier.BoardMember{{ID: 1, AgentID: &agent, Name: "Hélène Présidente", Email: "p@x.test", President: true},
			{ID: 2, Email: "externe@x.test"}},
		Criteria: []vivier.BoardCriterion{{ID: 11, Label: "Connaissances", Weight: 2}, {ID: 12, Label: "Motivation", Weight: 1}},
		Assigned: []boardApplicant{{ApplicationID: 7, Name: "Zoé Dupré"}, {ApplicationID: 8, Name: "Secret Nom", Pseudonym: "Candidat·e 17", Masked: true}},
	}
}

func render(t *testing.T, name string, m templates.Model) string {
	t.Helper()
	r, err := templates.New()
	if err != nil {
		t.Fatal(err)
	}
	p := m.Common()
	p.CSRF, p.Adm = "jeton", &vivier.Administration{ID: 1, Slug: "ministere-demo", Name: "Ministère"}
	var b strings.Builder
	if err := r.Render(&b, name, m); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The boards' pages name applicants only through their partial: a masked
// one by pseudonym, never by name.
func TestBoardPagesRenderAndMask(t *testing.T) {
	t.Parallel()
	b := sampleBoard()
	me := b.Members[0]
	open := b
	open.Board.MarkingClosedAt = nil
	yes, no := true, false
	total := 14.5
	rows := []boardResultRow{
		{Applicant: b.Assigned[0], Mean: 14.5, Spread: 1.25, Markers: 2, Rank: 1, Admissible: &yes, Totals: []memberTotal{{Member: "Hélène", Total: &total}, {Member: "externe", Conflict: true}}},
		{Applicant: b.Assigned[1], Mean: 8, Markers: 2, Rank: 2, Admissible: &no, Totals: []memberTotal{{Member: "Hélène", Total: &total}, {Member: "externe"}}},
	}
	pages := map[string]templates.Model{
		"admin/board_settings": &boardSettingsPage{boardData: b, URL: "/admin/ministere-demo/jurys/5", Kind: "Jury",
			Grid: []gridLine{{N: 1, Label: "Connaissances", Weight: "2"}, {N: 2}}},
		"admin/board_marking": &markingPage{markingData: markingData{boardData: open, Me: me, Items: []markingItem{
			{Applicant: b.Assigned[0], Values: map[int64]string{11: "12.5"}}, {Applicant: b.Assigned[1], Conflict: true}}},
			URL: "/admin/ministere-demo/jurys/5/notation", Kind: "Jury", Step: "0.25", Total: 1},
		"admin/board_results": &resultsPage{resultsData: resultsData{boardData: b, Me: &me, Rows: rows,
			Principale:     []boardListRow{{Applicant: b.Assigned[0], List: vivier.ListPrincipale, Rank: 1}},
			Complementaire: []boardListRow{{Applicant: b.Assigned[1], List: vivier.ListComplementaire, Rank: 1}}},
			Kind: "Jury", President: true, Closed: true, Lists: []listChoice{{vivier.ListPrincipale, "Liste principale"}, {vivier.ListComplementaire, "Liste complémentaire"}}},
		"admin/board_minutes": &minutesPageModel{boardMinutes: &boardMinutes{Board: b.Board, Members: b.Members, Criteria: b.Criteria, Results: rows,
			Principale: []boardListRow{{Applicant: b.Assigned[0], Rank: 1}}, Complementaire: []boardListRow{{Applicant: b.Assigned[1], Rank: 1}}}, Kind: "Jury"},
	}
	for name, m := range pages {
		out := render(t, name, m)
		if strings.Contains(out, "Secret Nom") {
			t.Errorf("%s names a masked applicant", name)
		}
		if !strings.Contains(out, "Candidat·e 17") {
			t.Errorf("%s lacks the masked applicant's pseudonym", name)
		}
		if name != "admin/board_minutes" && !strings.Contains(out, `name="_csrf" value="jeton"`) {
			t.Errorf("%s has a form without its CSRF token", name)
		}
	}
}

// Once the results are arrested, no page offers a form that would change
// them, and the results page says they are.
func TestArrestedBoardOffersNoForm(t *testing.T) {
	t.Parallel()
	b := sampleBoard()
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	b.Board.ArrestedAt = &at
	me := b.Members[0]
	for name, m := range map[string]templates.Model{
		"admin/board_settings": &boardSettingsPage{boardData: b, URL: "/x", Kind: "Jury"},
		"admin/board_marking":  &markingPage{markingData: markingData{boardData: b, Me: me, Items: []markingItem{{Applicant: b.Assigned[0]}}}, URL: "/x", Kind: "Jury"},
		"admin/board_results":  &resultsPage{resultsData: resultsData{boardData: b, Me: &me}, Kind: "Jury", President: true, Closed: true},
	} {
		out := render(t, name, m)
		main := out[strings.Index(out, `id="contenu"`):]
		if strings.Contains(main, `method="post"`) {
			t.Errorf("%s offers a form after the results are arrested", name)
		}
		if !strings.Contains(main, "arrêtés") {
			t.Errorf("%s does not say the results are arrested", name)
		}
	}
}

// The row that says a table is empty spans all its columns: the threshold's
// and, once the marking is closed, each member's total.
func TestEmptyBoardTablesSpanTheirColumns(t *testing.T) {
	t.Parallel()
	b := sampleBoard()
	threshold := 10.0
	b.Board.Threshold = &threshold
	me := b.Members[0]
	for name, c := range map[string]struct {
		m     templates.Model
		table string
	}{
		"admin/board_results": {&resultsPage{resultsData: resultsData{boardData: b, Me: &me}, Kind: "Jury", Closed: true}, `id="ranking"`},
		"admin/board_minutes": {&minutesPageModel{boardMinutes: &boardMinutes{Board: b.Board, Members: b.Members, Criteria: b.Criteria}, Kind: "Jury"}, `id="minutes-results"`},
	} {
		out := render(t, name, c.m)
		i := strings.Index(out, c.table)
		if i < 0 {
			t.Fatalf("%s has no table %s", name, c.table)
		}
		table := out[i:]
		table = table[:strings.Index(table, "</table>")]
		cols := strings.Count(table[:strings.Index(table, "</thead>")], `<th scope="col"`)
		if want := fmt.Sprintf(`colspan="%d"`, cols); cols < 6 || !strings.Contains(table, want) {
			t.Errorf("%s: %d columns, the empty row does not span them (%s)", name, cols, want)
		}
	}
}
