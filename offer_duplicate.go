package vivier

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// DuplicateOffer copies an offer of the administration into a new draft: the
// title says it is a copy, the reference gets a suffix that no other offer
// of the administration has, and the publication dates are left for the
// recruiter to set, so that the copy never publishes or closes by itself.
func (s *Store) DuplicateOffer(ctx context.Context, adminID, id int64, actor Actor) (*Offer, error) {
	src, err := s.OfferByID(ctx, adminID, id)
	if err != nil {
		return nil, err
	}
	skills, err := s.OfferCompetences(ctx, adminID, id)
	if err != nil {
		return nil, err
	}
	o := *src
	o.ID, o.Status, o.Source = 0, OfferDraft, "vivier"
	o.PublishAt, o.EndAt, o.ApplicationDeadline, o.VacancyStart, o.PublishedAt, o.ClosedAt = nil, nil, nil, nil, nil, nil
	o.Title = truncate("Copie de "+src.Title, 150)
	o.CompetenceIDs = []int64{}
	for _, c := range skills {
		o.CompetenceIDs = append(o.CompetenceIDs, c.ID)
	}
	base := cutBytes(src.Reference, 90)
	err = s.inTx(ctx, "DuplicateOffer", func(tx *sqlx.Tx) error {
		var taken []string
		if err := tx.SelectContext(ctx, &taken, `SELECT reference FROM offers WHERE administration_id = $1 AND source = 'vivier'
			AND left(reference, length($2)) = $2`, adminID, base); err != nil {
			return err
		}
		o.Reference = freeReference(base, taken)
		if err := o.Validate(); err != nil {
			return err
		}
		if err := createOffer(ctx, tx, adminID, &o, actor); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "offer.duplicated", o.Reference, map[string]string{"copie de": src.Reference})
	})
	if err != nil {
		return nil, err
	}
	return &o, nil
}

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
