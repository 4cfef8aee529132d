package vivier

import (
	"context"
	"strconv"
	"time"

	"github.com/lib/pq"
)

// OfferChangesAfter returns up to limit changes after the cursor, oldest
// first, and the cursor to resume from (the last change read, or after
// itself when there was none). A change of an offer that was never public
// (a draft edited) is read but not returned: it is nobody's business.
//
// The feed reads only changes whose transaction is older than the oldest
// transaction still running (pg_snapshot_xmin): one that started earlier
// but commits later would otherwise come with a position a reader has
// already passed. The price is a lag as long as the longest transaction.
func (s *Store) OfferChangesAfter(ctx context.Context, after ChangeCursor, limit int) ([]OfferChange, ChangeCursor, bool, error) {
	var rows []struct {
		OfferID     int64     `db:"offer_id"`
		XID         string    `db:"xid"`
		ChangedAt   time.Time `db:"changed_at"`
		State       string    `db:"state"`
		NeverPublic bool      `db:"never_public"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT c.offer_id, c.xid::text AS xid, c.changed_at,
			CASE WHEN o.id IS NULL OR c.deleted THEN 'supprimee'
				WHEN o.status = 'published' THEN 'publiee'
				WHEN o.status = 'closed' AND (o.validation_admin_id IS NULL OR o.validated_at IS NOT NULL) THEN 'cloturee'
				WHEN o.status IN ('pending', 'closed') THEN 'en_validation'
				WHEN o.status = 'archived' THEN 'archivee'
				ELSE 'depubliee' END AS state,
			o.id IS NOT NULL AND o.published_at IS NULL AS never_public
		FROM offer_changes c LEFT JOIN offers o ON o.id = c.offer_id
		WHERE (c.xid, c.offer_id) > ($1::text::xid8, $2) AND c.xid < pg_snapshot_xmin(pg_current_snapshot())
		ORDER BY c.xid, c.offer_id LIMIT $3`, strconv.FormatUint(after.XID, 10), after.OfferID, limit+1)
	if err != nil {
		return nil, after, false, wrap("OfferChangesAfter", err)
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	next := after
	var out []OfferChange
	var ids []int64
	for _, r := range rows {
		xid, err := strconv.ParseUint(r.XID, 10, 64)
		if err != nil {
			return nil, after, false, wrap("OfferChangesAfter", err)
		}
		next = ChangeCursor{XID: xid, OfferID: r.OfferID}
		if r.NeverPublic {
			continue
		}
		ch := OfferChange{OfferID: r.OfferID, Cursor: next, ChangedAt: r.ChangedAt}
		if r.State == OpenStatusPublished || r.State == OpenStatusClosed {
			ch.Status = r.State
			ids = append(ids, r.OfferID)
		} else {
			ch.Reason = r.State
		}
		out = append(out, ch)
	}
	if len(ids) == 0 {
		return out, next, more, nil
	}
	offers, err := s.openOffers(ctx, ids)
	if err != nil {
		return nil, after, false, err
	}
	for i := range out {
		if o, ok := offers[out[i].OfferID]; ok && out[i].Status != "" {
			out[i].Offer, out[i].Employer = o.offer, o.employer
		} else if out[i].Status != "" {
			// Deleted between the two reads: its own change follows.
			out[i].Status, out[i].Reason = "", "supprimee"
		}
	}
	return out, next, more, nil
}

type openOfferRow struct {
	offer    *Offer
	employer string
}

// openOffers reads these offers with their employer's name, by id.
func (s *Store) openOffers(ctx context.Context, ids []int64) (map[int64]openOfferRow, error) {
	var rows []struct {
		offerRow
		Employer string `db:"employer"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT `+prefixed("o.", offerColumns)+`, a.name AS employer
		FROM offers o JOIN administrations a ON a.id = o.administration_id WHERE o.id = ANY($1)`, pq.Int64Array(ids))
	if err != nil {
		return nil, wrap("openOffers", err)
	}
	out := make(map[int64]openOfferRow, len(rows))
	for i := range rows {
		o, err := rows[i].offerRow.offer()
		if err != nil {
			return nil, wrap("openOffers", err)
		}
		out[o.ID] = openOfferRow{offer: o, employer: rows[i].Employer}
	}
	return out, nil
}

// AdministrationNames returns the names of these administrations, by id.
func (s *Store) AdministrationNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	var rows []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT id, name FROM administrations WHERE id = ANY($1)`, pq.Int64Array(ids))
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, wrap("AdministrationNames", err)
}
