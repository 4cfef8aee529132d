package vivier

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Offers reserved to public agents: they are listed and searched publicly
// with their badge, but only an agent signed in to the mobility space
// applies (the public site checks it).

// ReservedOffers says which of the offers are reserved to public agents.
func (s *Store) ReservedOffers(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []int64
	err := s.db.SelectContext(ctx, &rows, `SELECT id FROM offers WHERE id = ANY ($1) AND reserved_to_agents`, pq.Int64Array(ids))
	for _, id := range rows {
		out[id] = true
	}
	return out, wrap("ReservedOffers", err)
}

// reserveImpliesInternal opens an offer being reserved to internal
// mobility, before its fields are written.
func reserveImpliesInternal(o *Offer) {
	if o.ReserveToAgents != nil && *o.ReserveToAgents {
		o.OpenToInternal = true
	}
}

// setOfferReserved writes the offer's reservation when the caller set one
// (nil leaves it as it is: the API does not carry it); reserving opens the
// offer to internal mobility.
func setOfferReserved(ctx context.Context, tx *sqlx.Tx, adminID int64, o *Offer) error {
	if o.ReserveToAgents == nil {
		_, err := tx.ExecContext(ctx, `UPDATE offers SET reserved_to_agents = false
			WHERE id = $1 AND administration_id = $2 AND reserved_to_agents AND NOT open_to_internal`, o.ID, adminID)
		if err == nil && !o.OpenToInternal {
			o.ReservedToAgents = false
		}
		return err
	}
	o.ReservedToAgents = *o.ReserveToAgents
	if o.ReservedToAgents {
		o.OpenToInternal = true
	}
	_, err := tx.ExecContext(ctx, `UPDATE offers SET reserved_to_agents = $3, open_to_internal = open_to_internal OR $3
		WHERE id = $1 AND administration_id = $2`, o.ID, adminID, o.ReservedToAgents)
	return err
}
