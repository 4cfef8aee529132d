package vivier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

const offerColumns = `id, administration_id, kind, status, reference, source, versant, title, long_title,
	organisation_name, organisation_siret, domaine_code, metier_id, categories, contract_type, contract_forms,
	post_vacant, mission, profile, employer_text, complements, locations, experience, workplace, management,
	open_to_internal, open_to_contractuals, reserved_to_agents, criteria, conditions, contacts, details, cv_policy, letter_policy,
	questions, publish_at, end_at, application_deadline, vacancy_start, published_at, closed_at, created_at, updated_at`

// offerRow scans an offer with its locations, stored as jsonb.
type offerRow struct {
	Offer
	LocationsJSON []byte `db:"locations"`
}

func (r *offerRow) offer() (*Offer, error) {
	o := r.Offer
	if err := json.Unmarshal(r.LocationsJSON, &o.Locations); err != nil {
		return nil, fmt.Errorf("offer %d locations: %w", o.ID, err)
	}
	return &o, nil
}

// offerArgs returns the column values written by create and update, with the
// region and département codes that search filters on, taken from the
// locations.
func offerArgs(o *Offer) ([]any, error) {
	locs := o.Locations
	if locs == nil {
		locs = []Location{}
	}
	lj, err := json.Marshal(locs)
	if err != nil {
		return nil, err
	}
	var regions, deps []string
	for _, l := range locs {
		if l.Region != "" {
			regions = append(regions, l.Region)
		}
		if l.Departement != "" {
			deps = append(deps, l.Departement)
		}
	}
	return []any{o.Kind, o.Reference, o.Source, o.Versant, o.Title, o.LongTitle, o.OrganisationName, o.OrganisationSIRET,
		o.DomaineCode, o.MetierID, stringArray(o.Categories), o.ContractType, stringArray(o.ContractForms), o.PostVacant, o.Mission, o.Profile,
		o.EmployerText, o.Complements, lj, stringArray(regions), stringArray(deps), o.Experience, o.Workplace, o.Management,
		o.OpenToInternal, o.OpenToContractuals, o.Criteria, o.Conditions, o.Contacts, o.Details,
		o.CVPolicy, o.LetterPolicy, o.Questions, o.PublishAt, o.EndAt, o.ApplicationDeadline, o.VacancyStart,
		InclusiveForms(o.Title + " " + o.Mission + " " + o.Profile)}, nil
}

func stringArray(s []string) any {
	if s == nil {
		s = []string{}
	}
	return pqArray(s)
}

// CreateOffer adds a draft offer to the administration.
func (s *Store) CreateOffer(ctx context.Context, adminID int64, o *Offer, actor Actor) error {
	if err := o.Validate(); err != nil {
		return err
	}
	reserveImpliesInternal(o)
	return s.inTx(ctx, "CreateOffer", func(tx *sqlx.Tx) error {
		return createOffer(ctx, tx, adminID, o, actor)
	})
}

// createOffer inserts a validated offer, its skills and its audit entry.
func createOffer(ctx context.Context, tx *sqlx.Tx, adminID int64, o *Offer, actor Actor) error {
	if err := resolvePlaces(ctx, tx, o); err != nil {
		return err
	}
	args, err := offerArgs(o)
	if err != nil {
		return err
	}
	ids, reserve := o.CompetenceIDs, o.ReserveToAgents
	if err := insertOffer(ctx, tx, adminID, o, args); err != nil {
		return err
	}
	o.CompetenceIDs, o.ReserveToAgents = ids, reserve
	if err := setOfferReserved(ctx, tx, adminID, o); err != nil {
		return err
	}
	if o.CompetenceIDs != nil {
		if err := setOfferCompetences(ctx, tx, o.ID, o.CompetenceIDs); err != nil {
			return err
		}
	}
	return insertAudit(ctx, tx, &adminID, actor, "offer.created", o.Reference, map[string]string{"intitulé": o.Title})
}

// UpdateOffer saves the offer's fields (not its status) within the
// administration.
func (s *Store) UpdateOffer(ctx context.Context, adminID int64, o *Offer, actor Actor) error {
	if err := o.Validate(); err != nil {
		return err
	}
	reserveImpliesInternal(o)
	return s.inTx(ctx, "UpdateOffer", func(tx *sqlx.Tx) error {
		if err := resolvePlaces(ctx, tx, o); err != nil {
			return err
		}
		args, err := offerArgs(o)
		if err != nil {
			return err
		}
		ids, reserve := o.CompetenceIDs, o.ReserveToAgents
		if err := updateOffer(ctx, tx, adminID, o, args, actor); err != nil {
			return err
		}
		o.CompetenceIDs, o.ReserveToAgents = ids, reserve
		if err := setOfferReserved(ctx, tx, adminID, o); err != nil {
			return err
		}
		if o.CompetenceIDs != nil {
			if err := setOfferCompetences(ctx, tx, o.ID, o.CompetenceIDs); err != nil {
				return err
			}
		}
		if err := queueCSP(ctx, tx, adminID, o.ID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "offer.updated", o.Reference, map[string]string{"intitulé": o.Title})
	})
}

// insertOffer adds o, as a draft, and reads it back.
func insertOffer(ctx context.Context, tx *sqlx.Tx, adminID int64, o *Offer, args []any) error {
	var row offerRow
	err := tx.GetContext(ctx, &row, `
		INSERT INTO offers (administration_id, kind, reference, source, versant, title, long_title, organisation_name,
			organisation_siret, domaine_code, metier_id, categories, contract_type, contract_forms, post_vacant, mission,
			profile, employer_text, complements, locations, region_codes, departement_codes, experience, workplace,
			management, open_to_internal, open_to_contractuals, criteria, conditions, contacts, details, cv_policy,
			letter_policy, questions, publish_at, end_at, application_deadline, vacancy_start, search_extra)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
			$23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39)
		RETURNING `+offerColumns, append([]any{adminID}, args...)...)
	if err != nil {
		return referenceTaken(err)
	}
	created, err := row.offer()
	if err != nil {
		return err
	}
	*o = *created
	return queueGeocode(ctx, tx, adminID, o)
}

// updateOffer saves o's fields and reads it back; a change of its
// substantive content sends it back to validation (sendBackIfChanged).
func updateOffer(ctx context.Context, tx *sqlx.Tx, adminID int64, o *Offer, args []any, actor Actor) error {
	before, err := substanceBefore(ctx, tx, adminID, o.ID)
	if err != nil {
		return err
	}
	var row offerRow
	err = tx.GetContext(ctx, &row, `
		UPDATE offers SET kind = $3, reference = $4, source = $5, versant = $6, title = $7, long_title = $8,
			organisation_name = $9, organisation_siret = $10, domaine_code = $11, metier_id = $12, categories = $13,
			contract_type = $14, contract_forms = $15, post_vacant = $16, mission = $17, profile = $18,
			employer_text = $19, complements = $20, locations = $21, region_codes = $22, departement_codes = $23,
			experience = $24, workplace = $25, management = $26, open_to_internal = $27, open_to_contractuals = $28,
			criteria = $29, conditions = $30, contacts = $31, details = $32, cv_policy = $33, letter_policy = $34,
			questions = $35, publish_at = $36, end_at = $37, application_deadline = $38, vacancy_start = $39,
			search_extra = $40, updated_at = now()
		WHERE id = $1 AND administration_id = $2
		RETURNING `+offerColumns, append([]any{o.ID, adminID}, args...)...)
	if err != nil {
		return referenceTaken(err)
	}
	updated, err := row.offer()
	if err != nil {
		return err
	}
	*o = *updated
	if _, err = sendBackIfChanged(ctx, tx, adminID, o, before, actor); err != nil {
		return err
	}
	return queueGeocode(ctx, tx, adminID, o)
}

// OfferByID returns an offer of the administration.
func (s *Store) OfferByID(ctx context.Context, adminID, id int64) (*Offer, error) {
	var row offerRow
	err := s.db.GetContext(ctx, &row, `SELECT `+offerColumns+` FROM offers WHERE id = $1 AND administration_id = $2`, id, adminID)
	if err != nil {
		return nil, wrap("OfferByID", err)
	}
	return row.offer()
}

// OffersOf lists the administration's offers, most recently changed first;
// status "" lists them all.
func (s *Store) OffersOf(ctx context.Context, adminID int64, status OfferStatus, limit int) ([]Offer, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var rows []offerRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+offerColumns+` FROM offers
		WHERE administration_id = $1 AND ($2 = '' OR status = $2) ORDER BY updated_at DESC, id DESC LIMIT $3`,
		adminID, string(status), limit)
	if err != nil {
		return nil, wrap("OffersOf", err)
	}
	out := make([]Offer, 0, len(rows))
	for i := range rows {
		o, err := rows[i].offer()
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, nil
}

// MoveOffer changes an offer's status following the status machine: a
// publication, a closing or an archiving is logged.
func (s *Store) MoveOffer(ctx context.Context, adminID, id int64, to OfferStatus, actor Actor) error {
	return s.inTx(ctx, "MoveOffer", func(tx *sqlx.Tx) error {
		var cur struct {
			Status    OfferStatus `db:"status"`
			Reference string      `db:"reference"`
			PublishAt *time.Time  `db:"publish_at"`
		}
		if err := tx.GetContext(ctx, &cur, `SELECT status, reference, publish_at FROM offers
			WHERE id = $1 AND administration_id = $2 FOR UPDATE`, id, adminID); err != nil {
			return err
		}
		if !CanMove(cur.Status, to) {
			return Errorf(EINVALID, "Cette offre ne peut pas passer de l'état « %s » à l'état « %s ».", cur.Status.Label(), to.Label())
		}
		if to == OfferScheduled && (cur.PublishAt == nil || !cur.PublishAt.After(s.now())) {
			return FieldError("publish_at", "Pour programmer la publication, indiquez une date de début de publication à venir.")
		}
		validator, err := checkPublication(ctx, tx, adminID, id, cur.Status, to)
		if err != nil {
			return err
		}
		if to == OfferPending {
			return submitOffer(ctx, tx, adminID, id, validator, StepSubmitted, cur.Reference, actor)
		}
		if err := setOfferStatus(ctx, tx, id, to); err != nil {
			return err
		}
		if err := queueCSP(ctx, tx, adminID, id); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "offer."+string(to), cur.Reference,
			map[string]string{"avant": string(cur.Status), "après": string(to)})
	})
}

func setOfferStatus(ctx context.Context, tx *sqlx.Tx, id int64, to OfferStatus) error {
	_, err := tx.ExecContext(ctx, `UPDATE offers SET status = $2, updated_at = now(),
		published_at = CASE WHEN $2 = 'published' THEN coalesce(published_at, now()) ELSE published_at END,
		closed_at = CASE WHEN $2 = 'closed' THEN now() WHEN $2 = 'published' THEN NULL ELSE closed_at END
		WHERE id = $1`, id, string(to))
	return err
}

// PublishDueOffers publishes the scheduled offers whose date has come, and
// closes the published ones whose end has passed; the periodic task calls it
// every minute, so that nobody has to be there on the day.
func (s *Store) PublishDueOffers(ctx context.Context) (published, closed int, err error) {
	err = s.inTx(ctx, "PublishDueOffers", func(tx *sqlx.Tx) error {
		type dueOffer struct {
			ID               int64       `db:"id"`
			AdministrationID int64       `db:"administration_id"`
			Reference        string      `db:"reference"`
			To               OfferStatus `db:"to_status"`
		}
		var due, expired []dueOffer
		if err := tx.SelectContext(ctx, &due, `SELECT id, administration_id, reference, 'published' AS to_status
			FROM offers WHERE status = 'scheduled' AND publish_at <= $1 FOR UPDATE SKIP LOCKED`, s.now()); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &expired, `SELECT id, administration_id, reference, 'closed' AS to_status
			FROM offers WHERE status = 'published' AND end_at <= $1 FOR UPDATE SKIP LOCKED`, s.now()); err != nil {
			return err
		}
		due = append(due, expired...)
		for _, d := range due {
			if err := setOfferStatus(ctx, tx, d.ID, d.To); err != nil {
				return err
			}
			if err := queueCSP(ctx, tx, d.AdministrationID, d.ID); err != nil {
				return err
			}
			if err := insertAudit(ctx, tx, &d.AdministrationID, Actor{Email: "tâche planifiée"}, "offer."+string(d.To), d.Reference, nil); err != nil {
				return err
			}
			if d.To == OfferPublished {
				published++
			} else {
				closed++
			}
		}
		return nil
	})
	return published, closed, err
}

// Label returns the French label of a status.
func (st OfferStatus) Label() string {
	switch st {
	case OfferDraft:
		return "brouillon"
	case OfferPending:
		return "à valider"
	case OfferScheduled:
		return "programmée"
	case OfferPublished:
		return "publiée"
	case OfferClosed:
		return "clôturée"
	case OfferArchived:
		return "archivée"
	}
	return string(st)
}

// referenceTaken turns the database's refusals of an offer into errors on
// its fields: a reference already used, a domaine or a métier that the
// referentials do not know.
func referenceTaken(err error) error {
	if ErrorCode(wrap("", err)) == ECONFLICT {
		return FieldError("reference", "Une autre offre de l'administration porte déjà cette référence.")
	}
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code.Name() == "foreign_key_violation" {
		switch pe.Constraint {
		case "offers_domaine_code_fkey":
			return FieldError("domaine", "Choisissez un domaine fonctionnel dans la liste.")
		case "offers_metier_id_fkey":
			return FieldError("metier", "Choisissez un métier dans la liste.")
		}
	}
	return err
}
