package vivier_test

import (
	"testing"
	"unicode"

	"vivier"
)

func TestParseSIRET(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"11000000000015":     "11000000000015",
		"110 000 000 000 15": "11000000000015",
		"35600000000001":     "35600000000001", // La Poste: digit sum multiple of 5
	} {
		got, err := vivier.ParseSIRET(in)
		if err != nil || got != want {
			t.Errorf("ParseSIRET(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1100000000001", "11000000000016", "1100000000001A", "110000000000150"} {
		if _, err := vivier.ParseSIRET(in); vivier.ErrorCode(err) != vivier.EINVALID {
			t.Errorf("ParseSIRET(%q) accepted", in)
		}
	}
}

func FuzzParseSIRET(f *testing.F) {
	for _, s := range []string{"11000000000015", "356 000 000 00001", "", "abc", "00000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := vivier.ParseSIRET(in)
		if err != nil {
			if vivier.ErrorCode(err) != vivier.EINVALID || vivier.ErrorMessage(err) == "" {
				t.Fatalf("error without a French message: %v", err)
			}
			return
		}
		if len(got) != 14 {
			t.Fatalf("accepted %q as %q", in, got)
		}
		for _, r := range got {
			if !unicode.IsDigit(r) {
				t.Fatalf("accepted %q as %q", in, got)
			}
		}
		// A valid SIRET stays valid once normalised.
		if again, err := vivier.ParseSIRET(got); err != nil || again != got {
			t.Fatalf("normalised %q does not parse again: %v", got, err)
		}
	})
}
