package vivier

import (
	"context"

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
		reserved := o.ReservedToAgents // a copy stays reserved
		o.ReserveToAgents = &reserved
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
