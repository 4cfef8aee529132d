package vivier

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// ApplicationNav places one application in a list (an offer's, or with
// offerID 0 the administration's) under the list's filter and order. The
// neighbours are found by comparing the order's keys with the
// application's own (keyset), not by numbering the whole list, so that the
// cost follows the application's place, not the list's size. An
// application that left the list (decided out of a "Nouvelle" filter)
// still has the neighbours it had there.
func (s *Store) ApplicationNav(ctx context.Context, adminID, offerID int64, f PipelineFilter, id int64) (ApplicationNav, error) {
	var nav ApplicationNav
	if err := s.orderMasks(ctx, adminID, offerID, &f); err != nil {
		return nav, wrap("ApplicationNav", err)
	}
	where, args := pipelineConditions(adminID, offerID, f)
	cols, desc := orderKeys(pipelineOrder(f.Sort, f.maskedOrder))
	args = append(args, id, adminID)
	cur, adm := "$"+strconv.Itoa(len(args)-1), "$"+strconv.Itoa(len(args))
	filtered := "FROM applications a WHERE " + strings.Join(where, " AND ")
	with := ""
	if f.Query != "" {
		// The full text is searched once, not in each part of the query.
		with = "WITH m AS MATERIALIZED (SELECT a.id " + filtered + ") "
		filtered = "FROM applications a WHERE a.id IN (SELECT m.id FROM m)"
	}
	// The application's own keys, read once; scoped to the administration
	// so that another's id places nothing (its own parameter: the list's
	// conditions may name a parent's directions instead of adminID).
	keys := "(SELECT " + strings.Join(cols, ", ") + " FROM applications a WHERE a.id = " + cur + " AND a.administration_id = " + adm + ")"
	row := "(" + strings.Join(cols, ", ") + ")"
	before, after := row+" < "+keys, row+" > "+keys
	if desc {
		before, after = after, before
	}
	var r struct {
		Before int           `db:"before"`
		Total  int           `db:"total"`
		Member bool          `db:"member"`
		Prev   sql.NullInt64 `db:"prev"`
		Next   sql.NullInt64 `db:"next"`
	}
	q := with + `SELECT
		(SELECT count(*) ` + filtered + ` AND ` + before + `) AS before,
		(SELECT count(*) ` + filtered + `) AS total,
		EXISTS (SELECT 1 ` + filtered + ` AND a.id = ` + cur + `) AS member,
		(SELECT a.id ` + filtered + ` AND ` + before + ` ORDER BY ` + orderBy(cols, !desc) + ` LIMIT 1) AS prev,
		(SELECT a.id ` + filtered + ` AND ` + after + ` ORDER BY ` + orderBy(cols, desc) + ` LIMIT 1) AS next`
	if err := s.db.GetContext(ctx, &r, q, args...); err != nil {
		return nav, wrap("ApplicationNav", err)
	}
	nav.Total, nav.PrevID, nav.NextID = r.Total, r.Prev.Int64, r.Next.Int64
	if r.Member {
		nav.Position = r.Before + 1
	}
	return nav, nil
}

// orderKeys reads the list's ORDER BY back into its columns and direction,
// so that the neighbours follow the list's own order. Every order of the
// list runs one way on all its columns, which a row comparison needs.
func orderKeys(order string) (cols []string, desc bool) {
	for _, c := range strings.Split(order, ", ") {
		k, d := strings.CutSuffix(c, " DESC")
		cols, desc = append(cols, k), d
	}
	return cols, desc
}

func orderBy(cols []string, desc bool) string {
	if !desc {
		return strings.Join(cols, ", ")
	}
	return strings.Join(cols, " DESC, ") + " DESC"
}
