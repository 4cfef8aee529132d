package vivier

import (
	"fmt"
	"strings"
)

// MetierColumns are the columns of an imported list of métiers (CSV, UTF-8,
// ";"): the first three are required; headers match without regard to
// case or accents. It is how platform administrators fill the referential
// when INGRES is not configured, from an export of the RMFP.
var MetierColumns = []string{"Code", "Libellé", "Domaine", "Libellé long", "Libellé du domaine", "Code famille", "Famille",
	"Définition", "Versants"}

// ParseMetiersCSV reads an imported list of métiers. A line that misses a
// required field is reported by its number (the header being line 1) and
// left out; the others are returned.
func ParseMetiersCSV(file []byte) ([]RMFPMetier, []string, error) {
	rows, header, err := readCSV(file, MetierColumns[:3])
	if err != nil {
		return nil, nil, err
	}
	if len(rows) == 0 {
		return nil, nil, FieldError("file", "Le fichier ne contient aucun métier après sa ligne d'en-tête.")
	}
	get := func(r csvRow, col string) string {
		if i, ok := header[normHeader(col)]; ok && i < len(r.fields) {
			return strings.TrimSpace(r.fields[i])
		}
		return ""
	}
	var out []RMFPMetier
	var rejected []string
	for _, r := range rows {
		m := RMFPMetier{Code: get(r, "Code"), Label: get(r, "Libellé"), DomaineCode: get(r, "Domaine"),
			LabelLong: get(r, "Libellé long"), DomaineLabel: get(r, "Libellé du domaine"), FamilyCode: get(r, "Code famille"),
			FamilyLabel: get(r, "Famille"), Definition: get(r, "Définition"),
			Versants: strings.FieldsFunc(get(r, "Versants"), func(r rune) bool { return r == ',' || r == ' ' || r == '/' })}
		if why, ok := m.clean(); !ok {
			rejected = append(rejected, fmt.Sprintf("ligne %d : %s", r.line, why))
			continue
		}
		out = append(out, m)
	}
	return out, rejected, nil
}
