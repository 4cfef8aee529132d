package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// The talent pool ("vivier"): the candidates who agreed, on one of their
// applications to the administration, to be kept for future offers. The
// consent is per application and per administration; it lapses after the
// administration's retention period (retention.go withdraws it every day;
// the queries here also ignore a lapsed one, so that the pool never shows a
// candidate between the expiry and the daily run). Recruiters search the
// pool and invite a candidate to apply to a published offer: one invitation
// per candidate and offer, an email sent by the worker. A line shows the
// name sent with the candidate's latest application to this administration:
// never what they sent to another.

// PoolInvitationTask is the payload of TaskPoolInvitation.
type PoolInvitationTask struct {
	InvitationID int64 `json:"invitation_id"`
}

// PoolPageSize is how many candidates a page of the pool shows.
const PoolPageSize = 50

// poolConsent is the condition on an application a for its candidate to be
// in the pool of administration $1: a consent that has not lapsed.
const poolConsent = `a.administration_id = $1 AND a.talent_pool_at IS NOT NULL AND a.category <> 'anonymisee'
	AND a.talent_pool_at >= now() - make_interval(months => (SELECT ad.retention_months FROM administrations ad WHERE ad.id = $1))`

// PoolCandidate is a line of the talent pool.
type PoolCandidate struct {
	ID         int64     `db:"id"`
	FirstName  string    `db:"first_name"`
	LastName   string    `db:"last_name"`
	Email      string    `db:"email"`
	LastOffer  *string   `db:"last_offer"`  // title of the last application's offer
	LastMetier *string   `db:"last_metier"` // its métier
	LastAt     time.Time `db:"last_at"`
	ConsentEnd time.Time `db:"consent_end"` // when the latest consent lapses
	Total      int       `db:"total"`       // how many match, on every row
	Invited    []int64   `db:"-"`           // offers already proposed
}

// TalentPool returns a page of the administration's talent pool and how many
// candidates match. q searches the name, the words of the CVs sent to the
// administration (French full text) and the last application's offer title
// and métier.
func (s *Store) TalentPool(ctx context.Context, adminID int64, q string, page int) ([]PoolCandidate, int, error) {
	q = strings.TrimSpace(q)
	if page < 1 {
		page = 1
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
	// One pass each: the administration's consents (an index range), the
	// last application of each of their candidates, the candidates whose
	// CV matches (the GIN index), and the count beside the page.
	var out []PoolCandidate
	err := s.db.SelectContext(ctx, &out, `
		WITH consent AS (SELECT a.candidate_id, max(a.talent_pool_at) AS at FROM applications a WHERE `+poolConsent+`
			GROUP BY a.candidate_id),
		last AS (SELECT DISTINCT ON (a.candidate_id) a.candidate_id, a.first_name, a.last_name, o.title, m.label AS metier, a.created_at
			FROM applications a JOIN consent k ON k.candidate_id = a.candidate_id
			LEFT JOIN offers o ON o.id = a.offer_id LEFT JOIN metiers m ON m.id = o.metier_id
			WHERE a.administration_id = $1 ORDER BY a.candidate_id, a.created_at DESC, a.id DESC),
		cv AS (SELECT DISTINCT a.candidate_id FROM application_files f JOIN applications a ON a.id = f.application_id
			WHERE $2 <> '' AND a.administration_id = $1 AND f.deleted_at IS NULL AND f.search @@ websearch_to_tsquery('french', $2))
		SELECT c.id, last.first_name, last.last_name, c.email, last.title AS last_offer, last.metier AS last_metier, last.created_at AS last_at,
			consent.at + make_interval(months => (SELECT ad.retention_months FROM administrations ad WHERE ad.id = $1)) AS consent_end,
			count(*) OVER () AS total
		FROM consent JOIN candidates c ON c.id = consent.candidate_id JOIN last ON last.candidate_id = c.id
		WHERE c.erased_at IS NULL AND c.email IS NOT NULL
		AND ($2 = '' OR (last.first_name || ' ' || last.last_name) ILIKE $3 OR (last.last_name || ' ' || last.first_name) ILIKE $3
			OR last.title ILIKE $3 OR last.metier ILIKE $3 OR c.id IN (SELECT candidate_id FROM cv))
		ORDER BY last.created_at DESC, c.id DESC LIMIT $4 OFFSET $5`, adminID, q, like, PoolPageSize, (page-1)*PoolPageSize)
	if err != nil {
		return nil, 0, wrap("TalentPool", err)
	}
	total := 0
	if len(out) > 0 {
		total = out[0].Total
	}
	if len(out) == 0 {
		return out, total, nil
	}
	ids := make([]int64, len(out))
	for i := range out {
		ids[i] = out[i].ID
	}
	var inv []struct {
		CandidateID int64 `db:"candidate_id"`
		OfferID     int64 `db:"offer_id"`
	}
	if err := s.db.SelectContext(ctx, &inv, `SELECT candidate_id, offer_id FROM pool_invitations
		WHERE administration_id = $1 AND candidate_id = ANY($2)`, adminID, idArray(ids)); err != nil {
		return nil, 0, wrap("TalentPool", err)
	}
	for _, v := range inv {
		for i := range out {
			if out[i].ID == v.CandidateID {
				out[i].Invited = append(out[i].Invited, v.OfferID)
			}
		}
	}
	return out, total, nil
}

// InvitedTo says whether the candidate was already invited to the offer.
func (p PoolCandidate) InvitedTo(offerID int64) bool {
	for _, id := range p.Invited {
		if id == offerID {
			return true
		}
	}
	return false
}

// InviteFromPool invites a candidate of the administration's pool to apply
// to one of its published offers (emplois, concours, stages alike). A second
// invitation to the same offer is refused, as is one to an offer the
// candidate already applied to.
func (s *Store) InviteFromPool(ctx context.Context, adminID, candidateID, offerID int64, actor Actor) (int64, error) {
	var id int64
	err := s.inTx(ctx, "InviteFromPool", func(tx *sqlx.Tx) error {
		var inPool bool
		if err := tx.GetContext(ctx, &inPool, `SELECT EXISTS (SELECT 1 FROM applications a JOIN candidates c ON c.id = a.candidate_id
			WHERE a.candidate_id = $2 AND c.erased_at IS NULL AND c.email IS NOT NULL AND `+poolConsent+`)`, adminID, candidateID); err != nil {
			return err
		}
		if !inPool {
			return Errorf(ENOTFOUND, "Cette personne n'est pas dans le vivier de votre administration.")
		}
		var title string
		err := tx.GetContext(ctx, &title, `SELECT title FROM offers WHERE id = $1 AND administration_id = $2 AND status = 'published'`,
			offerID, adminID)
		if errors.Is(err, sql.ErrNoRows) {
			return FieldError("offer", "Choisissez une offre publiée de votre administration.")
		}
		if err != nil {
			return err
		}
		var applied bool
		if err := tx.GetContext(ctx, &applied, `SELECT EXISTS (SELECT 1 FROM applications WHERE candidate_id = $1 AND offer_id = $2)`,
			candidateID, offerID); err != nil {
			return err
		}
		if applied {
			return Errorf(ECONFLICT, "Cette personne a déjà postulé à l'offre « %s » : inutile de l'y inviter.", title)
		}
		var agentID *int64
		if actor.AgentID != 0 {
			agentID = &actor.AgentID
		}
		err = tx.GetContext(ctx, &id, `INSERT INTO pool_invitations (administration_id, candidate_id, offer_id, agent_id)
			VALUES ($1, $2, $3, $4) ON CONFLICT (candidate_id, offer_id) DO NOTHING RETURNING id`, adminID, candidateID, offerID, agentID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ECONFLICT, "Cette personne a déjà été invitée à postuler à l'offre « %s ».", title)
		}
		if err != nil {
			return err
		}
		msg, err := NewOutboxMessage(TaskPoolInvitation, "default", PoolInvitationTask{InvitationID: id})
		if err != nil {
			return err
		}
		msg.AdministrationID = &adminID
		if err := insertOutbox(ctx, tx, &msg); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "pool.invited", title, map[string]string{
			"candidat·e": strconv.FormatInt(candidateID, 10), "offre": strconv.FormatInt(offerID, 10)})
	})
	return id, err
}

// PoolInvitation is what the invitation email says.
type PoolInvitation struct {
	ID               int64   `db:"id"`
	AdministrationID int64   `db:"administration_id"`
	AdminName        string  `db:"administration_name"`
	FirstName        string  `db:"first_name"`
	Email            *string `db:"email"`
	OfferID          int64   `db:"offer_id"`
	OfferTitle       string  `db:"offer_title"`
	OfferStatus      string  `db:"offer_status"`
	Consented        bool    `db:"consented"` // the consent still holds
}

// PoolInvitationByID returns an invitation for the worker.
func (s *Store) PoolInvitationByID(ctx context.Context, id int64) (*PoolInvitation, error) {
	var p PoolInvitation
	err := s.db.GetContext(ctx, &p, `SELECT i.id, i.administration_id, ad.name AS administration_name,
			coalesce((SELECT a.first_name FROM applications a WHERE a.candidate_id = c.id AND a.administration_id = i.administration_id
				ORDER BY a.created_at DESC, a.id DESC LIMIT 1), '') AS first_name, c.email,
			o.id AS offer_id, o.title AS offer_title, o.status AS offer_status,
			EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = c.id AND `+strings.ReplaceAll(poolConsent, "$1", "i.administration_id")+`) AS consented
		FROM pool_invitations i JOIN candidates c ON c.id = i.candidate_id JOIN offers o ON o.id = i.offer_id
		JOIN administrations ad ON ad.id = i.administration_id WHERE i.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Invitation introuvable.")
	}
	return &p, wrap("PoolInvitationByID", err)
}
