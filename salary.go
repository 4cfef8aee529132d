package vivier

import (
	"regexp"
	"strconv"
	"strings"
)

// SalaryRange is the pay an offer's free text announces, in euros, as
// schema.org's MonetaryAmount wants it.
type SalaryRange struct {
	Min, Max float64
	Unit     string // schema.org unitText: HOUR, DAY, WEEK, MONTH or YEAR
}

var (
	// An amount in French writing: 2 000, 2.000, 2000,50, 32k, 32 k€.
	salaryAmountRE = regexp.MustCompile(`(\d{1,3}(?:[ \x{00a0}\x{202f}.]\d{3})+|\d+)(?:,(\d{1,2}))?\s*([kK](?:€|\b|\s))?`)
	salaryEuroRE   = regexp.MustCompile(`(?i)€|\beur(?:os?)?\b`)
	salaryUnits    = []struct {
		re   *regexp.Regexp
		unit string
	}{
		{regexp.MustCompile(`(?i)\b(?:heure|horaire)s?\b|/\s*h\b`), "HOUR"},
		{regexp.MustCompile(`(?i)\b(?:jour|journali[eè]re?)s?\b`), "DAY"},
		{regexp.MustCompile(`(?i)\b(?:semaine|hebdomadaire)s?\b`), "WEEK"},
		{regexp.MustCompile(`(?i)\b(?:mois|mensuel(?:le)?s?)\b`), "MONTH"},
		{regexp.MustCompile(`(?i)\b(?:an|ans|année|annuel(?:le)?s?)\b`), "YEAR"},
	}
)

// ParseSalaryRange reads the pay in an offer's salary text: one amount or a
// range in euros ("2 000 € à 2 500 € bruts mensuels", "entre 32 k€ et
// 38 k€ par an"). Text without a euro sign ("selon la grille indiciaire",
// "indice majoré 390") gives nothing: an index is not an amount. Without a
// stated period, amounts above 10 000 € are yearly, below monthly.
func ParseSalaryRange(text string) (SalaryRange, bool) {
	if !salaryEuroRE.MatchString(text) {
		return SalaryRange{}, false
	}
	var amounts []float64
	for _, m := range salaryAmountRE.FindAllStringSubmatch(text, -1) {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, m[1])
		v, err := strconv.ParseFloat(digits, 64)
		if err != nil {
			continue
		}
		if m[2] != "" {
			cents, _ := strconv.ParseFloat("0."+m[2], 64)
			v += cents
		}
		if m[3] != "" {
			v *= 1000
		}
		if v > 0 {
			amounts = append(amounts, v)
		}
		if len(amounts) == 2 {
			break
		}
	}
	if len(amounts) == 0 {
		return SalaryRange{}, false
	}
	r := SalaryRange{Min: amounts[0], Max: amounts[0]}
	if len(amounts) == 2 {
		r.Min, r.Max = min(amounts[0], amounts[1]), max(amounts[0], amounts[1])
	}
	for _, u := range salaryUnits {
		if u.re.MatchString(text) {
			r.Unit = u.unit
			break
		}
	}
	if r.Unit == "" {
		r.Unit = "MONTH"
		if r.Min > 10000 {
			r.Unit = "YEAR"
		}
	}
	return r, true
}

// OfferSalary is the pay an offer announces, from the first of its salary
// texts that gives an amount: contractuels, titulaires, then a stage's
// gratification.
func OfferSalary(o *Offer) (SalaryRange, bool) {
	for _, t := range []string{o.Conditions.V.SalaryContractuel, o.Conditions.V.SalaryTitulaire, o.Details.V.Gratification} {
		if r, ok := ParseSalaryRange(t); ok {
			return r, true
		}
	}
	return SalaryRange{}, false
}
