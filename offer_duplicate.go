package vivier

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// freeReference returns base with the first "-copie", "-copie-2"… suffix not
// in taken.
func freeReference(base string, taken []string) string {
	used := map[string]bool{}
	for _, t := range taken {
		used[t] = true
	}
	for n := 1; ; n++ {
		suffix := "-copie"
		if n > 1 {
			suffix = fmt.Sprintf("-copie-%d", n)
		}
		if c := base + suffix; !used[c] {
			return c
		}
	}
}

// cutBytes cuts s to at most n bytes on a rune boundary, so that a suffix
// still fits the 100 bytes of a reference.
func cutBytes(s string, n int) string {
	for len(s) > n {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n-1])) + "…"
}
