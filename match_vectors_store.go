package vivier

import (
	"context"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The offers' vectors, when an embeddings service is configured: the
// worker embeds each offer's text after each save (OffersToEmbed,
// SetOfferVectors) and the rankings compare them with a profile's in the
// process. The process keeps the vectors it has read and reads only those
// written since, so a ranking reads a few rows, not every vector.

// OfferText is an offer's text to embed.
type OfferText struct {
	ID        int64     `db:"id"`
	Text      string    `db:"text"`
	UpdatedAt time.Time `db:"updated_at"` // the version of the offer the text is
}

// OffersToEmbed lists up to limit published offers whose vector by model is
// missing or older than their last save, with the text to embed: title,
// mission, profile and skills asked, as a candidate would read them.
func (s *Store) OffersToEmbed(ctx context.Context, model string, limit int) ([]OfferText, error) {
	var out []OfferText
	err := s.db.SelectContext(ctx, &out, `SELECT o.id, o.updated_at,
			left(concat_ws(E'\n', o.title, o.long_title, o.mission, o.profile,
				(SELECT string_agg(x, ', ') FROM jsonb_array_elements_text(coalesce(o.criteria->'competences_requises', '[]')) x)), 8000) AS text
		FROM offers o JOIN offer_match m ON m.offer_id = o.id
		WHERE o.status = 'published' AND (m.embedded_for IS DISTINCT FROM o.updated_at OR m.embedding_model IS DISTINCT FROM $1)
		ORDER BY m.embedded_for IS NULL DESC, o.updated_at DESC LIMIT $2`, model, limit)
	return out, wrap("OffersToEmbed", err)
}

// SetOfferVectors keeps the vectors of the offers embedded at `at`, each
// with the version of the offer it was made from; a nil vector (a text the
// service refused) is kept as none, and not asked for again until the
// offer changes.
func (s *Store) SetOfferVectors(ctx context.Context, model string, at time.Time, offers []OfferText, vectors [][]float32) error {
	return s.inTx(ctx, "SetOfferVectors", func(tx *sqlx.Tx) error {
		for i, o := range offers {
			if _, err := tx.ExecContext(ctx, `UPDATE offer_match SET embedding = $2, embedding_model = $3, embedded_at = $4, embedded_for = $5
				WHERE offer_id = $1`, o.ID, pq.Array(vectors[i]), model, at, o.UpdatedAt); err != nil {
				return err
			}
		}
		return nil
	})
}

// vectorLateCommit is how long before the latest vector read the next read
// starts again: a worker's transaction may commit after another's that
// embedded later.
const vectorLateCommit = 5 * time.Minute

// vectorCache is the vectors read, by offer, for one model.
type vectorCache struct {
	mu    sync.Mutex
	model string
	read  time.Time // the latest embedded_at read
	byID  map[int64][]float32
}

// offerVectors returns the vectors of model, reading those written since
// the last call.
func (s *Store) offerVectors(ctx context.Context, model string) (map[int64][]float32, error) {
	c := &s.vectors
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.model != model || c.byID == nil {
		c.model, c.read, c.byID = model, time.Time{}, map[int64][]float32{}
	}
	var rows []struct {
		ID     int64           `db:"offer_id"`
		Vector pq.Float32Array `db:"embedding"`
		At     time.Time       `db:"embedded_at"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT offer_id, embedding, embedded_at FROM offer_match
		WHERE embedding_model = $1 AND embedded_at >= $2 ORDER BY embedded_at`, model, c.read.Add(-vectorLateCommit)); err != nil {
		return nil, wrap("offerVectors", err)
	}
	for _, r := range rows {
		c.byID[r.ID], c.read = r.Vector, r.At
	}
	// A copy of the map (not of the vectors, which are never changed in
	// place): the ranking reads it while another call may add to it.
	out := make(map[int64][]float32, len(c.byID))
	for id, v := range c.byID {
		out[id] = v
	}
	return out, nil
}
