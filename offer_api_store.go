package vivier

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// PushOffer creates or updates, by its source and reference, an offer sent
// by an information system (the offers API), and publishes it as its dates
// say: a publication start in the past publishes it, one to come schedules
// it, unless it must be validated first: it then waits in pending (and an
// edit of a published offer's substantive content sends it back there). A
// published or closed offer keeps its status; an archived one is no
// longer changed. Field names in errors are CSPLab's, the caller's
// vocabulary. created reports whether the offer is new.
func (s *Store) PushOffer(ctx context.Context, adminID int64, o *Offer, metierCode string, actor Actor) (created bool, err error) {
	if err := o.Validate(); err != nil {
		return false, err
	}
	if o.PublishAt == nil || o.EndAt == nil {
		return false, FieldError("publication", "Les dates de début et de fin de publication sont obligatoires.")
	}
	if !o.EndAt.After(s.now()) {
		return false, FieldError("publication.fin_publication", "La date de fin de publication est déjà passée.")
	}
	err = s.inTx(ctx, "PushOffer", func(tx *sqlx.Tx) error {
		// Two pushes of the same new reference at once must not both
		// insert: they wait for each other here.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`,
			fmt.Sprintf("offer:%d:%s:%s", adminID, o.Source, o.Reference)); err != nil {
			return err
		}
		if err := resolveReferences(ctx, tx, o, metierCode); err != nil {
			return err
		}
		if err := resolvePlaces(ctx, tx, o); err != nil {
			return err
		}
		var cur struct {
			ID       int64       `db:"id"`
			Status   OfferStatus `db:"status"`
			Internal bool        `db:"open_to_internal"`
			Reserved bool        `db:"reserved_to_agents"`
		}
		err := tx.GetContext(ctx, &cur, `SELECT id, status, open_to_internal, reserved_to_agents FROM offers
			WHERE administration_id = $1 AND source = $2 AND reference = $3 FOR UPDATE`, adminID, o.Source, o.Reference)
		if err == nil {
			// CSPLab's offer has no field for internal mobility: a push
			// keeps what the recruiters set in the form.
			o.OpenToInternal, o.ReservedToAgents = cur.Internal, cur.Reserved
		}
		args, aerr := offerArgs(o)
		if aerr != nil {
			return aerr
		}
		switch {
		case ErrorCode(wrap("", err)) == ENOTFOUND:
			created, cur.Status = true, OfferDraft
			if err := insertOffer(ctx, tx, adminID, o, args); err != nil {
				return err
			}
		case err != nil:
			return err
		case cur.Status == OfferArchived:
			return FieldError("identification.reference", "Cette offre est archivée : elle ne peut plus être modifiée.")
		default:
			o.ID = cur.ID
			if err := updateOffer(ctx, tx, adminID, o, args, actor); err != nil {
				return err
			}
			cur.Status = o.Status // pending, if the edit sent it back to validation
		}
		action := map[bool]string{true: "offer.created", false: "offer.updated"}[created]
		if err := insertAudit(ctx, tx, &adminID, actor, action, o.Reference, map[string]string{"intitulé": o.Title}); err != nil {
			return err
		}
		to := cur.Status
		if to == OfferDraft || to == OfferScheduled {
			to = OfferScheduled
			if !o.PublishAt.After(s.now()) {
				to = OfferPublished
			}
		}
		if cur.Status == OfferDraft || cur.Status == OfferScheduled {
			// What must be validated waits for it, with its reference.
			validator, must, err := mustSubmit(ctx, tx, adminID, o.ID)
			if err != nil {
				return err
			}
			if must {
				if err := submitOffer(ctx, tx, adminID, o.ID, validator, StepSubmitted, o.Reference, actor); err != nil {
					return err
				}
				return readOffer(ctx, tx, adminID, o)
			}
		}
		if to != cur.Status {
			if err := setOfferStatus(ctx, tx, o.ID, to); err != nil {
				return err
			}
			if err := insertAudit(ctx, tx, &adminID, actor, "offer."+string(to), o.Reference, nil); err != nil {
				return err
			}
		}
		if err := queueCSP(ctx, tx, adminID, o.ID); err != nil {
			return err
		}
		return readOffer(ctx, tx, adminID, o)
	})
	return created, err
}

// resolveReferences checks the codes of the RMFP and of the départements
// against Vivier's tables, links the métier when Vivier knows it (the list
// of métiers is not complete: an unknown one is not an error), and fills
// each location's région from its département.
func resolveReferences(ctx context.Context, tx *sqlx.Tx, o *Offer, metierCode string) error {
	if o.DomaineCode != nil {
		var ok bool
		if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM domaines_fonctionnels WHERE code = $1)`, *o.DomaineCode); err != nil {
			return err
		}
		if !ok {
			return FieldError("profession.domaine", fmt.Sprintf("Le domaine fonctionnel « %s » n'existe pas dans le RMFP.", *o.DomaineCode))
		}
	}
	o.MetierID = nil
	if metierCode != "" {
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `SELECT id FROM metiers WHERE code = $1`, metierCode); err != nil {
			return err
		}
		if len(ids) == 1 {
			o.MetierID = &ids[0]
		}
	}
	for i := range o.Locations {
		l := &o.Locations[i]
		if l.Departement == "" {
			continue
		}
		var regions []string
		if err := tx.SelectContext(ctx, &regions, `SELECT region_code FROM departements WHERE code = $1`, l.Departement); err != nil {
			return err
		}
		if len(regions) == 0 {
			return FieldError("localisation.departement", fmt.Sprintf("Le département « %s » est inconnu.", l.Departement))
		}
		if l.Region == "" {
			l.Region = regions[0]
		}
	}
	return nil
}

func readOffer(ctx context.Context, tx *sqlx.Tx, adminID int64, o *Offer) error {
	var row offerRow
	if err := tx.GetContext(ctx, &row, `SELECT `+offerColumns+` FROM offers WHERE id = $1 AND administration_id = $2`,
		o.ID, adminID); err != nil {
		return err
	}
	read, err := row.offer()
	if err != nil {
		return err
	}
	*o = *read
	return nil
}

// OfferByReference returns the administration's offer of that source and
// reference.
func (s *Store) OfferByReference(ctx context.Context, adminID int64, source, reference string) (*Offer, error) {
	var row offerRow
	err := s.db.GetContext(ctx, &row, `SELECT `+offerColumns+` FROM offers
		WHERE administration_id = $1 AND source = $2 AND reference = $3`, adminID, source, reference)
	if ErrorCode(wrap("", err)) == ENOTFOUND {
		return nil, Errorf(ENOTFOUND, "Aucune offre de votre administration ne porte la référence « %s ».", reference)
	}
	if err != nil {
		return nil, wrap("OfferByReference", err)
	}
	return row.offer()
}

// OffersAfter lists the administration's offers by id, those after the id
// given (0 for the first page); status "" lists them all. Paging by id
// stays stable while offers are added.
func (s *Store) OffersAfter(ctx context.Context, adminID int64, status OfferStatus, after int64, limit int) ([]Offer, error) {
	var rows []offerRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+offerColumns+` FROM offers
		WHERE administration_id = $1 AND ($2 = '' OR status = $2) AND id > $3 ORDER BY id LIMIT $4`,
		adminID, string(status), after, limit)
	if err != nil {
		return nil, wrap("OffersAfter", err)
	}
	return offersOf(rows)
}

// PublishedOffersAfter lists the published offers of every administration
// (the open-data feed) by publication time then id, those after the given
// pair (a zero time for the first page). New publications come last, so
// that paging on is stable while offers are published.
func (s *Store) PublishedOffersAfter(ctx context.Context, at time.Time, id int64, limit int) ([]Offer, error) {
	var rows []offerRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+offerColumns+` FROM offers
		WHERE status = 'published' AND ($1::timestamptz IS NULL OR (published_at, id) > ($1, $2))
		ORDER BY published_at, id LIMIT $3`, nullTime(at), id, limit)
	if err != nil {
		return nil, wrap("PublishedOffersAfter", err)
	}
	return offersOf(rows)
}

// MetierCodes returns the RMFP codes of the métiers of these offers, by
// métier id.
func (s *Store) MetierCodes(ctx context.Context, offers []Offer) (map[int64]string, error) {
	var ids []int64
	for _, o := range offers {
		if o.MetierID != nil {
			ids = append(ids, *o.MetierID)
		}
	}
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT id, coalesce(code, '') AS code FROM metiers WHERE id = ANY($1)`, pq.Int64Array(ids))
	for _, r := range rows {
		out[r.ID] = r.Code
	}
	return out, wrap("MetierCodes", err)
}

// CloseOfferByReference stops an offer of the administration, found by its
// source and reference: a published offer is closed, a scheduled one goes
// back to draft (it will not appear), and so does one waiting for its
// validation (withdrawn, as its author may: a validator will not publish
// it); for the others it changes nothing, so that an information system may
// send the same request twice.
func (s *Store) CloseOfferByReference(ctx context.Context, adminID int64, source, reference string, actor Actor) (*Offer, error) {
	o := &Offer{}
	err := s.inTx(ctx, "CloseOfferByReference", func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, o, `SELECT id, status FROM offers
			WHERE administration_id = $1 AND source = $2 AND reference = $3 FOR UPDATE`, adminID, source, reference)
		if ErrorCode(wrap("", err)) == ENOTFOUND {
			return Errorf(ENOTFOUND, "Aucune offre de votre administration ne porte la référence « %s ».", reference)
		}
		if err != nil {
			return err
		}
		to := map[OfferStatus]OfferStatus{OfferPublished: OfferClosed, OfferScheduled: OfferDraft, OfferPending: OfferDraft}[o.Status]
		if to != "" {
			if err := setOfferStatus(ctx, tx, o.ID, to); err != nil {
				return err
			}
			if err := insertAudit(ctx, tx, &adminID, actor, "offer."+string(to), reference,
				map[string]string{"avant": string(o.Status), "après": string(to)}); err != nil {
				return err
			}
			if err := queueCSP(ctx, tx, adminID, o.ID); err != nil {
				return err
			}
		}
		return readOffer(ctx, tx, adminID, o)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}
