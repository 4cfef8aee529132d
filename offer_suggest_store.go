package vivier

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/lib/pq"
)

// Suggestions from a CV: the CV's text (never stored) is reduced to the
// French stems it uses most, and published offers are ranked by how many of
// them they match, weighted as the search weighs title, employer and text.

// CVTerms returns the n stems of text that say most about it: the most
// frequent ones that the French configuration does not drop as stop words.
func (s *Store) CVTerms(ctx context.Context, text string, n int) ([]CVTerm, error) {
	counts := map[string]int{}
	var order []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len([]rune(w)) < 3 || len(order) >= maxCVWords {
			continue
		}
		if counts[w] == 0 {
			order = append(order, w)
		}
		counts[w]++
	}
	if len(order) == 0 {
		return nil, nil
	}
	var rows []struct {
		Word   string `db:"word"`
		Lexeme string `db:"lexeme"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT w AS word, l.lexeme FROM unnest($1::text[]) w, unnest(to_tsvector('french_unaccent', w)) l`, pq.Array(order))
	if err != nil {
		return nil, wrap("CVTerms", err)
	}
	byLexeme := map[string]*CVTerm{}
	best := map[string]int{}
	for _, r := range rows {
		t := byLexeme[r.Lexeme]
		if t == nil {
			t = &CVTerm{Lexeme: r.Lexeme}
			byLexeme[r.Lexeme] = t
		}
		t.Count += counts[r.Word]
		if counts[r.Word] > best[r.Lexeme] {
			best[r.Lexeme], t.Word = counts[r.Word], r.Word
		}
	}
	terms := make([]CVTerm, 0, len(byLexeme))
	for _, t := range byLexeme {
		terms = append(terms, *t)
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].Count != terms[j].Count {
			return terms[i].Count > terms[j].Count
		}
		return terms[i].Lexeme < terms[j].Lexeme
	})
	if len(terms) > n {
		terms = terms[:n]
	}
	return terms, nil
}

// SuggestOffers ranks the published offers that the search q lets through
// by how well they match terms, best first.
func (s *Store) SuggestOffers(ctx context.Context, q OfferSearch, terms []CVTerm, limit int) ([]Suggestion, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	q.Q = "" // the CV is the query
	where, args := q.where()
	lexemes := make([]string, len(terms))
	quoted := make([]string, len(terms))
	words := map[string]string{}
	for i, t := range terms {
		lexemes[i] = t.Lexeme
		quoted[i] = "'" + strings.ReplaceAll(t.Lexeme, "'", "''") + "'"
		words[t.Lexeme] = t.Word
	}
	args = append(args, strings.Join(quoted, " | "), pq.Array(lexemes), limit)
	n := len(args)
	var out []Suggestion
	err := s.db.SelectContext(ctx, &out, fmt.Sprintf(`
		SELECT o.id, o.title, o.kind, a.name AS administration_name,
			ARRAY(SELECT l FROM unnest($%[2]d::text[]) l WHERE o.search @@ l::tsquery) AS matched
		FROM offers o JOIN administrations a ON a.id = o.administration_id
		WHERE %[4]s AND o.search @@ $%[1]d::tsquery
		ORDER BY ts_rank(o.search, $%[1]d::tsquery) DESC, o.published_at DESC, o.id
		LIMIT $%[3]d`, n-2, n-1, n, where), args...)
	if err != nil {
		return nil, wrap("SuggestOffers", err)
	}
	for i := range out {
		for _, l := range out[i].Lexemes {
			out[i].Words = append(out[i].Words, words[l])
		}
	}
	return out, nil
}
