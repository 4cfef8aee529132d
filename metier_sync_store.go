package vivier

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// SyncMetiers brings the métiers of source (MetierINGRES or MetierImport) to
// items, in one transaction: a new code is added, a known one takes the
// item's labels, family and definition (its id stays, and so do the offers
// that name it), and one retired before is offered again. With retire (a
// full list, as INGRES gives), the métiers of that source it no longer lists
// are retired: they stay on the offers that name them, no longer offered.
// Métiers typed by hand are never touched. An unknown domaine fonctionnel is
// added with the item's label. Items that fail their checks are left out
// and listed; a list with none valid changes nothing, since an empty answer
// must not retire the whole referential.
func (s *Store) SyncMetiers(ctx context.Context, source string, items []RMFPMetier, retire bool, actor Actor) (MetierSync, error) {
	var res MetierSync
	if source != MetierINGRES && source != MetierImport {
		return res, Errorf(EINVALID, "Source de métiers inconnue.")
	}
	seen := map[string]bool{}
	valid := items[:0:0]
	for _, m := range items {
		if why, ok := m.clean(); !ok {
			res.Rejected = append(res.Rejected, fmt.Sprintf("%s : %s", m.Code, why))
			continue
		}
		if seen[m.Code] {
			res.Rejected = append(res.Rejected, fmt.Sprintf("%s : code en double", m.Code))
			continue
		}
		seen[m.Code] = true
		valid = append(valid, m)
	}
	if len(valid) == 0 {
		return res, Errorf(EINVALID, "La liste ne contient aucun métier valable : le référentiel n'a pas changé.")
	}
	now := time.Now()
	err := s.inTx(ctx, "SyncMetiers", func(tx *sqlx.Tx) error {
		res.Created, res.Updated, res.Retired, res.Reactivated, res.Unchanged = 0, 0, 0, 0, 0
		for _, m := range valid {
			if err := syncDomaine(ctx, tx, m); err != nil {
				return err
			}
			if err := syncMetier(ctx, tx, source, m, now, &res); err != nil {
				return err
			}
		}
		if retire {
			var retired []string
			if err := tx.SelectContext(ctx, &retired, `UPDATE metiers SET active = false, retired_at = $3, synced_at = $3
				WHERE source = $1 AND active AND code <> ALL($2) RETURNING code`, source, pq.Array(slices.Collect(maps.Keys(seen))), now); err != nil {
				return err
			}
			res.Retired = len(retired)
		}
		if !res.Changed() {
			return nil
		}
		return insertAudit(ctx, tx, nil, actor, "metiers.synced", source, map[string]int{"ajoutés": res.Created,
			"modifiés": res.Updated, "retirés": res.Retired, "rétablis": res.Reactivated})
	})
	return res, err
}

func syncDomaine(ctx context.Context, tx *sqlx.Tx, m RMFPMetier) error {
	label := m.DomaineLabel
	if label == "" {
		label = m.DomaineCode
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO domaines_fonctionnels (code, label) VALUES ($1, $2)
		ON CONFLICT (code) DO NOTHING`, m.DomaineCode, label)
	return err
}

// syncMetier writes one item and counts what it did. A code typed by hand
// before the referential listed it becomes the source's: the list is the
// authority on its codes.
func syncMetier(ctx context.Context, tx *sqlx.Tx, source string, m RMFPMetier, now time.Time, res *MetierSync) error {
	var before struct {
		ID      int64 `db:"id"`
		Retired bool  `db:"retired"`
		Same    bool  `db:"same"`
	}
	err := tx.GetContext(ctx, &before, `SELECT id, retired_at IS NOT NULL AS retired, (label, label_long, domaine_code, family_code, family_label, definition, versants, source)
		IS NOT DISTINCT FROM ($2, $3, $4, $5, $6, $7, $8::text[], $9) AS same FROM metiers WHERE code = $1 FOR UPDATE`,
		m.Code, m.Label, m.LabelLong, m.DomaineCode, m.FamilyCode, m.FamilyLabel, m.Definition, pq.Array(m.Versants), source)
	if ErrorCode(wrap("", err)) == ENOTFOUND {
		_, err = tx.ExecContext(ctx, `INSERT INTO metiers (code, label, label_long, domaine_code, family_code, family_label,
			definition, versants, source, synced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			m.Code, m.Label, m.LabelLong, m.DomaineCode, m.FamilyCode, m.FamilyLabel, m.Definition, pq.Array(m.Versants), source, now)
		res.Created++
		return err
	}
	if err != nil {
		return err
	}
	switch {
	case before.Same && !before.Retired:
		res.Unchanged++
		_, err = tx.ExecContext(ctx, `UPDATE metiers SET synced_at = $2 WHERE id = $1`, before.ID, now)
		return err
	case before.Retired:
		res.Reactivated++
	default:
		res.Updated++
	}
	// A retired métier is offered again; one deactivated by hand stays so.
	_, err = tx.ExecContext(ctx, `UPDATE metiers SET label = $2, label_long = $3, domaine_code = $4, family_code = $5,
		family_label = $6, definition = $7, versants = $8, source = $9, synced_at = $10,
		active = active OR retired_at IS NOT NULL, retired_at = NULL WHERE id = $1`,
		before.ID, m.Label, m.LabelLong, m.DomaineCode, m.FamilyCode, m.FamilyLabel, m.Definition, pq.Array(m.Versants), source, now)
	return err
}
