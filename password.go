package vivier

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/ccojocar/zxcvbn-go/frequency"
)

// Password rules follow the ANSSI and NIST advice: a length, a check against
// passwords known to attackers, no composition rules.
const (
	PasswordMinLength = 12
	PasswordMaxLength = 128 // bounds the cost of hashing what a stranger sends
)

// frenchCommon adds to zxcvbn's (English) list what French users pick.
var frenchCommon = []string{"azerty", "azertyuiop", "motdepasse", "soleil", "bonjour", "doudou", "loulou",
	"chouchou", "jetaime", "marseille", "toulouse", "nicolas", "camille", "julien", "coucou", "france",
	"qsdfghjklm", "wxcvbn", "administrateur", "mairie", "ministere", "vivier"}

var commonPasswords = sync.OnceValue(func() map[string]bool {
	set := map[string]bool{}
	for _, p := range frequency.Lists["Passwords"].List {
		set[strings.ToLower(p)] = true
	}
	for _, p := range frenchCommon {
		set[p] = true
	}
	return set
})

// ValidatePassword checks a new password for the account email. Its errors
// are French and name the field "password".
func ValidatePassword(password, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < PasswordMinLength:
		return FieldError("password", "Le mot de passe doit compter au moins 12 caractères. Une phrase de quelques mots est plus facile à retenir.")
	case n > PasswordMaxLength:
		return FieldError("password", "Le mot de passe compte au plus 128 caractères.")
	}
	lower := strings.ToLower(password)
	base := strings.TrimRightFunc(lower, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	if commonPasswords()[lower] || commonPasswords()[base] || isRepetitive(lower) {
		return FieldError("password", "Ce mot de passe figure parmi les plus courants : choisissez-en un autre.")
	}
	if local, _, ok := strings.Cut(strings.ToLower(email), "@"); ok && len(local) >= 4 && strings.Contains(lower, local) {
		return FieldError("password", "Le mot de passe ne doit pas reprendre votre adresse électronique.")
	}
	return nil
}

// isRepetitive spots "aaaaaaaaaaaa" and "121212121212".
func isRepetitive(s string) bool {
	for size := 1; size <= 3; size++ {
		if len(s) > size && strings.Repeat(s[:size], len(s)/size+1)[:len(s)] == s {
			return true
		}
	}
	return false
}
