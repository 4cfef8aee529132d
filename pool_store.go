package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// poolConsent is the condition on an application a for its candidate to be
// in the pool of administration $1: a consent that has not lapsed at the
// time the parameter now names (the store's clock).
func poolConsent(now string) string {
	return `a.administration_id = $1 AND a.talent_pool_at IS NOT NULL AND a.category <> 'anonymisee'
	AND a.talent_pool_at >= ` + now + `::timestamptz - make_interval(months => (SELECT ad.retention_months FROM administrations ad WHERE ad.id = $1))`
}

// TalentPool returns a page of the administration's own talent pool and how
// many candidates match (TalentPoolList with a search only).
func (s *Store) TalentPool(ctx context.Context, adminID int64, q string, page int) ([]PoolCandidate, int, error) {
	l, err := s.TalentPoolList(ctx, adminID, PoolFilter{Query: q, Page: page})
	if err != nil {
		return nil, 0, err
	}
	return l.Rows, l.Total, nil
}

// TalentPoolList returns a page of the talent pool of the administration
// (and of its directions with f.WithDirections). f.Query searches the name,
// the words of the CVs sent to the administration (French full text) and
// the last application's offer title and métier. A page past the end shows
// the last one.
func (s *Store) TalentPoolList(ctx context.Context, adminID int64, f PoolFilter) (*PoolList, error) {
	f.Query = strings.TrimSpace(f.Query)
	l := &PoolList{Page: max(f.Page, 1), Size: PoolPageSize}
	if err := s.talentPoolPage(ctx, adminID, f, l); err != nil {
		return nil, err
	}
	if len(l.Rows) == 0 && l.Page > 1 {
		// Past the end (an old link, a shrunk pool): the first page tells
		// how many there are, then the last one is shown.
		l.Page = 1
		if err := s.talentPoolPage(ctx, adminID, f, l); err != nil {
			return nil, err
		}
		if last := l.Pages(); last > 1 {
			l.Page = last
			if err := s.talentPoolPage(ctx, adminID, f, l); err != nil {
				return nil, err
			}
		}
	}
	return l, s.poolInvitations(ctx, l.Rows)
}

// talentPoolPage reads the page l.Page: the consents of the tree's
// administrations (an index range each), the last application of each of
// their candidates there (one index lookup each), ordered and counted; only
// then are the page's offer titles and métiers read, rather than every
// line's. The search reads the offer and the CVs (the GIN index) of the
// lines it tests only.
func (s *Store) talentPoolPage(ctx context.Context, adminID int64, f PoolFilter, l *PoolList) error {
	consent := strings.ReplaceAll(poolConsent("$3"), "$1", "t.id")
	l.Rows = nil
	err := s.db.SelectContext(ctx, &l.Rows, adminTree+`,
		consent AS (SELECT a.administration_id, a.candidate_id, max(a.talent_pool_at) AS at FROM tree t
			JOIN applications a ON a.administration_id = t.id
			WHERE `+consent+` AND ($8::bigint = 0 OR a.administration_id = $8) AND ($9::bigint = 0 OR a.candidate_id = $9)
			GROUP BY a.administration_id, a.candidate_id),
		page AS (SELECT c.id, consent.administration_id, t.slug AS administration_slug, t.name AS administration_name,
			t.short_name AS administration_short_name, last.first_name, last.last_name, c.email, last.offer_id, last.created_at AS last_at,
			consent.at + make_interval(months => ad.retention_months) AS consent_end,
			count(*) OVER () AS total
		FROM consent JOIN tree t ON t.id = consent.administration_id JOIN administrations ad ON ad.id = consent.administration_id
		JOIN candidates c ON c.id = consent.candidate_id
		CROSS JOIN LATERAL (SELECT a.first_name, a.last_name, a.offer_id, a.created_at FROM applications a
			WHERE a.administration_id = consent.administration_id AND a.candidate_id = consent.candidate_id
				AND NOT identity_masked(a)
			ORDER BY a.created_at DESC, a.id DESC LIMIT 1) last
		WHERE c.erased_at IS NULL AND c.email IS NOT NULL
		AND ($4 = '' OR (last.first_name || ' ' || last.last_name) ILIKE $5 OR (last.last_name || ' ' || last.first_name) ILIKE $5
			OR EXISTS (SELECT 1 FROM offers o LEFT JOIN metiers m ON m.id = o.metier_id
				WHERE o.id = last.offer_id AND (o.title ILIKE $5 OR m.label ILIKE $5))
			OR EXISTS (SELECT 1 FROM application_files f JOIN applications x ON x.id = f.application_id
				WHERE x.administration_id = consent.administration_id AND x.candidate_id = c.id AND f.deleted_at IS NULL
				AND f.search @@ websearch_to_tsquery('french', $4)))
		ORDER BY `+poolOrder(f.Sort, false)+` LIMIT $6 OFFSET $7)
		SELECT page.*, o.title AS last_offer, m.label AS last_metier
		FROM page LEFT JOIN offers o ON o.id = page.offer_id LEFT JOIN metiers m ON m.id = o.metier_id
		ORDER BY `+poolOrder(f.Sort, true),
		adminID, f.WithDirections, s.now(), f.Query, containsPattern(f.Query), PoolPageSize, (l.Page-1)*PoolPageSize,
		f.Direction, f.CandidateID)
	if err != nil {
		return wrap("TalentPool", err)
	}
	l.Total = 0
	if len(l.Rows) > 0 {
		l.Total = l.Rows[0].Total
	}
	return nil
}

// poolOrder is the pool's ORDER BY, inside the page query (on the
// consent, the candidate and the last application) or around it (on the
// page's columns): every order ends on the line's key, so that paging never
// shows a line twice.
func poolOrder(sort string, page bool) string {
	last, first, at, id, adm := "last.last_name", "last.first_name", "last.created_at", "c.id", "consent.administration_id"
	if page {
		last, first, at, id, adm = "page.last_name", "page.first_name", "page.last_at", "page.id", "page.administration_id"
	}
	switch sort {
	case PoolSortName:
		return "lower(" + last + "), lower(" + first + "), " + id + ", " + adm
	case PoolSortConsent:
		return "consent_end, " + id + ", " + adm
	}
	return at + " DESC, " + id + " DESC, " + adm
}

// poolInvitations adds to each line the offers its person was already
// invited to by that administration.
func (s *Store) poolInvitations(ctx context.Context, rows []PoolCandidate) error {
	if len(rows) == 0 {
		return nil
	}
	ids, admins := make([]int64, len(rows)), make([]int64, len(rows))
	for i := range rows {
		ids[i], admins[i] = rows[i].ID, rows[i].AdministrationID
	}
	var inv []struct {
		AdministrationID int64  `db:"administration_id"`
		CandidateID      int64  `db:"candidate_id"`
		OfferID          int64  `db:"offer_id"`
		Title            string `db:"title"`
	}
	if err := s.db.SelectContext(ctx, &inv, `SELECT i.administration_id, i.candidate_id, i.offer_id, o.title FROM pool_invitations i
		JOIN offers o ON o.id = i.offer_id
		WHERE i.administration_id = ANY($1) AND i.candidate_id = ANY($2) ORDER BY i.created_at, i.id`, idArray(admins), idArray(ids)); err != nil {
		return wrap("TalentPool", err)
	}
	for _, v := range inv {
		for i := range rows {
			if rows[i].ID == v.CandidateID && rows[i].AdministrationID == v.AdministrationID {
				rows[i].Invited = append(rows[i].Invited, v.OfferID)
				rows[i].InvitedTitles = append(rows[i].InvitedTitles, v.Title)
			}
		}
	}
	return nil
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
			WHERE a.candidate_id = $2 AND c.erased_at IS NULL AND c.email IS NOT NULL AND `+poolConsent("$3")+`)`, adminID, candidateID, s.now()); err != nil {
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

// PoolInvitationByID returns an invitation for the worker.
func (s *Store) PoolInvitationByID(ctx context.Context, id int64) (*PoolInvitation, error) {
	var p PoolInvitation
	err := s.db.GetContext(ctx, &p, `SELECT i.id, i.administration_id, ad.name AS administration_name,
			coalesce((SELECT a.first_name FROM applications a WHERE a.candidate_id = c.id AND a.administration_id = i.administration_id
				ORDER BY a.created_at DESC, a.id DESC LIMIT 1), '') AS first_name, c.email,
			o.id AS offer_id, o.title AS offer_title, o.status AS offer_status,
			EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = c.id AND `+strings.ReplaceAll(poolConsent("$2"), "$1", "i.administration_id")+`) AS consented
		FROM pool_invitations i JOIN candidates c ON c.id = i.candidate_id JOIN offers o ON o.id = i.offer_id
		JOIN administrations ad ON ad.id = i.administration_id WHERE i.id = $1`, id, s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Invitation introuvable.")
	}
	return &p, wrap("PoolInvitationByID", err)
}
