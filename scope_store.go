package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/lib/pq"
)

// What an agent may reach of the administration's applications. The
// back-office decides an agent's Scope once per request, from their role,
// and every query that reads or writes applications for agents applies it
// beside the administration id: the whole administration for whoever reads
// every application, only the applications assigned to them for a jury
// member (membre_jury, who holds applications:read_assigned but not
// applications:read).

// scopeSQL is the condition of a jury member's scope on applications a,
// with the agent id as parameter n and the administration id as parameter
// adm (0 for the agent: every application). It names no column of a but
// a.id, so that the planner hashes the assigned ids once.
func scopeSQL(n, adm int) string {
	p := "$" + strconv.Itoa(n)
	inAdm := func(col string) string { return col + " = $" + strconv.Itoa(adm) }
	return `(` + p + `::bigint = 0 OR a.id IN (` + assignedSQL(p, inAdm) + `))`
}

// assignedSQL selects the ids of the applications given to the agent (an
// SQL expression) in the administrations inAdm accepts: assigned to them,
// or given to a selection board they sit on, whose members read what they
// mark.
func assignedSQL(agent string, inAdm func(col string) string) string {
	return `SELECT s.application_id FROM application_assignees s WHERE s.agent_id = ` + agent + ` AND ` + inAdm("s.administration_id") + `
		UNION SELECT ba.application_id FROM board_applications ba
		JOIN board_members bm ON bm.board_id = ba.board_id
		JOIN selection_boards sb ON sb.id = ba.board_id
		WHERE bm.agent_id = ` + agent + ` AND ` + inAdm("sb.administration_id")
}

func inScope(ctx context.Context, q queryer, adminID, appID int64, sc Scope) error {
	var ok bool
	err := q.GetContext(ctx, &ok, `SELECT true FROM applications a WHERE a.id = $1 AND a.administration_id = $2 AND `+scopeSQL(3, 2),
		appID, adminID, sc.AssignedTo)
	if errors.Is(err, sql.ErrNoRows) {
		return Errorf(ENOTFOUND, "Candidature introuvable.")
	}
	return err
}

// InScope says whether an application is the administration's and within
// the agent's scope; ENOTFOUND otherwise, whether it exists or not.
func (s *Store) InScope(ctx context.Context, adminID, appID int64, sc Scope) error {
	return wrap("InScope", inScope(ctx, s.db, adminID, appID, sc))
}

// AllInScope is InScope for the applications of a bulk action: ENOTFOUND
// when any of them is outside the scope.
func (s *Store) AllInScope(ctx context.Context, adminID int64, appIDs []int64, sc Scope) error {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM applications a WHERE a.id = ANY($1) AND a.administration_id = $2 AND `+scopeSQL(3, 2),
		pq.Array(appIDs), adminID, sc.AssignedTo)
	if err != nil {
		return wrap("AllInScope", err)
	}
	seen := map[int64]bool{}
	for _, id := range appIDs {
		seen[id] = true
	}
	if n != len(seen) {
		return Errorf(ENOTFOUND, "Candidature introuvable.")
	}
	return nil
}

// OfferInScope says whether an offer is the administration's and, for a
// narrowed scope, has at least one application within it: a jury member
// opens the list of an offer they review, and learns nothing of the
// others.
func (s *Store) OfferInScope(ctx context.Context, adminID, offerID int64, sc Scope) error {
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT true FROM offers o WHERE o.id = $1 AND o.administration_id = $2
		AND ($3::bigint = 0 OR EXISTS (SELECT 1 FROM applications a WHERE a.offer_id = o.id AND a.administration_id = $2 AND `+scopeSQL(3, 2)+`))`,
		offerID, adminID, sc.AssignedTo)
	if errors.Is(err, sql.ErrNoRows) {
		return Errorf(ENOTFOUND, "Offre introuvable.")
	}
	return wrap("OfferInScope", err)
}
