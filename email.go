package vivier

import (
	"net/mail"
	"strings"
)

// ParseEmail checks an email address typed in a form and returns it
// lowercased, without a display name.
func ParseEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(a.Address[strings.LastIndex(a.Address, "@"):], ".") {
		return "", FieldError("email", "Saisissez une adresse électronique valide, par exemple nom@domaine.fr.")
	}
	return strings.ToLower(a.Address), nil
}
