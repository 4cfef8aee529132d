package vivier

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Anonymised screening. An offer may screen anonymously until one of its
// administration's steps: before an application reaches it, reviewers read a
// pseudonym and a redacted text instead of who the person is. Whether an
// application is masked is decided in one place, the SQL function
// identity_masked (migration 00033), read through Store.IdentityMasks; what
// a masked application shows is built here, by Mask and its methods.

// Retired is what stands in the place of a removed piece of identity.
const Retired = "[retiré]"

// Pseudonym is how a masked application is named: its rank among its
// offer's applications, so that it stays the same on every page.
func Pseudonym(rank int) string { return "Candidat·e " + strconv.Itoa(rank) }

// Mask is what replaces a masked application's identity: its pseudonym, and
// the names to strip from what the person wrote.
type Mask struct {
	Pseudonym string
	names     []string
}

// IdentityMasks are the masked applications among those asked, by id; an
// application absent from it shows its identity.
type IdentityMasks map[int64]*Mask

// Of returns the mask of an application, nil when it is not masked.
func (m IdentityMasks) Of(id int64) *Mask { return m[id] }

// Names replaces a row's first and last names with the pseudonym when the
// application is masked, and says whether it did, so that the caller blanks
// the other fields it shows (email, phone).
func (m IdentityMasks) Names(id int64, first, last *string) bool {
	k := m[id]
	if k == nil {
		return false
	}
	*first, *last = k.Pseudonym, ""
	return true
}

// Identity blanks an identity: the pseudonym in the place of the names, no
// civility, no phone.
func (k *Mask) Identity(i *Identity) {
	*i = Identity{FirstName: k.Pseudonym}
}

// Redact removes from a text the names, email addresses, links, phone
// numbers, postal addresses and dates of birth it contains.
func (k *Mask) Redact(text string) string {
	if text == "" {
		return ""
	}
	for _, re := range redactions {
		text = re.ReplaceAllString(text, Retired)
	}
	for _, n := range k.names {
		text = redactWord(text, n)
	}
	return text
}

// redactions are the patterns removed from a masked text, in this order:
// an address or a link holds names, so they go first.
var redactions = []*regexp.Regexp{
	regexp.MustCompile(`(?i)[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+`),
	regexp.MustCompile(`(?i)\b(?:https?://|www\.)\S+`),
	regexp.MustCompile(`(?i)\b[\w-]+(?:\.[\w-]+)*\.(?:com|fr|net|org|io|eu|me|info|dev)(?:/\S*)?`),
	// Phone numbers: nine figures or more, with the usual separators.
	regexp.MustCompile(`(?:\+|\b)\d(?:[\s.()-]{0,2}\d){8,14}\b`),
	// Dates of birth: a full date (day, month, year), in figures or words;
	// experience on a CV is dated by month or year, and stays.
	regexp.MustCompile(`\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)?\d{2}\b`),
	regexp.MustCompile(`(?i)\b\d{1,2}(?:er)?\s+(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre)\s+(?:19|20)\d{2}\b`),
	regexp.MustCompile(`(?i)\b(?:âge|age)\s*:?\s*\d{2}\s*ans\b`),
	// Postal addresses: a street, then a postal code with its town.
	regexp.MustCompile(`(?i)\b\d{1,4}\s*(?:bis|ter)?,?\s+(?:rue|avenue|av\.|boulevard|bd|place|allée|allee|impasse|chemin|route|quai|cours|square|résidence|residence|lotissement|faubourg|hameau|lieu-dit)\b[^\n,]*`),
	regexp.MustCompile(`(?i)\b(?:rue|avenue|boulevard|impasse|allée|chemin|quai|lieu-dit)\s+(?:de\s+|du\s+|des\s+|d'|la\s+|le\s+)*[\p{L}'-]+(?:\s+[\p{L}'-]+){0,3}`),
	regexp.MustCompile(`\b(?:F-)?\d{5}\s+\p{Lu}[\p{L}' -]*`),
	regexp.MustCompile(`(?i)\b(?:BP|CS)\s*\d+|\bcedex\b`),
	regexp.MustCompile(`\b\d{5}\b`), // a postal code left alone
}

// redactWord removes a name wherever it stands as a word, whatever its case
// and accents.
func redactWord(text, name string) string {
	folded := fold(text)
	if utf8.RuneCountInString(folded) != utf8.RuneCountInString(text) {
		return regexp.MustCompile(`(?i)(^|[^\p{L}\p{N}])`+regexp.QuoteMeta(name)+`($|[^\p{L}\p{N}])`).
			ReplaceAllString(text, "${1}"+Retired+"${2}")
	}
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(fold(name)))
	src, dst := []rune(text), []rune(folded)
	var b strings.Builder
	last := 0
	for _, loc := range re.FindAllStringIndex(folded, -1) {
		start, end := utf8.RuneCountInString(folded[:loc[0]]), utf8.RuneCountInString(folded[:loc[1]])
		if start > 0 && isWordRune(dst[start-1]) || end < len(dst) && isWordRune(dst[end]) {
			continue
		}
		b.WriteString(string(src[last:start]))
		b.WriteString(Retired)
		last = end
	}
	b.WriteString(string(src[last:]))
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// fold lowercases and strips accents, one rune for one rune where it can:
// names, handles and slugs compare on it.
func fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return strings.ToLower(s)
	}
	return strings.ToLower(out)
}

// namesOf splits an identity's names into the words to strip from a text:
// "Marie-Hélène de La Tour" gives Marie-Hélène, Marie, Hélène, Tour...;
// particles of two letters or fewer stay, as in any text.
func namesOf(first, last string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(w string) {
		w = strings.Trim(w, " .,'’")
		if utf8.RuneCountInString(w) < 3 || seen[fold(w)] {
			return
		}
		seen[fold(w)] = true
		out = append(out, w)
	}
	for _, full := range []string{first, last} {
		for _, w := range strings.Fields(full) {
			add(w)
			for _, part := range strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == '\'' || r == '’' }) {
				add(part)
			}
		}
	}
	// Longest first, so that "Marie-Hélène" goes before "Marie".
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Detail masks one application as its page shows it: the pseudonym for the
// names, no civility, email or phone, the files under their kind only, and
// what the person wrote without what names them.
func (k *Mask) Detail(d *ApplicationDetail) {
	k.Identity(&d.Identity)
	d.Candidate.Email = nil
	for i := range d.Files {
		f := &d.Files[i]
		f.Name, f.Text = map[string]string{"cv": "CV", "lettre": "Lettre"}[f.Kind], k.Redact(f.Text)
		if f.Name == "" {
			f.Name = "Document"
		}
	}
	d.LetterText = k.Redact(d.LetterText)
	answers := map[string]string{}
	for q, a := range d.Answers.V {
		answers[q] = k.Redact(a)
	}
	d.Answers.V = answers
}
