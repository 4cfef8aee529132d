package vivier

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// profileColumns reads a profile with its owner's address, its métier's
// label and its skills' labels (from mobility_profiles p).
const profileColumns = `p.id, p.agent_id, p.first_name, p.last_name, p.metier_id, m.label AS metier_label, p.categorie,
	p.grade, p.current_employer, p.region_codes, p.visibility, p.cv_key, p.cv_name, p.cv_content_type, p.cv_size,
	p.updated_at, p.expires_at, a.email,
	ARRAY(SELECT c.label FROM mobility_profile_competences pc JOIN competences c ON c.id = pc.competence_id
		WHERE pc.profile_id = p.id ORDER BY c.label) AS competence_labels`

const profileFrom = ` FROM mobility_profiles p JOIN mobility_agents a ON a.id = p.agent_id LEFT JOIN metiers m ON m.id = p.metier_id `

// MobilityProfileOf returns the agent's own profile (ENOTFOUND when they
// have none yet), with its skills' and administrations' ids for the form.
func (s *Store) MobilityProfileOf(ctx context.Context, agentID int64) (*MobilityProfile, error) {
	var p MobilityProfile
	if err := s.db.GetContext(ctx, &p, `SELECT `+profileColumns+profileFrom+`WHERE p.agent_id = $1`, agentID); err != nil {
		return nil, wrap("MobilityProfileOf", err)
	}
	var ids pq.Int64Array
	if err := s.db.GetContext(ctx, &ids, `SELECT ARRAY(SELECT competence_id FROM mobility_profile_competences WHERE profile_id = $1)`, p.ID); err != nil {
		return nil, wrap("MobilityProfileOf", err)
	}
	p.CompetenceIDs = ids
	ids = nil
	if err := s.db.GetContext(ctx, &ids, `SELECT ARRAY(SELECT administration_id FROM mobility_profile_administrations WHERE profile_id = $1)`, p.ID); err != nil {
		return nil, wrap("MobilityProfileOf", err)
	}
	p.AdministrationIDs = ids
	return &p, nil
}

// SaveMobilityProfile creates or updates the agent's profile, valid for a
// year from now; cv, when not nil, replaces the CV (the old file is deleted
// once the new one is saved).
func (s *Store) SaveMobilityProfile(ctx context.Context, agentID int64, p *MobilityProfile, cv *Upload, files FileStore) error {
	if err := p.Validate(); err != nil {
		return err
	}
	var newKey, oldKey *string
	if cv != nil {
		k := "mobility/" + uuid.NewString() + "/cv"
		if err := files.Put(ctx, k, cv.Data, cv.ContentType); err != nil {
			return fmt.Errorf("SaveMobilityProfile: %w", err)
		}
		newKey = &k
	}
	regions := p.RegionCodes
	if regions == nil {
		regions = pq.StringArray{}
	}
	err := s.inTx(ctx, "SaveMobilityProfile", func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &oldKey, `SELECT (SELECT cv_key FROM mobility_profiles WHERE agent_id = $1 FOR UPDATE)`, agentID); err != nil {
			return err
		}
		if newKey == nil {
			oldKey = nil // kept
		}
		if p.MetierID != nil {
			var known bool
			if err := tx.GetContext(ctx, &known, `SELECT EXISTS (SELECT 1 FROM metiers WHERE id = $1 AND active)`, *p.MetierID); err != nil {
				return err
			}
			if !known {
				return FieldError("metier", "Choisissez un métier dans la liste.")
			}
		}
		// Only the régions that exist: a forged code is left out.
		if err := tx.GetContext(ctx, &regions, `SELECT ARRAY(SELECT code FROM regions WHERE code = ANY ($1) ORDER BY code)`, regions); err != nil {
			return err
		}
		var cvName, cvType string
		var cvSize int64
		if cv != nil {
			cvName, cvType, cvSize = cv.Name, cv.ContentType, cv.Size
		}
		now := s.now()
		err := tx.GetContext(ctx, &p.ID, `
			INSERT INTO mobility_profiles (agent_id, first_name, last_name, metier_id, categorie, grade, current_employer,
				region_codes, visibility, cv_key, cv_name, cv_content_type, cv_size, updated_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			ON CONFLICT (agent_id) DO UPDATE SET first_name = EXCLUDED.first_name, last_name = EXCLUDED.last_name,
				metier_id = EXCLUDED.metier_id, categorie = EXCLUDED.categorie, grade = EXCLUDED.grade,
				current_employer = EXCLUDED.current_employer, region_codes = EXCLUDED.region_codes,
				visibility = EXCLUDED.visibility,
				cv_key = COALESCE(EXCLUDED.cv_key, mobility_profiles.cv_key),
				cv_name = CASE WHEN EXCLUDED.cv_key IS NULL THEN mobility_profiles.cv_name ELSE EXCLUDED.cv_name END,
				cv_content_type = CASE WHEN EXCLUDED.cv_key IS NULL THEN mobility_profiles.cv_content_type ELSE EXCLUDED.cv_content_type END,
				cv_size = CASE WHEN EXCLUDED.cv_key IS NULL THEN mobility_profiles.cv_size ELSE EXCLUDED.cv_size END,
				updated_at = EXCLUDED.updated_at, expires_at = EXCLUDED.expires_at
			RETURNING id`,
			agentID, p.FirstName, p.LastName, p.MetierID, p.Categorie, p.Grade, p.CurrentEmployer, regions, p.Visibility,
			newKey, cvName, cvType, cvSize, now, now.Add(MobilityProfileLifetime))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM mobility_profile_competences WHERE profile_id = $1`, p.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO mobility_profile_competences (profile_id, competence_id)
			SELECT $1, id FROM competences WHERE id = ANY ($2) AND active`, p.ID, pq.Int64Array(p.CompetenceIDs)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM mobility_profile_administrations WHERE profile_id = $1`, p.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO mobility_profile_administrations (profile_id, administration_id)
			SELECT $1, id FROM administrations WHERE id = ANY ($2) AND status = 'active'`, p.ID, pq.Int64Array(p.AdministrationIDs))
		return err
	})
	if err != nil {
		if newKey != nil {
			_ = files.Delete(context.WithoutCancel(ctx), *newKey)
		}
		return err
	}
	if oldKey != nil {
		_ = files.Delete(context.WithoutCancel(ctx), *oldKey) // an orphan file is harmless; the profile is saved
	}
	return nil
}

// RenewMobilityProfile keeps the agent's profile for a year from now.
func (s *Store) RenewMobilityProfile(ctx context.Context, agentID int64) error {
	res, err := s.db.ExecContext(ctx, `UPDATE mobility_profiles SET expires_at = $2 WHERE agent_id = $1`,
		agentID, s.now().Add(MobilityProfileLifetime))
	if err != nil {
		return wrap("RenewMobilityProfile", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Errorf(ENOTFOUND, "Vous n'avez pas encore de profil.")
	}
	return nil
}

// MobilityViews lists who viewed the agent's profile, newest first.
func (s *Store) MobilityViews(ctx context.Context, agentID int64, limit int) ([]MobilityView, error) {
	var out []MobilityView
	err := s.db.SelectContext(ctx, &out, `SELECT ad.name AS administration, v.viewed_at
		FROM mobility_profile_views v JOIN mobility_profiles p ON p.id = v.profile_id
		JOIN administrations ad ON ad.id = v.administration_id
		WHERE p.agent_id = $1 ORDER BY v.viewed_at DESC, v.id DESC LIMIT $2`, agentID, limit)
	return out, wrap("MobilityViews", err)
}

const mobilityInvitationColumns = `i.id, i.profile_id, i.administration_id, ad.name AS administration, i.offer_id, o.title AS offer_title,
	i.message, i.answer, i.created_at, i.answered_at`

const mobilityInvitationFrom = ` FROM mobility_invitations i JOIN administrations ad ON ad.id = i.administration_id JOIN offers o ON o.id = i.offer_id `

// MobilityInvitations lists the invitations the agent received, newest
// first.
func (s *Store) MobilityInvitations(ctx context.Context, agentID int64) ([]MobilityInvitation, error) {
	var out []MobilityInvitation
	err := s.db.SelectContext(ctx, &out, `SELECT `+mobilityInvitationColumns+mobilityInvitationFrom+`
		JOIN mobility_profiles p ON p.id = i.profile_id WHERE p.agent_id = $1 ORDER BY i.created_at DESC, i.id DESC`, agentID)
	return out, wrap("MobilityInvitations", err)
}

// AnswerMobilityInvitation records the agent's answer to one of their
// invitations.
func (s *Store) AnswerMobilityInvitation(ctx context.Context, agentID, invitationID int64, answer string) error {
	if answer != AnswerInterested && answer != AnswerNotInterested {
		return FieldError("answer", "Choisissez « Intéressé·e » ou « Pas intéressé·e ».")
	}
	res, err := s.db.ExecContext(ctx, `UPDATE mobility_invitations i SET answer = $3, answered_at = $4
		FROM mobility_profiles p WHERE p.id = i.profile_id AND p.agent_id = $1 AND i.id = $2`, agentID, invitationID, answer, s.now())
	if err != nil {
		return wrap("AnswerMobilityInvitation", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Errorf(ENOTFOUND, "Invitation introuvable.")
	}
	return nil
}
