package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// IdentityMasks returns the masks of the applications among ids whose
// identity the agent may not see: their offer screens anonymously, they
// have not reached its step, and the agent has not revealed them. The ids
// are the administration's or its directions' at any depth (a parent's
// lists); others are ignored. Every page that names an applicant asks here.
func (s *Store) IdentityMasks(ctx context.Context, adminID, agentID int64, ids []int64) (IdentityMasks, error) {
	masks := IdentityMasks{}
	if len(ids) == 0 {
		return masks, nil
	}
	var rows []struct {
		ID        int64  `db:"id"`
		Rank      int    `db:"rank"`
		FirstName string `db:"first_name"`
		LastName  string `db:"last_name"`
	}
	err := s.db.SelectContext(ctx, &rows, subtreeSQL+`
		SELECT a.id, a.first_name, a.last_name,
			(SELECT count(*) FROM applications x WHERE x.offer_id = a.offer_id AND x.id <= a.id) AS rank
		FROM applications a JOIN tree t ON t.id = a.administration_id
		WHERE a.id = ANY($2) AND identity_masked(a)
			AND NOT EXISTS (SELECT 1 FROM identity_reveals r WHERE r.application_id = a.id AND r.agent_id = $3)`,
		adminID, pq.Array(ids), agentID)
	if err != nil {
		return nil, wrap("IdentityMasks", err)
	}
	for _, r := range rows {
		masks[r.ID] = &Mask{Pseudonym: Pseudonym(r.Rank), names: namesOf(r.FirstName, r.LastName)}
	}
	return masks, nil
}

// IdentityMask is IdentityMasks for one application: nil when it shows its
// identity.
func (s *Store) IdentityMask(ctx context.Context, adminID, agentID, appID int64) (*Mask, error) {
	m, err := s.IdentityMasks(ctx, adminID, agentID, []int64{appID})
	if err != nil {
		return nil, err
	}
	return m.Of(appID), nil
}

// OfferAnonymity returns the step until which an offer screens anonymously,
// nil when it does not.
func (s *Store) OfferAnonymity(ctx context.Context, adminID, offerID int64) (*Step, error) {
	var st Step
	err := s.db.GetContext(ctx, &st, `SELECT s.id, s.administration_id, s.name, s.category, s.position, s.public
		FROM offers o JOIN pipeline_steps s ON s.id = o.anonymous_until_step_id AND s.administration_id = o.administration_id
		WHERE o.id = $1 AND o.administration_id = $2`, offerID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		var exists bool
		if err := s.db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM offers WHERE id = $1 AND administration_id = $2)`, offerID, adminID); err != nil {
			return nil, wrap("OfferAnonymity", err)
		}
		if !exists {
			return nil, Errorf(ENOTFOUND, "Offre introuvable.")
		}
		return nil, nil
	}
	return &st, wrap("OfferAnonymity", err)
}

// SetOfferAnonymity turns an offer's anonymised screening on until a step
// (an "en cours" one of the administration), or off (stepID 0).
// Applications already at or past the step show their identity, and so do
// those that reached a step before; the others are masked from now on.
func (s *Store) SetOfferAnonymity(ctx context.Context, adminID, offerID, stepID int64, actor Actor) error {
	return s.inTx(ctx, "SetOfferAnonymity", func(tx *sqlx.Tx) error {
		var title string
		if err := tx.GetContext(ctx, &title, `SELECT title FROM offers WHERE id = $1 AND administration_id = $2 FOR UPDATE`, offerID, adminID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return Errorf(ENOTFOUND, "Offre introuvable.")
			}
			return err
		}
		summary := map[string]string{"présélection anonyme": "non"}
		var step *int64
		if stepID != 0 {
			st, err := stepOf(ctx, tx, adminID, stepID)
			if err != nil {
				return err
			}
			// A screening ends before a decision: every hire (and so every
			// SIRH export) is past the step.
			if st.Category != CategoryReview {
				return FieldError("anonymous_until", "Choisissez une étape « en cours » : la présélection anonyme dure jusqu'à elle, et s'arrête avant toute décision.")
			}
			step, summary = &st.ID, map[string]string{"présélection anonyme": "jusqu'à l'étape " + st.Name}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE offers SET anonymous_until_step_id = $3 WHERE id = $1 AND administration_id = $2`,
			offerID, adminID, step); err != nil {
			return err
		}
		// The applications at or past the step pass it now; one that passed
		// it before stays shown (refused since, or under another step), as
		// once reached, an identity stays shown (migration 00033).
		if _, err := tx.ExecContext(ctx, `UPDATE applications a SET screening_passed_at = now()
			WHERE a.offer_id = $1 AND a.administration_id = $2 AND a.screening_passed_at IS NULL
				AND screening_reached(a.offer_id, a.stage_id, a.category)`, offerID, adminID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "offer.anonymity_set", title, summary)
	})
}

// RevealIdentity shows a masked application's identity to the acting agent
// (and to no one else) before its step, for a reason kept with the reveal
// and in the audit log.
func (s *Store) RevealIdentity(ctx context.Context, adminID, appID int64, reason string, actor Actor) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 1000 {
		return FieldError("reason", "Indiquez pourquoi vous levez l'anonymat (1 000 caractères au plus).")
	}
	return s.inTx(ctx, "RevealIdentity", func(tx *sqlx.Tx) error {
		var masked bool
		err := tx.GetContext(ctx, &masked, `SELECT identity_masked(a) FROM applications a WHERE a.id = $1 AND a.administration_id = $2`, appID, adminID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Candidature introuvable.")
		}
		if err != nil {
			return err
		}
		if !masked {
			return Errorf(ECONFLICT, "L'identité de cette candidature est déjà visible.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO identity_reveals (administration_id, application_id, agent_id, reason)
			VALUES ($1, $2, $3, $4) ON CONFLICT (application_id, agent_id) DO NOTHING`, adminID, appID, actor.AgentID, reason); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "application.identity_revealed", "candidature "+strconv.FormatInt(appID, 10), map[string]string{"motif": reason})
	})
}

// maskRows puts the pseudonym in the place of the names of the masked
// applications among rows, and blanks their email.
func (s *Store) maskRows(ctx context.Context, adminID, viewer int64, rows []*PipelineRow) error {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	masks, err := s.IdentityMasks(ctx, adminID, viewer, ids)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if masks.Names(r.ID, &r.FirstName, &r.LastName) {
			r.Email = nil
		}
	}
	return nil
}

// contactedBy is the SQL condition that a search (the parameter p) holds
// the email address or the phone number of the application a's person: a
// masked application is not found by such a search, so that its results
// do not tell who it is.
func contactedBy(a, p string) string {
	words := `regexp_split_to_array(lower(immutable_unaccent(` + p + `)), '[^[:alnum:]@._+-]+')`
	return `(EXISTS (SELECT 1 FROM candidates nc WHERE nc.id = ` + a + `.candidate_id AND lower(nc.email::text) = ANY(` + words + `))
		OR (length(regexp_replace(` + p + `, '\D', '', 'g')) >= 9
			AND right(regexp_replace(` + a + `.phone, '\D', '', 'g'), 9) = right(regexp_replace(` + p + `, '\D', '', 'g'), 9)))`
}

// nameLexemes is the SQL array of the lexemes the application a's names
// give a French text search, accented or not (a CV is often typed without
// accents), and its email address and phone number: taken out of its texts
// (ts_delete), a search can neither find nor leave out a masked application
// by its name or contact, whatever form it takes.
func nameLexemes(a string) string {
	n := `(` + a + `.first_name || ' ' || ` + a + `.last_name || ' ' || coalesce(` + a + `.phone, '') || ' ' ||
		coalesce((SELECT nc.email::text FROM candidates nc WHERE nc.id = ` + a + `.candidate_id), ''))`
	return `tsvector_to_array(to_tsvector('french', ` + n + ` || ' ' || immutable_unaccent(` + n + `)))`
}

// MaskForRecruiters masks an application as the emails to its recruiters
// name it: they go to several agents, so no one's reveal counts. It returns
// the mask (nil when the application shows its identity), for the caller to
// redact what else the person wrote.
func (s *Store) MaskForRecruiters(ctx context.Context, a *ApplicationSummary) (*Mask, error) {
	masks, err := s.IdentityMasks(ctx, a.AdministrationID, 0, []int64{a.ID})
	k := masks.Of(a.ID)
	if k != nil {
		k.Identity(&a.Identity)
		a.Candidate.Email = nil
	}
	return k, err
}
