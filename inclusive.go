package vivier

import (
	"regexp"
	"strings"
)

// inclusiveRE finds words in French inclusive spelling: "Infirmier·ère",
// "Chargé·e·s", "Développeur.se".
var inclusiveRE = regexp.MustCompile(`([\p{L}]+)[·•.]([\p{L}]+)(?:[·•.]s)?`)

// InclusiveForms returns the feminine forms spelt out of a text's inclusive
// words ("Infirmier·ère" gives "Infirmière"), for the search index: the
// French stemmer does not reduce "infirmière" and "infirmier" to one stem once
// accents are gone, so both forms must be indexed.
func InclusiveForms(text string) string {
	var out []string
	for _, m := range inclusiveRE.FindAllStringSubmatch(text, -1) {
		if f := feminine(m[1], m[2]); f != "" {
			out = append(out, f)
		}
	}
	return strings.Join(out, " ")
}

func feminine(base, suffix string) string {
	lower := strings.ToLower(suffix)
	switch {
	case lower == "e" || lower == "ne" || lower == "le" || lower == "te" || lower == "ve" || lower == "fe":
		return base + suffix // chargé·e, technicien·ne
	case lower == "rice" && strings.HasSuffix(base, "eur"):
		return strings.TrimSuffix(base, "eur") + suffix // directeur·rice
	case lower == "se" && strings.HasSuffix(base, "r"):
		return strings.TrimSuffix(base, "r") + suffix // développeur·se
	case (lower == "ère" || lower == "ere") && strings.HasSuffix(strings.ToLower(base), "er"):
		return base[:len(base)-2] + suffix // infirmier·ère
	case lower == "euse" && strings.HasSuffix(base, "eur"):
		return strings.TrimSuffix(base, "eur") + suffix
	}
	return ""
}
