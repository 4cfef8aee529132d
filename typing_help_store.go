package vivier

import (
	"context"
	"strings"
	"unicode/utf8"
)

// TypingHints lists what begins or contains what the visitor typed: métiers
// (the referential), words of the published offers' titles, employers with published offers, and communes (their
// name or postal code begins with it). places only: the communes alone.
// Each kind is read from an index (trigram on the métiers' labels, prefix
// on the communes); the employers with published offers are few.
func (s *Store) TypingHints(ctx context.Context, typed string, placesOnly bool, perKind int) ([]TypingHint, error) {
	typed = strings.Join(strings.Fields(typed), " ")
	out := []TypingHint{}
	if utf8.RuneCountInString(typed) < 2 || len(typed) > 100 {
		return out, nil
	}
	if !placesOnly {
		var rows []struct {
			Kind  string `db:"kind"`
			Label string `db:"label"`
		}
		err := s.db.SelectContext(ctx, &rows, `
			(SELECT 'metier' AS kind, label FROM metiers
			 WHERE lower(immutable_unaccent(label)) LIKE '%' || replace(replace(lower(immutable_unaccent($1)), '%', ''), '_', '') || '%'
			 ORDER BY lower(immutable_unaccent(label)) LIKE replace(replace(lower(immutable_unaccent($1)), '%', ''), '_', '') || '%' DESC,
			          length(label), label LIMIT $2)
			UNION ALL
			-- The words of published offers' titles (the lexicon of
			-- "Vouliez-vous dire…"), the most used first: they help where
			-- the métiers' referential says nothing of a title's word.
			(SELECT 'mot', word FROM search_words
			 WHERE plain LIKE replace(replace(lower(immutable_unaccent($1)), '%', ''), '_', '') || '%'
			 ORDER BY offers DESC, word LIMIT $2)
			UNION ALL
			(SELECT 'employeur', a.name FROM administrations a
			 WHERE lower(immutable_unaccent(a.name)) LIKE '%' || replace(replace(lower(immutable_unaccent($1)), '%', ''), '_', '') || '%'
			   AND EXISTS (SELECT 1 FROM offers o WHERE o.administration_id = a.id AND o.status = 'published')
			 ORDER BY length(a.name), a.name LIMIT $2)`, typed, perKind)
		if err != nil {
			return nil, wrap("TypingHints", err)
		}
		for _, r := range rows {
			out = append(out, TypingHint{Kind: r.Kind, Label: r.Label, Value: r.Label})
		}
	}
	communes, err := s.SuggestCommunes(ctx, typed, perKind)
	if err != nil {
		return nil, err
	}
	for _, c := range communes {
		out = append(out, TypingHint{Kind: "lieu", Label: c.Display(), Value: c.Display(), Code: c.Code})
	}
	return out, nil
}
