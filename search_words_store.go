package vivier

import (
	"context"
	"strings"
	"unicode/utf8"
)

// searchWordsSQL lists the words of published offers' titles and of their
// inclusive forms, with how many offers use each.
const searchWordsSQL = `SELECT w, immutable_unaccent(w), count(DISTINCT id) FROM offers,
		regexp_split_to_table(lower(title || ' ' || search_extra), '[^[:alnum:]]+') w
	WHERE status = 'published' AND length(w) >= 3
	GROUP BY w`

// RefreshSearchWords rebuilds the lexicon of "Vouliez-vous dire…" from the
// published offers (the worker runs it every hour): one transaction, so a
// suggestion never reads a half-built lexicon.
func (s *Store) RefreshSearchWords(ctx context.Context) (int, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return 0, wrap("RefreshSearchWords", err)
	}
	defer rollback(tx)
	if _, err := tx.ExecContext(ctx, `DELETE FROM search_words`); err != nil {
		return 0, wrap("RefreshSearchWords", err)
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO search_words (word, plain, offers) `+searchWordsSQL)
	if err != nil {
		return 0, wrap("RefreshSearchWords", err)
	}
	n, _ := r.RowsAffected()
	return int(n), wrap("RefreshSearchWords", tx.Commit())
}

// EnsureSearchWords builds the lexicon when it is empty (a new database, a
// demo just seeded), so that "Vouliez-vous dire…" works before the first
// hourly maintenance; it returns how many words it wrote.
func (s *Store) EnsureSearchWords(ctx context.Context) (int, error) {
	var empty bool
	if err := s.db.GetContext(ctx, &empty, `SELECT NOT EXISTS (SELECT 1 FROM search_words)`); err != nil {
		return 0, wrap("EnsureSearchWords", err)
	}
	if !empty {
		return 0, nil
	}
	return s.RefreshSearchWords(ctx)
}

// minSuggestWord is the length from which a word of a query may be
// corrected: shorter ones have too few trigrams to be compared.
const minSuggestWord = 3

// SuggestQuery corrects a query that finds nothing ("Vouliez-vous dire…"):
// each word that no title uses is replaced by the title word most alike
// (trigram similarity, accents ignored; the most used one on a tie). It
// returns "" when nothing changed or when the corrected query, with the
// same filters, finds no offer either.
func (s *Store) SuggestQuery(ctx context.Context, q OfferSearch) (string, error) {
	words := strings.Fields(q.Q)
	changed := false
	for i, w := range words {
		word := strings.ToLower(strings.Trim(w, `"'-+()«»,.;:!?`))
		if utf8.RuneCountInString(word) < minSuggestWord || word != strings.ToLower(w) {
			continue // short, or with an operator or quotes: left as typed
		}
		var best []string
		err := s.db.SelectContext(ctx, &best, `SELECT CASE WHEN plain = immutable_unaccent($1) THEN '' ELSE word END
			FROM search_words
			WHERE plain = immutable_unaccent($1) OR plain % immutable_unaccent($1)
			ORDER BY plain = immutable_unaccent($1) DESC, similarity(plain, immutable_unaccent($1)) DESC, offers DESC, word
			LIMIT 1`, word)
		if err != nil {
			return "", wrap("SuggestQuery", err)
		}
		if len(best) == 1 && best[0] != "" {
			words[i], changed = best[0], true
		}
	}
	if !changed {
		return "", nil
	}
	fixed := strings.Join(words, " ")
	fq := q
	fq.Q, fq.fuzzy = fixed, false
	where, args := fq.where()
	var found bool
	if err := s.db.GetContext(ctx, &found, `SELECT EXISTS (SELECT 1 FROM offers o WHERE `+where+`)`, args...); err != nil {
		return "", wrap("SuggestQuery", err)
	}
	if !found {
		return "", nil
	}
	return fixed, nil
}
