package vivier

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// TransferOffers lists the administration's offers an application may move
// to: the published ones, but not the one it is on. The choice shows only
// their title and reference: reading whole offers (texts, blocks) for a
// few hundred of them cost more than the rest of the application's page.
func (s *Store) TransferOffers(ctx context.Context, adminID int64, except *int64) ([]Offer, error) {
	out := []Offer{}
	err := s.db.SelectContext(ctx, &out, `SELECT id, administration_id, status, reference, title FROM offers
		WHERE administration_id = $1 AND status = 'published' AND id IS DISTINCT FROM $2
		ORDER BY updated_at DESC, id DESC LIMIT 500`, adminID, except)
	return out, wrap("TransferOffers", err)
}

func openApplication(ctx context.Context, tx *sqlx.Tx, adminID, appID int64) (*Application, error) {
	a, err := lockApplication(ctx, tx, adminID, appID)
	if err != nil {
		return nil, err
	}
	if a.Category != CategoryNew && a.Category != CategoryReview {
		return nil, Errorf(ECONFLICT, "Seule une candidature en attente (reçue ou en cours d'examen) peut être transférée : celle-ci est %s.",
			StatusLabel(a.Category, false))
	}
	return a, nil
}

// TransferToOffer moves an application to another offer of the
// administration; it keeps its step.
func (s *Store) TransferToOffer(ctx context.Context, adminID, appID, offerID int64, actor Actor) error {
	return s.inTx(ctx, "TransferToOffer", func(tx *sqlx.Tx) error {
		a, err := openApplication(ctx, tx, adminID, appID)
		if err != nil {
			return err
		}
		if a.OfferID != nil && *a.OfferID == offerID {
			return FieldError("offer", "La candidature est déjà sur cette offre : choisissez-en une autre.")
		}
		var to, from string
		err = tx.GetContext(ctx, &to, `SELECT title FROM offers WHERE id = $1 AND administration_id = $2 AND status = 'published'`,
			offerID, adminID)
		if errors.Is(err, sql.ErrNoRows) {
			return FieldError("offer", "Choisissez une offre publiée de votre administration.")
		}
		if err != nil {
			return err
		}
		from = "candidature spontanée"
		if a.OfferID != nil {
			if err := tx.GetContext(ctx, &from, `SELECT title FROM offers WHERE id = $1`, *a.OfferID); err != nil {
				return err
			}
			from = "« " + from + " »"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET offer_id = $3, updated_at = now(), last_activity_at = now()
			WHERE id = $1 AND administration_id = $2`, a.ID, adminID, offerID); err != nil {
			var pe *pq.Error
			if errors.As(err, &pe) && pe.Constraint == "applications_once_per_offer" {
				return FieldError("offer", "Cette personne a déjà une candidature sur l'offre « "+to+" ».")
			}
			return err
		}
		reason := fmt.Sprintf("Transférée de %s vers l'offre « %s »", from, to)
		if err := insertNote(ctx, tx, a.ID, time.Time{}, actor.Email, reason); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "application.transferred", "candidature "+strconv.FormatInt(a.ID, 10),
			map[string]string{"vers l'offre": to})
	})
}

// TransferredFrom returns the origin of one of the administration's
// applications, ENOTFOUND when it was not transferred.
func (s *Store) TransferredFrom(ctx context.Context, adminID, appID int64) (*TransferOrigin, error) {
	var o TransferOrigin
	err := s.db.GetContext(ctx, &o, `SELECT ad.name AS administration_name, of.title AS offer_title
		FROM applications a JOIN applications src ON src.id = a.transferred_from
		JOIN administrations ad ON ad.id = src.administration_id LEFT JOIN offers of ON of.id = src.offer_id
		WHERE a.id = $1 AND a.administration_id = $2`, appID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Candidature non transférée.")
	}
	return &o, wrap("TransferredFrom", err)
}

// RecruitedElsewhere returns, among the given applications of the
// administration, those still pending whose candidate was recruited on
// another application of the same administration.
func (s *Store) RecruitedElsewhere(ctx context.Context, adminID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var flagged []int64
	err := s.db.SelectContext(ctx, &flagged, `SELECT a.id FROM applications a
		WHERE a.administration_id = $1 AND a.id = ANY($2) AND a.category IN ('nouvelle', 'en_cours')
		AND EXISTS (SELECT 1 FROM applications r WHERE r.candidate_id = a.candidate_id AND r.administration_id = $1
			AND r.category = 'acceptee' AND r.id <> a.id)`, adminID, pq.Array(ids))
	for _, id := range flagged {
		out[id] = true
	}
	return out, wrap("RecruitedElsewhere", err)
}
