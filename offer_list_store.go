package vivier

import (
	"context"
	"strconv"
	"strings"
)

// adminTree starts a query over administration $1 and, when $2 is true, its
// directions at any depth: tree (id, slug, name, short_name, depth, path). A suspended
// direction, and what is below it, is left out: its pages are closed, so a
// list must not lead there. The depth bound keeps a cycle from looping.
const adminTree = `WITH RECURSIVE tree AS (
		SELECT id, slug, name, short_name, 0 AS depth, ARRAY[name] AS path FROM administrations WHERE id = $1
		UNION ALL
		SELECT c.id, c.slug, c.name, c.short_name, t.depth + 1, t.path || c.name FROM administrations c JOIN tree t ON c.parent_id = t.id
		WHERE $2::boolean AND c.status = 'active' AND t.depth < 32)`

// containsPattern is an ILIKE pattern matching q anywhere, q's own % and _
// taken literally.
func containsPattern(q string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
}

// Directions lists the administration and its directions (active ones, any
// depth), in tree order: the choices of a list's direction filter.
func (s *Store) Directions(ctx context.Context, adminID int64) ([]Direction, error) {
	var out []Direction
	err := s.db.SelectContext(ctx, &out, adminTree+` SELECT id, slug, name, depth FROM tree ORDER BY path`, adminID, true)
	return out, wrap("Directions", err)
}

// OfferList returns a page of the administration's offers (and of its
// directions' with f.WithDirections). A page past the end shows the last.
func (s *Store) OfferList(ctx context.Context, adminID int64, f OfferListFilter) (*OfferList, error) {
	f.Query = strings.TrimSpace(f.Query)
	l := &OfferList{Page: max(f.Page, 1), Size: OfferListPageSize}
	if err := s.offerListPage(ctx, adminID, f, l); err != nil {
		return nil, err
	}
	if last := l.Pages(); l.Page > last && l.Total > 0 {
		l.Page = last
		if err := s.offerListPage(ctx, adminID, f, l); err != nil {
			return nil, err
		}
	}
	if err := s.offerListCounts(ctx, l.Rows); err != nil {
		return nil, err
	}
	return l, nil
}

func (s *Store) offerListPage(ctx context.Context, adminID int64, f OfferListFilter, l *OfferList) error {
	where, args := offerListConditions(f)
	args = append([]any{adminID, f.WithDirections}, args...)
	args = append(args, OfferListPageSize, (l.Page-1)*OfferListPageSize)
	n := len(args)
	l.Rows = nil
	err := s.db.SelectContext(ctx, &l.Rows, adminTree+`
		SELECT o.id, o.administration_id, t.slug AS administration_slug, t.name AS administration_name,
			t.short_name AS administration_short_name, o.kind, o.status,
			o.reference, o.title, o.publish_at, o.published_at, o.application_deadline, o.updated_at, count(*) OVER () AS total
		FROM offers o JOIN tree t ON t.id = o.administration_id
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY `+offerListOrder(f.Sort)+` LIMIT $`+strconv.Itoa(n-1)+` OFFSET $`+strconv.Itoa(n), args...)
	if err != nil {
		return wrap("OfferList", err)
	}
	if len(l.Rows) > 0 {
		l.Total = l.Rows[0].Total
		return nil
	}
	// An empty page past the first: how many match says which is the last.
	err = s.db.GetContext(ctx, &l.Total, adminTree+` SELECT count(*) FROM offers o JOIN tree t ON t.id = o.administration_id
		WHERE `+strings.Join(where, " AND "), args[:n-2]...)
	return wrap("OfferList", err)
}

// offerListConditions are the filter's conditions on offers o, whose
// parameters start at $3 ($1 and $2 are adminTree's).
func offerListConditions(f OfferListFilter) (where []string, args []any) {
	where = []string{"true"}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args)+2)
	}
	if f.WithDirections && f.Direction != 0 {
		where = append(where, "o.administration_id = "+arg(f.Direction))
	}
	if f.Status != "" {
		where = append(where, "o.status = "+arg(string(f.Status)))
	}
	if f.Kind != "" {
		where = append(where, "o.kind = "+arg(string(f.Kind)))
	}
	if f.Query != "" {
		// The expression of offers_list_text_idx, so that the trigram index serves.
		where = append(where, "immutable_unaccent(o.title || ' ' || o.reference) ILIKE immutable_unaccent("+arg(containsPattern(f.Query))+")")
	}
	return where, args
}

// offerListOrder is the list's ORDER BY: every order ends on the id, so
// that paging never shows an offer twice.
func offerListOrder(sort string) string {
	switch sort {
	case OfferSortTitle:
		return "lower(immutable_unaccent(o.title)), o.id"
	case OfferSortDeadline:
		return "o.application_deadline NULLS LAST, o.id DESC"
	case OfferSortApplications:
		return "(SELECT count(*) FROM applications a WHERE a.offer_id = o.id) DESC, o.id DESC"
	}
	return "o.updated_at DESC, o.id DESC"
}

// offerListCounts counts the applications of the page's offers, and those
// still new.
func (s *Store) offerListCounts(ctx context.Context, rows []OfferListRow) error {
	if len(rows) == 0 {
		return nil
	}
	ids, admins := make([]int64, len(rows)), make([]int64, len(rows))
	for i, r := range rows {
		ids[i], admins[i] = r.ID, r.AdministrationID
	}
	var counts []struct {
		OfferID int64 `db:"offer_id"`
		N       int   `db:"n"`
		New     int   `db:"new"`
	}
	if err := s.db.SelectContext(ctx, &counts, `SELECT offer_id, count(*) AS n, count(*) FILTER (WHERE category = 'nouvelle') AS new
		FROM applications WHERE offer_id = ANY($1) AND administration_id = ANY($2) GROUP BY offer_id`,
		idArray(ids), idArray(admins)); err != nil {
		return wrap("OfferList", err)
	}
	byID := make(map[int64]int, len(rows))
	for i, r := range rows {
		byID[r.ID] = i
	}
	for _, c := range counts {
		rows[byID[c.OfferID]].Applications, rows[byID[c.OfferID]].NewApplications = c.N, c.New
	}
	return nil
}
