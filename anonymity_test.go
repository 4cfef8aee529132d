package vivier

import (
	"regexp"
	"strings"
	"testing"
)

// TestRedactRemovesIdentity checks the redaction on the shapes a CV
// writes an identity in.
func TestRedactRemovesIdentity(t *testing.T) {
	t.Parallel()
	text := "Marie-Hélène de La TOUR\n8 bis, avenue Jean Jaurès 75019 Paris\nmh.delatour@mail.fr · +33 6 12 34 56 78 · 01.44.55.66.77\n" +
		"Née le 3 mars 1988 — www.mhdelatour.fr\nComptable publique, 10 ans d'expérience (2014-2024). Hélène aime le tennis. Lyon 69003."
	got := (&Mask{names: namesOf("Marie-Hélène", "de La Tour")}).Redact(text)
	for _, leak := range []string{"Marie", "Hélène", "TOUR", "Jaurès", "75019", "mh.delatour", "12 34 56 78", "44.55.66.77", "66.77", "69003", "1988", "mhdelatour"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q is left in %q", leak, got)
		}
	}
	for _, kept := range []string{"Comptable publique", "10 ans d'expérience (2014-2024)", "tennis"} {
		if !strings.Contains(got, kept) {
			t.Errorf("%q was removed from %q", kept, got)
		}
	}
	if regexp.MustCompile(`\[retiré\]`).FindAllStringIndex(got, -1) == nil {
		t.Errorf("nothing marked retired: %q", got)
	}
}
