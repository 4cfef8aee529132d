package vivier

import (
	"strings"
	"unicode/utf8"
)

// Where a métier of the referential came from.
const (
	MetierManual = "manual" // typed by a platform administrator
	MetierImport = "import" // imported from a CSV file
	MetierINGRES = "ingres" // kept current from INGRES
)

// RMFPMetier is a métier as the RMFP describes it (INGRES's RMFP_EMPL_REF,
// or a row of an imported file): its code (ERNUM001), labels, domaine
// fonctionnel and family, definition and versants (FPE, FPT, FPH).
type RMFPMetier struct {
	Code         string
	Label        string
	LabelLong    string
	DomaineCode  string
	DomaineLabel string
	FamilyCode   string
	FamilyLabel  string
	Definition   string
	Versants     []string
}

// MetierSync counts what a synchronisation changed.
type MetierSync struct {
	Created, Updated, Retired, Reactivated, Unchanged int
	Rejected                                          []string // "ERNUM001 : le libellé manque", one per item left out
}

// Changed tells whether the referential moved.
func (s MetierSync) Changed() bool {
	return s.Created+s.Updated+s.Retired+s.Reactivated > 0
}

// clean checks an item: a code of letters and digits, a label, a domaine of
// three capitals; the texts are trimmed and cut to what the table shows.
func (m *RMFPMetier) clean() (string, bool) {
	m.Code = strings.ToUpper(strings.TrimSpace(m.Code))
	m.Label = strings.TrimSpace(m.Label)
	m.LabelLong = strings.TrimSpace(m.LabelLong)
	if m.Label == "" {
		m.Label = m.LabelLong
	}
	m.DomaineCode = strings.ToUpper(strings.TrimSpace(m.DomaineCode))
	m.DomaineLabel = strings.TrimSpace(m.DomaineLabel)
	m.FamilyCode, m.FamilyLabel = strings.TrimSpace(m.FamilyCode), strings.TrimSpace(m.FamilyLabel)
	m.Definition = strings.TrimSpace(m.Definition)
	switch {
	case m.Code == "" || len(m.Code) > 50 || strings.ContainsFunc(m.Code, func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-')
	}):
		return "code absent ou invalide", false
	case m.Label == "" || utf8.RuneCountInString(m.Label) > 200:
		return "libellé absent ou trop long", false
	case len(m.DomaineCode) != 3 || strings.ContainsFunc(m.DomaineCode, func(r rune) bool { return r < 'A' || r > 'Z' }):
		return "domaine fonctionnel absent ou invalide", false
	}
	versants := make([]string, 0, len(m.Versants)) // never nil: the column is NOT NULL
	for _, v := range m.Versants {
		if v = strings.ToUpper(strings.TrimSpace(v)); v == "FPE" || v == "FPT" || v == "FPH" {
			versants = append(versants, v)
		}
	}
	m.Versants = versants
	return "", true
}
