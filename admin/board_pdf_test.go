package admin

import (
	"strings"
	"testing"
	"time"

	"vivier"
)

// pdfText extracts a PDF's text as the documents' search does (with
// github.com/ledongthuc/pdf), after the checks an uploaded PDF passes.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	d, err := vivier.CheckDocument("proces-verbal.pdf", data, 10<<20)
	if err != nil {
		t.Fatal(err)
	}
	return d.Text
}

func TestMinutesPDFIsTextWithTheLists(t *testing.T) {
	t.Parallel()
	th := 10.0
	yes := true
	m := &boardMinutes{
		AdmName:    "Ministère de démonstration",
		Board:      vivier.SelectionBoard{Kind: vivier.BoardJury, Name: "Jury écrit", ScaleMax: 20, TieRule: vivier.TieBySpread, Threshold: &th},
		OfferTitle: "Chargée d'études",
		Members: []vivier.BoardMember{{ID: 1, Name: "Hélène Présidente", Email: "p@x.test", President: true},
			{ID: 2, Email: "externe@x.test"}},
		Criteria: []vivier.BoardCriterion{{ID: 1, Label: "Connaissances", Weight: 2}, {ID: 2, Label: "Motivation", Weight: 1}},
		Marks: []minutesMarks{{Applicant: boardApplicant{ApplicationID: 7, Name: "Zoé Dupré"},
			Lines: []minutesMarkLine{{Member: "Hélène Présidente", Scores: []string{"15", "12,5"}, Total: "14,17"}, {Member: "externe@x.test", Conflict: true}}}},
		Results:    []boardResultRow{{Applicant: boardApplicant{ApplicationID: 7, Name: "Zoé Dupré"}, Mean: 14.1667, Rank: 1, Markers: 1, Admissible: &yes}},
		Principale: []boardListRow{{Applicant: boardApplicant{ApplicationID: 7, Name: "Zoé Dupré"}, List: vivier.ListPrincipale, Rank: 1}},
		Complementaire: []boardListRow{{Applicant: boardApplicant{ApplicationID: 8, Pseudonym: "Candidat·e 17", Name: "Secret Nom", Masked: true},
			List: vivier.ListComplementaire, Rank: 1}},
		Date: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC),
	}
	data, err := minutesPDF(m)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, data)
	for _, want := range []string{"Liste principale", "Liste complémentaire", "Zoé Dupré", "Candidat·e 17", "Connaissances", "Hélène Présidente", "Signature"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Secret Nom") {
		t.Error("the PDF names a masked applicant")
	}
}
