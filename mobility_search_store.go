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

// profileVisibleTo is the rule of what a recruiter of administration $1
// sees, on profile p at time $2: not expired, and shown to every
// administration or chosen for this one. Every recruiter's query goes
// through it.
const profileVisibleTo = `p.expires_at > $2 AND (p.visibility = 'all' OR (p.visibility = 'some' AND EXISTS (
	SELECT 1 FROM mobility_profile_administrations pa WHERE pa.profile_id = p.id AND pa.administration_id = $1)))`

// SearchProfiles lists the profiles the administration's recruiters may
// see that match q, most recently updated first, with their total.
func (s *Store) SearchProfiles(ctx context.Context, adminID int64, q ProfileSearch) ([]MobilityProfile, int, error) {
	args := []any{adminID, s.now()}
	where := []string{profileVisibleTo}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if q.MetierID != nil {
		add("p.metier_id = ?", *q.MetierID)
	}
	if q.Categorie != "" {
		add("p.categorie = ?", q.Categorie)
	}
	if q.Region != "" {
		add("? = ANY (p.region_codes)", q.Region)
	}
	if len(q.CompetenceIDs) > 0 {
		add(`(SELECT count(*) FROM mobility_profile_competences pc WHERE pc.profile_id = p.id AND pc.competence_id = ANY (?))
			= cardinality(?::bigint[])`, pq.Int64Array(q.CompetenceIDs))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.db.GetContext(ctx, &total, `SELECT count(*) FROM mobility_profiles p WHERE `+cond, args...); err != nil {
		return nil, 0, wrap("SearchProfiles", err)
	}
	page := max(q.Page, 1)
	args = append(args, ProfileSearchPerPage, (page-1)*ProfileSearchPerPage)
	var out []MobilityProfile
	err := s.db.SelectContext(ctx, &out, `SELECT `+profileColumns+profileFrom+`WHERE `+cond+`
		ORDER BY p.updated_at DESC, p.id DESC LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	return out, total, wrap("SearchProfiles", err)
}

// ViewProfile returns a profile the administration may see and logs the
// view (administration, agent, time) for the profile's owner; one it may
// not see is ENOTFOUND, and nothing is logged.
func (s *Store) ViewProfile(ctx context.Context, adminID, viewerID, profileID int64) (*MobilityProfile, error) {
	var p MobilityProfile
	err := s.inTx(ctx, "ViewProfile", func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &p, `SELECT `+profileColumns+profileFrom+`WHERE p.id = $3 AND `+profileVisibleTo,
			adminID, s.now(), profileID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Ce profil n'existe pas ou ne vous est pas visible.")
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO mobility_profile_views (profile_id, administration_id, viewer_id, viewed_at)
			VALUES ($1, $2, $3, $4)`, profileID, adminID, viewerID, s.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// ProfileCV opens the CV of a profile the administration may see.
func (s *Store) ProfileCV(ctx context.Context, adminID, profileID int64) (*MobilityProfile, error) {
	var p MobilityProfile
	err := s.db.GetContext(ctx, &p, `SELECT `+profileColumns+profileFrom+`WHERE p.id = $3 AND p.cv_key IS NOT NULL AND `+profileVisibleTo,
		adminID, s.now(), profileID)
	return &p, wrap("ProfileCV", err)
}

// ProfileInvitations lists the administration's invitations to a profile.
func (s *Store) ProfileInvitations(ctx context.Context, adminID, profileID int64) ([]MobilityInvitation, error) {
	var out []MobilityInvitation
	err := s.db.SelectContext(ctx, &out, `SELECT `+mobilityInvitationColumns+mobilityInvitationFrom+`
		WHERE i.administration_id = $1 AND i.profile_id = $2 ORDER BY i.created_at DESC, i.id DESC`, adminID, profileID)
	return out, wrap("ProfileInvitations", err)
}

// InviteProfile invites the owner of a profile the administration may see
// to apply to one of its published offers: the invitation and its email
// (outbox) in one transaction.
func (s *Store) InviteProfile(ctx context.Context, adminID, senderID, profileID, offerID int64, message string, actor Actor) error {
	message = strings.TrimSpace(message)
	if message == "" || utf8.RuneCountInString(message) > 3000 {
		return FieldError("message", "Écrivez un message à l'agent (3 000 caractères au plus).")
	}
	return s.inTx(ctx, "InviteProfile", func(tx *sqlx.Tx) error {
		var visible bool
		if err := tx.GetContext(ctx, &visible, `SELECT EXISTS (SELECT 1 FROM mobility_profiles p WHERE p.id = $3 AND `+profileVisibleTo+`)`,
			adminID, s.now(), profileID); err != nil {
			return err
		}
		if !visible {
			return Errorf(ENOTFOUND, "Ce profil n'existe pas ou ne vous est pas visible.")
		}
		var published bool
		if err := tx.GetContext(ctx, &published, `SELECT EXISTS (SELECT 1 FROM offers WHERE id = $1 AND administration_id = $2 AND status = 'published')`,
			offerID, adminID); err != nil {
			return err
		}
		if !published {
			return FieldError("offer", "Choisissez une offre publiée de votre administration.")
		}
		var id int64
		if err := tx.GetContext(ctx, &id, `INSERT INTO mobility_invitations (profile_id, administration_id, offer_id, sender_id, message, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, profileID, adminID, offerID, senderID, message, s.now()); err != nil {
			return err
		}
		msg, err := NewOutboxMessage(TaskMobilityInvitation, "default", MobilityInvitationTask{InvitationID: id})
		if err != nil {
			return err
		}
		msg.AdministrationID = &adminID
		if err := insertOutbox(ctx, tx, &msg); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "mobility.invitation", strconv.FormatInt(profileID, 10), map[string]string{"offre": strconv.FormatInt(offerID, 10)})
	})
}

// MobilityInvitationEmail is what the invitation's email says, and to whom.
type MobilityInvitationEmail struct {
	MobilityInvitation
	Email string `db:"email"`
}

// MobilityInvitationByID returns an invitation with its agent's address,
// for the worker.
func (s *Store) MobilityInvitationByID(ctx context.Context, id int64) (*MobilityInvitationEmail, error) {
	var inv MobilityInvitationEmail
	err := s.db.GetContext(ctx, &inv, `SELECT `+mobilityInvitationColumns+`, a.email`+mobilityInvitationFrom+`
		JOIN mobility_profiles p ON p.id = i.profile_id JOIN mobility_agents a ON a.id = p.agent_id WHERE i.id = $1`, id)
	return &inv, wrap("MobilityInvitationByID", err)
}
