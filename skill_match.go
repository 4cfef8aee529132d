package vivier

import (
	"sort"
	"strings"
	"unicode"
)

// SkillMatcher recognises the referential's skills in a text (a CV, an
// offer): each skill's label and synonyms, as whole words, without regard
// to case, accents, punctuation or a plural "s". It is built once from the
// referential and is safe for concurrent use.
type SkillMatcher struct {
	skills  []Competence
	phrases map[string][]skillPhrase // by first word
}

type skillPhrase struct {
	words []string
	skill int // index in skills
	term  string
}

// SkillHit is a skill found in a text: the term that named it first, and
// how many times its terms occur.
type SkillHit struct {
	Competence
	Term  string
	Count int
}

// NewSkillMatcher prepares the active skills' labels and synonyms. A term
// of a single letter ("R", "C") is left out: it would match anywhere.
func NewSkillMatcher(skills []Competence) *SkillMatcher {
	m := &SkillMatcher{phrases: map[string][]skillPhrase{}}
	for _, c := range skills {
		if !c.Active {
			continue
		}
		m.skills = append(m.skills, c)
		i := len(m.skills) - 1
		seen := map[string]bool{}
		for _, term := range append([]string{c.Label}, c.Synonyms...) {
			words := matchWords(term)
			key := strings.Join(words, " ")
			if len(words) == 0 || (len(words) == 1 && len([]rune(words[0])) < 2) || seen[key] {
				continue
			}
			seen[key] = true
			m.phrases[words[0]] = append(m.phrases[words[0]], skillPhrase{words: words, skill: i, term: term})
		}
	}
	// The longest phrase first, so that "analyse de données" wins over "analyse".
	for k := range m.phrases {
		p := m.phrases[k]
		sort.SliceStable(p, func(a, b int) bool { return len(p[a].words) > len(p[b].words) })
	}
	return m
}

// Find returns the skills the text names, the most named first.
func (m *SkillMatcher) Find(text string) []SkillHit {
	words := matchWords(text)
	hits := map[int]*SkillHit{}
	var order []int
	for i := 0; i < len(words); {
		matched := 1
		// The longest phrase that starts here, and it alone.
		for _, p := range m.phrases[words[i]] {
			if !hasPhrase(words[i:], p.words) {
				continue
			}
			h, ok := hits[p.skill]
			if !ok {
				h = &SkillHit{Competence: m.skills[p.skill], Term: p.term}
				hits[p.skill] = h
				order = append(order, p.skill)
			}
			h.Count++
			matched = len(p.words)
			break
		}
		i += matched
	}
	out := make([]SkillHit, 0, len(order))
	for _, i := range order {
		out = append(out, *hits[i])
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Count > out[b].Count })
	return out
}

func hasPhrase(words, phrase []string) bool {
	if len(words) < len(phrase) {
		return false
	}
	for i, w := range phrase {
		if words[i] != w {
			return false
		}
	}
	return true
}

// matchWords folds a text to the words matching compares: lower case
// without accents, split on anything but letters and digits ("CI/CD" and
// "ci cd" alike; "d'État" gives "d", "etat"), a final "s" dropped from
// words of more than three letters.
func matchWords(text string) []string {
	words := strings.FieldsFunc(fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for i, w := range words {
		if len(w) > 3 && strings.HasSuffix(w, "s") {
			words[i] = w[:len(w)-1]
		}
	}
	return words
}
