package vivier_test

import (
	"testing"

	"vivier"
)

func TestParseSalaryRange(t *testing.T) {
	for _, tc := range []struct {
		text     string
		ok       bool
		min, max float64
		unit     string
	}{
		{"2 000 € à 2 500 € bruts mensuels", true, 2000, 2500, "MONTH"},
		{"Entre 32 k€ et 38 k€ par an", true, 32000, 38000, "YEAR"},
		{"2\u202f300,50 euros brut par mois", true, 2300.5, 2300.5, "MONTH"},
		{"de 38.000 à 45.000 € selon expérience", true, 38000, 45000, "YEAR"},
		{"15,50 € de l'heure", true, 15.5, 15.5, "HOUR"},
		{"Selon la grille indiciaire du corps", false, 0, 0, ""},
		{"Indice majoré 390 à 450", false, 0, 0, ""},
		{"", false, 0, 0, ""},
	} {
		r, ok := vivier.ParseSalaryRange(tc.text)
		if ok != tc.ok || r.Min != tc.min || r.Max != tc.max || r.Unit != tc.unit {
			t.Errorf("%q: got %+v %v, want %v %v %v %s", tc.text, r, ok, tc.ok, tc.min, tc.max, tc.unit)
		}
	}
}
