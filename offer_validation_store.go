package vivier

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// subtreeSQL is the administration $1 and every administration below it:
// a validator's reach, as its roles' (they hold on directions).
const subtreeSQL = `WITH RECURSIVE tree AS (
		SELECT id, 0 AS depth FROM administrations WHERE id = $1
		UNION ALL
		SELECT c.id, t.depth + 1 FROM administrations c JOIN tree t ON c.parent_id = t.id WHERE t.depth < 32) `

// ValidationSettings returns the administration's validation settings.
func (s *Store) ValidationSettings(ctx context.Context, adminID int64) (ValidationSettings, error) {
	var v ValidationSettings
	err := s.db.GetContext(ctx, &v, `SELECT validate_directions, validate_own FROM administrations WHERE id = $1`, adminID)
	return v, wrap("ValidationSettings", err)
}

// SetValidationSettings changes them. Offers already waiting keep their
// validator; the settings apply to the next submissions and publications.
func (s *Store) SetValidationSettings(ctx context.Context, adminID int64, v ValidationSettings, actor Actor) error {
	return s.inTx(ctx, "SetValidationSettings", func(tx *sqlx.Tx) error {
		var before ValidationSettings
		if err := tx.GetContext(ctx, &before, `SELECT validate_directions, validate_own FROM administrations
			WHERE id = $1 FOR UPDATE`, adminID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE administrations SET validate_directions = $2, validate_own = $3,
			updated_at = now() WHERE id = $1`, adminID, v.Directions, v.Own); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "administration.validation", "", map[string]any{
			"directions avant": before.Directions, "directions après": v.Directions,
			"propres offres avant": before.Own, "propres offres après": v.Own})
	})
}

// validatorOf returns the administration whose validators decide the offers
// of adminID, or 0 when none asks: the nearest ancestor validating its
// directions' offers, else adminID itself if it validates its own.
func validatorOf(ctx context.Context, q sqlx.QueryerContext, adminID int64) (int64, error) {
	var ids []int64
	err := sqlx.SelectContext(ctx, q, &ids, `WITH RECURSIVE up AS (
			SELECT id, parent_id, validate_own, validate_directions, 0 AS depth FROM administrations WHERE id = $1
			UNION ALL
			SELECT a.id, a.parent_id, a.validate_own, a.validate_directions, up.depth + 1
			FROM administrations a JOIN up ON a.id = up.parent_id WHERE up.depth < 32)
		SELECT id FROM up WHERE (depth = 0 AND validate_own) OR (depth > 0 AND validate_directions)
		ORDER BY depth = 0, depth LIMIT 1`, adminID)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	return ids[0], nil
}

// OfferValidation says where an offer of the administration stands with
// validation, with its history.
func (s *Store) OfferValidation(ctx context.Context, adminID, offerID int64) (*OfferValidation, error) {
	var cur struct {
		Status      OfferStatus `db:"status"`
		ValidatedAt *time.Time  `db:"validated_at"`
		Validator   *int64      `db:"validation_admin_id"`
	}
	if err := s.db.GetContext(ctx, &cur, `SELECT status, validated_at, validation_admin_id FROM offers
		WHERE id = $1 AND administration_id = $2`, offerID, adminID); err != nil {
		return nil, wrap("OfferValidation", err)
	}
	v := &OfferValidation{Validated: cur.ValidatedAt != nil}
	var err error
	if cur.Status == OfferPending && cur.Validator != nil {
		v.Validator = *cur.Validator
	} else if v.Validator, err = validatorOf(ctx, s.db, adminID); err != nil {
		return nil, wrap("OfferValidation", err)
	}
	v.Required = v.Validator != 0
	if v.Required {
		if err := s.db.GetContext(ctx, &v.ValidatorName, `SELECT name FROM administrations WHERE id = $1`, v.Validator); err != nil {
			return nil, wrap("OfferValidation", err)
		}
	}
	err = s.db.SelectContext(ctx, &v.Steps, `SELECT id, offer_id, administration_id, step, comment, agent_id, agent_email, created_at
		FROM offer_validation_steps WHERE offer_id = $1 AND administration_id = $2 ORDER BY id`, offerID, adminID)
	return v, wrap("OfferValidation", err)
}

// insertValidationStep records a step in the offer's history and in the
// audit log, and returns its id.
func insertValidationStep(ctx context.Context, tx *sqlx.Tx, adminID, offerID int64, step, comment, reference string, actor Actor) (int64, error) {
	var agentID *int64
	if actor.AgentID != 0 {
		agentID = &actor.AgentID
	}
	var id int64
	if err := tx.GetContext(ctx, &id, `INSERT INTO offer_validation_steps
		(offer_id, administration_id, step, comment, agent_id, agent_email) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		offerID, adminID, step, comment, agentID, actor.Email); err != nil {
		return 0, err
	}
	summary := map[string]string{}
	if comment != "" {
		summary["commentaire"] = comment
	}
	return id, insertAudit(ctx, tx, &adminID, actor, "offer.validation."+step, reference, summary)
}

// submitOffer puts the offer in pending for validator, leaving the public
// site and CSP (queueCSP) until its approval.
func submitOffer(ctx context.Context, tx *sqlx.Tx, adminID, offerID, validator int64, step, reference string, actor Actor) error {
	if _, err := tx.ExecContext(ctx, `UPDATE offers SET status = 'pending', validation_admin_id = $3, validated_at = NULL,
		updated_at = now() WHERE id = $1 AND administration_id = $2`, offerID, adminID, validator); err != nil {
		return err
	}
	if _, err := insertValidationStep(ctx, tx, adminID, offerID, step, "", reference, actor); err != nil {
		return err
	}
	return queueCSP(ctx, tx, adminID, offerID)
}

// checkPublication refuses to publish or schedule, outside a validator's
// approval, an offer that must be validated first; it says so when the move
// to pending is asked without validation. It returns the validator.
func checkPublication(ctx context.Context, tx *sqlx.Tx, adminID, offerID int64, from, to OfferStatus) (int64, error) {
	validator, must, err := mustSubmit(ctx, tx, adminID, offerID)
	if err != nil {
		return 0, err
	}
	switch {
	case from == OfferPending && to != OfferDraft:
		return 0, Errorf(EINVALID, "Cette offre attend sa validation : seul un agent chargé de la validation peut la publier.")
	case to == OfferPending && !must:
		return 0, Errorf(EINVALID, "Cette offre n'a pas besoin d'être validée : publiez-la directement.")
	case (to == OfferPublished || to == OfferScheduled) && must:
		return 0, Errorf(EINVALID, "Les offres de votre administration sont validées avant publication : soumettez celle-ci à validation.")
	}
	return validator, nil
}

// mustSubmit says whether the offer goes online only through validator: a
// setting asks for it and its content is not approved.
func mustSubmit(ctx context.Context, tx *sqlx.Tx, adminID, offerID int64) (validator int64, must bool, err error) {
	var validatedAt *time.Time
	if err := tx.GetContext(ctx, &validatedAt, `SELECT validated_at FROM offers WHERE id = $1 AND administration_id = $2`,
		offerID, adminID); err != nil {
		return 0, false, err
	}
	if validator, err = validatorOf(ctx, tx, adminID); err != nil {
		return 0, false, err
	}
	return validator, validator != 0 && validatedAt == nil, nil
}

// sendBackIfChanged, after an edit of the offer, clears its approval when
// its substantive content changed; an offer online or scheduled then goes
// back to validation, if validation is asked. It reports whether it did.
func sendBackIfChanged(ctx context.Context, tx *sqlx.Tx, adminID int64, o *Offer, before offerSubstance, actor Actor) (bool, error) {
	after, err := substanceOf(o)
	if err != nil || !before.changed(after) {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE offers SET validated_at = NULL WHERE id = $1 AND administration_id = $2`,
		o.ID, adminID); err != nil {
		return false, err
	}
	if o.Status != OfferPublished && o.Status != OfferScheduled && o.Status != OfferClosed {
		return false, nil
	}
	validator, err := validatorOf(ctx, tx, adminID)
	if err != nil || validator == 0 {
		return false, err
	}
	if o.Status == OfferClosed {
		// A closed offer's page stays public, but not with content no
		// validator has read: naming its validator hides it (PublicOffer)
		// until it is submitted again and approved.
		_, err := tx.ExecContext(ctx, `UPDATE offers SET validation_admin_id = $3 WHERE id = $1 AND administration_id = $2`,
			o.ID, adminID, validator)
		return false, err
	}
	if err := submitOffer(ctx, tx, adminID, o.ID, validator, StepResubmitted, o.Reference, actor); err != nil {
		return false, err
	}
	o.Status = OfferPending
	return true, nil
}

// substanceBefore reads, and locks, what the offer's approval covered.
func substanceBefore(ctx context.Context, tx *sqlx.Tx, adminID, offerID int64) (offerSubstance, error) {
	var b offerSubstance
	err := tx.GetContext(ctx, &b, `SELECT `+substanceColumns+` FROM offers WHERE id = $1 AND administration_id = $2 FOR UPDATE`,
		offerID, adminID)
	return b, err
}

// pendingInReach locks a pending offer whose validator is adminID or below
// it; anything else is not found, as if it did not exist.
func pendingInReach(ctx context.Context, tx *sqlx.Tx, adminID, offerID int64) (*OfferDecisionEmail, error) {
	var o OfferDecisionEmail
	err := tx.GetContext(ctx, &o, subtreeSQL+`SELECT o.id AS offer_id, o.title, o.reference, o.status, o.publish_at, o.updated_at,
			o.administration_id, a.slug AS admin_slug, a.name AS admin_name
		FROM offers o JOIN administrations a ON a.id = o.administration_id
		WHERE o.id = $2 AND o.status = 'pending' AND o.validation_admin_id IN (SELECT id FROM tree) FOR UPDATE OF o`, adminID, offerID)
	return &o, notAwaiting(err)
}

// ApproveOffer validates a pending offer that waits for adminID's
// validators: it is published, or scheduled if its date is to come, and its
// author is told. It returns the status reached. The version is the
// offer's UpdatedAt as the validator read it: an offer changed since is
// refused, so that no one approves a text they have not seen.
func (s *Store) ApproveOffer(ctx context.Context, adminID, offerID int64, version time.Time, actor Actor) (OfferStatus, error) {
	var to OfferStatus
	err := s.inTx(ctx, "ApproveOffer", func(tx *sqlx.Tx) error {
		o, err := pendingInReach(ctx, tx, adminID, offerID)
		if err != nil {
			return err
		}
		if o.UpdatedAt.UnixMicro() != version.UnixMicro() {
			return Errorf(ECONFLICT, "L'offre a été modifiée depuis que vous l'avez ouverte : relisez-la avant de la valider.")
		}
		to = OfferPublished
		if o.PublishAt != nil && o.PublishAt.After(s.now()) {
			to = OfferScheduled
		}
		if err := setOfferStatus(ctx, tx, offerID, to); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE offers SET validated_at = $2 WHERE id = $1`, offerID, s.now()); err != nil {
			return err
		}
		if err := queueCSP(ctx, tx, o.AdminID, offerID); err != nil {
			return err
		}
		return decide(ctx, tx, o, StepApproved, "", actor)
	})
	return to, err
}

// ReturnOffer sends a pending offer back to its author, as a draft, with
// what to change.
func (s *Store) ReturnOffer(ctx context.Context, adminID, offerID int64, comment string, actor Actor) error {
	comment = strings.TrimSpace(comment)
	switch {
	case comment == "":
		return FieldError("comment", "Dites à l'auteur ce qu'il doit reprendre : le commentaire est obligatoire.")
	case utf8.RuneCountInString(comment) > 5000:
		return FieldError("comment", "Le commentaire compte 5 000 caractères au plus.")
	}
	return s.inTx(ctx, "ReturnOffer", func(tx *sqlx.Tx) error {
		o, err := pendingInReach(ctx, tx, adminID, offerID)
		if err != nil {
			return err
		}
		if err := setOfferStatus(ctx, tx, offerID, OfferDraft); err != nil {
			return err
		}
		return decide(ctx, tx, o, StepReturned, comment, actor)
	})
}

// decide records a validator's decision and the email to the author.
func decide(ctx context.Context, tx *sqlx.Tx, o *OfferDecisionEmail, step, comment string, actor Actor) error {
	id, err := insertValidationStep(ctx, tx, o.AdminID, o.OfferID, step, comment, o.Reference, actor)
	if err != nil {
		return err
	}
	msg, err := NewOutboxMessage(TaskOfferValidation, "default", OfferValidationTask{StepID: id})
	if err != nil {
		return err
	}
	msg.AdministrationID = &o.AdminID
	return insertOutbox(ctx, tx, &msg)
}

// pendingOffersSQL selects the pending offers whose validator is in the tree,
// with their last submission.
const pendingOffersSQL = subtreeSQL + `SELECT o.id, o.administration_id, a.slug AS admin_slug, a.name AS admin_name, o.kind, o.reference, o.title,
		o.publish_at, st.step, st.agent_email AS submitted_by, st.created_at AS submitted_at
	FROM offers o JOIN administrations a ON a.id = o.administration_id
	JOIN LATERAL (SELECT step, agent_email, created_at FROM offer_validation_steps v
		WHERE v.offer_id = o.id AND v.step IN ('submitted', 'resubmitted') ORDER BY v.id DESC LIMIT 1) st ON true
	WHERE o.status = 'pending' AND o.validation_admin_id IN (SELECT id FROM tree)`

// PendingOffers is the validation queue of adminID: the offers waiting for
// its validators, its directions' included, the oldest first.
func (s *Store) PendingOffers(ctx context.Context, adminID int64) ([]PendingOffer, error) {
	var out []PendingOffer
	err := s.db.SelectContext(ctx, &out, pendingOffersSQL+` ORDER BY st.created_at, o.id LIMIT 500`, adminID)
	return out, wrap("PendingOffers", err)
}

// PendingOffer is one offer of that queue, for its review page.
func (s *Store) PendingOffer(ctx context.Context, adminID, offerID int64) (*PendingOffer, error) {
	var p PendingOffer
	if err := s.db.GetContext(ctx, &p, pendingOffersSQL+` AND o.id = $2`, adminID, offerID); err != nil {
		return nil, wrap("PendingOffer", notAwaiting(err))
	}
	return &p, nil
}

// notAwaiting says, of an offer outside a validator's reach or not pending,
// what a stranger's would: not found.
func notAwaiting(err error) error {
	if ErrorCode(wrap("", err)) == ENOTFOUND {
		return Errorf(ENOTFOUND, "Cette offre n'attend pas votre validation.")
	}
	return err
}

// PendingOfferCount counts that queue, for the dashboard.
func (s *Store) PendingOfferCount(ctx context.Context, adminID int64) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, subtreeSQL+`SELECT count(*) FROM offers
		WHERE status = 'pending' AND validation_admin_id IN (SELECT id FROM tree)`, adminID)
	return n, wrap("PendingOfferCount", err)
}

// ValidationNotices are the decisions of the last 30 days on the offers of
// adminID (and its directions) that agentID submitted last, newest first.
func (s *Store) ValidationNotices(ctx context.Context, adminID, agentID int64) ([]ValidationNotice, error) {
	var out []ValidationNotice
	err := s.db.SelectContext(ctx, &out, subtreeSQL+`SELECT d.offer_id, a.slug AS admin_slug, o.title, d.step, d.comment,
			d.agent_email, d.created_at
		FROM offer_validation_steps d JOIN offers o ON o.id = d.offer_id AND o.administration_id = d.administration_id
		JOIN administrations a ON a.id = o.administration_id
		WHERE d.administration_id IN (SELECT id FROM tree) AND d.step IN ('approved', 'returned') AND d.created_at > $3
		  AND d.id = (SELECT max(id) FROM offer_validation_steps WHERE offer_id = d.offer_id)
		  AND (SELECT agent_id FROM offer_validation_steps WHERE offer_id = d.offer_id AND id < d.id
		       AND step IN ('submitted', 'resubmitted') ORDER BY id DESC LIMIT 1) = $2
		ORDER BY d.id DESC LIMIT 10`, adminID, agentID, s.now().AddDate(0, 0, -30))
	return out, wrap("ValidationNotices", err)
}

// OfferDecisionEmail returns what the email of a decision says, and to whom:
// the active agent who submitted the offer last (ENOTFOUND when the offer
// came from the API or its author is gone: nobody to mail).
func (s *Store) OfferDecisionEmail(ctx context.Context, stepID int64) (*OfferDecisionEmail, error) {
	var e OfferDecisionEmail
	err := s.db.GetContext(ctx, &e, `SELECT d.id AS step_id, d.step, d.comment, o.id AS offer_id, o.title, o.reference,
			o.status, o.publish_at, o.administration_id, a.slug AS admin_slug, a.name AS admin_name, ag.email AS recipient
		FROM offer_validation_steps d JOIN offers o ON o.id = d.offer_id
		JOIN administrations a ON a.id = o.administration_id
		JOIN LATERAL (SELECT agent_id FROM offer_validation_steps s WHERE s.offer_id = d.offer_id AND s.id < d.id
			AND s.step IN ('submitted', 'resubmitted') ORDER BY s.id DESC LIMIT 1) sub ON true
		JOIN agents ag ON ag.id = sub.agent_id AND ag.status = 'active'
		WHERE d.id = $1 AND d.step IN ('approved', 'returned')`, stepID)
	if err != nil {
		return nil, wrap("OfferDecisionEmail", err)
	}
	return &e, nil
}
