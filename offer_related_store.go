package vivier

import "context"

// RelatedOffers returns up to n other published offers: of the same
// domaine first, then of the same administration. Each branch reads an
// index in published order and stops at n, so the cost does not grow with
// the number of offers.
func (s *Store) RelatedOffers(ctx context.Context, o *Offer, n int) ([]RelatedOffer, error) {
	var out []RelatedOffer
	err := s.db.SelectContext(ctx, &out, `
		WITH same_domaine AS (
			SELECT id, title, kind, administration_id, 1 AS rank, published_at FROM offers
			WHERE $2::text IS NOT NULL AND domaine_code = $2 AND status = 'published' AND id <> $1
			ORDER BY published_at DESC LIMIT $4
		), same_administration AS (
			SELECT id, title, kind, administration_id, 2 AS rank, published_at FROM offers
			WHERE administration_id = $3 AND status = 'published' AND id <> $1
			ORDER BY published_at DESC LIMIT $4
		), both_ AS (
			SELECT DISTINCT ON (id) * FROM (SELECT * FROM same_domaine UNION ALL SELECT * FROM same_administration) u ORDER BY id, rank
		)
		SELECT b.id, b.title, b.kind, a.name AS administration_name FROM both_ b JOIN administrations a ON a.id = b.administration_id
		ORDER BY b.rank, b.published_at DESC LIMIT $4`, o.ID, o.DomaineCode, o.AdministrationID, n)
	return out, wrap("RelatedOffers", err)
}
