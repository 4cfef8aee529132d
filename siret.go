package vivier

import "strings"

// ParseSIRET normalises a SIRET (spaces removed) and checks it: 14 digits
// passing the Luhn check. La Poste's establishments (SIREN 356000000) follow
// their own rule, the sum of the digits being a multiple of 5.
func ParseSIRET(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '.' {
			return -1
		}
		return r
	}, s)
	if len(s) != 14 {
		return "", FieldError("siret", "Le SIRET compte 14 chiffres.")
	}
	sum, plain := 0, 0
	for i := 0; i < 14; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return "", FieldError("siret", "Le SIRET ne contient que des chiffres.")
		}
		d := int(c - '0')
		plain += d
		if i%2 == 0 { // from the right, every second digit is doubled
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if strings.HasPrefix(s, "356000000") {
		if plain%5 == 0 {
			return s, nil
		}
	} else if sum%10 == 0 {
		return s, nil
	}
	return "", FieldError("siret", "Ce SIRET n'est pas valide : vérifiez les chiffres saisis.")
}
