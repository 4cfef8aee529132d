package vivier

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"

	"github.com/lib/pq"
)

// The per-offer list and the board. Every query takes the administration
// id.

// PipelineList returns a page of an offer's applications and how many match.
func (s *Store) PipelineList(ctx context.Context, adminID, offerID int64, f PipelineFilter) ([]PipelineRow, int, error) {
	if err := s.orderMasks(ctx, adminID, offerID, &f); err != nil {
		return nil, 0, wrap("PipelineList", err)
	}
	rows, total, err := pipelineRows(ctx, s, adminID, pipelineQuery(adminID, offerID, f), f, func(r PipelineRow) int { return r.Total })
	return rows, total, wrap("PipelineList", err)
}

// ApplicationList returns a page of the administration's applications
// (every offer and the spontaneous ones; with f.Within, its directions'
// too) and how many match.
func (s *Store) ApplicationList(ctx context.Context, adminID int64, f PipelineFilter) ([]ApplicationListRow, int, error) {
	if err := s.orderMasks(ctx, adminID, 0, &f); err != nil {
		return nil, 0, wrap("ApplicationList", err)
	}
	rows, total, err := pipelineRows(ctx, s, adminID, pipelineQuery(adminID, 0, f), f, func(r ApplicationListRow) int { return r.Total })
	return rows, total, wrap("ApplicationList", err)
}

// pipelineRows reads a page of a list into rows of type R (a PipelineRow, or
// one that embeds it) and how many match.
func pipelineRows[R any](ctx context.Context, s *Store, adminID int64, q pipelineSQL, f PipelineFilter, totalOf func(R) int) ([]R, int, error) {
	var rows []R
	if err := s.db.SelectContext(ctx, &rows, q.page, q.pageArgs...); err != nil {
		return nil, 0, err
	}
	shown := make([]*PipelineRow, len(rows))
	for i := range rows {
		shown[i] = any(&rows[i]).(interface{ pipelineRow() *PipelineRow }).pipelineRow()
	}
	if err := s.maskRows(ctx, adminID, f.Viewer, shown); err != nil {
		return nil, 0, err
	}
	total := len(rows)
	switch {
	case f.Known > 0:
		total = f.Known
	case q.windowed && len(rows) > 0:
		total = totalOf(rows[0])
	case f.IDs == nil && (q.offset > 0 || len(rows) == q.limit):
		if err := s.db.GetContext(ctx, &total, q.count, q.args...); err != nil {
			return nil, 0, err
		}
	default:
		total += q.offset
	}
	return rows, total, nil
}

// pipelineSQL is the list's two queries: the page, and the count.
type pipelineSQL struct {
	page, count    string
	windowed       bool // the page counts the matches itself
	args, pageArgs []any
	limit, offset  int
}

// pipelineQuery writes only the conditions of the filters in use, so that
// each query is planned for what it asks (no "$n = 0 OR …" left for the
// planner to fold), and joins the candidates only when a filter or the
// order needs them. The page is found first on applications alone (the
// (offer_id, created_at) index gives the default order, even far into the
// pages), then only its rows are completed with the candidate, the step,
// the rating and the tags.
func pipelineQuery(adminID, offerID int64, f PipelineFilter) pipelineSQL {
	q := pipelineSQL{limit: PipelinePageSize}
	if f.Page > 1 {
		q.offset = (f.Page - 1) * PipelinePageSize
	}
	if f.IDs != nil {
		q.limit, q.offset = len(f.IDs), 0
	}
	var where []string
	where, q.args = pipelineConditions(adminID, offerID, f)
	order := pipelineOrder(f.Sort, f.maskedOrder)
	// No condition needs the candidates: the identity is the application's.
	filtered := " WHERE " + strings.Join(where, " AND ")
	q.count = "SELECT count(*) FROM applications a" + filtered
	filtered = "FROM applications a" + filtered
	q.pageArgs = append(append([]any(nil), q.args...), q.limit, q.offset)
	n := len(q.args)
	// The full text visits every match whatever the order: the page counts
	// them on the way, rather than a second query doing the search again.
	total := "0::bigint AS total"
	if f.Query != "" {
		q.windowed, total = true, "count(*) OVER () AS total"
	}
	// The administration's list also names each row's offer and
	// administration (a direction's, for a parent).
	cols, joins := "", ""
	if offerID == 0 {
		cols = `, a.offer_id, o.title AS offer_title, a.administration_id, d.slug AS administration_slug,
			d.name AS administration_name, d.short_name AS administration_short`
		joins = ` LEFT JOIN offers o ON o.id = a.offer_id JOIN administrations d ON d.id = a.administration_id`
	}
	q.page = `
		SELECT a.id, a.category, a.stage_id, st.name AS stage_name,
			a.first_name, a.last_name, c.email, (c.erased_at IS NOT NULL OR a.category = 'anonymisee') AS erased, a.source, a.created_at, p.total,
			(SELECT avg(r.score)::float8 FROM application_ratings r WHERE r.application_id = a.id) AS rating,
			(SELECT string_agg(t.label, ', ' ORDER BY lower(t.label)) FROM application_tags x JOIN tags t ON t.id = x.tag_id
			 WHERE x.application_id = a.id) AS tags` + cols + `
		FROM (SELECT a.id, ` + total + ` ` + filtered + ` ORDER BY ` + order + ` LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2) + `) p
		JOIN applications a ON a.id = p.id JOIN candidates c ON c.id = a.candidate_id
		LEFT JOIN pipeline_steps st ON st.id = a.stage_id` + joins + `
		ORDER BY ` + order
	return q
}

// pipelineConditions is the list's WHERE, on applications a, and its
// parameters: what the page, its count and the neighbours of one
// application (the previous and next of the list) share. An offer id of 0
// is the administration's list: every offer and the spontaneous
// applications, and with f.Within its directions'.
func pipelineConditions(adminID, offerID int64, f PipelineFilter) (where []string, args []any) {
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	// inAdm is the tenant condition on a column: every table read below
	// states it, so that no subquery reaches outside the administrations
	// listed.
	var inAdm func(col string) string
	if offerID == 0 && len(f.Within) > 0 {
		within := arg(pq.Array(f.Within))
		inAdm = func(col string) string { return col + " = ANY(" + within + ")" }
	} else {
		adm := arg(adminID)
		inAdm = func(col string) string { return col + " = " + adm }
	}
	where = []string{inAdm("a.administration_id")}
	ofOffer := func(string) string { return "" } // the search's subqueries stay in the offer
	if offerID != 0 {
		off := arg(offerID)
		where = append(where, "a.offer_id = "+off)
		ofOffer = func(col string) string { return " AND " + col + " = " + off }
	}
	// cond adds a condition whose parameter is added only then.
	cond := func(ok bool, c func() string) {
		if ok {
			where = append(where, c())
		}
	}
	cond(offerID == 0 && f.OfferID != 0, func() string { return "a.offer_id = " + arg(f.OfferID) })
	cond(offerID == 0 && f.Spontaneous, func() string { return "a.offer_id IS NULL" })
	// A direction outside Within adds a condition no row meets both ways.
	cond(offerID == 0 && f.Direction != 0, func() string { return "a.administration_id = " + arg(f.Direction) })
	cond(f.StageID != 0, func() string { return "a.stage_id = " + arg(f.StageID) })
	cond(f.Source != "", func() string { return "a.source = " + arg(f.Source) })
	cond(!f.From.IsZero(), func() string { return "a.created_at >= " + arg(f.From) })
	cond(!f.To.IsZero(), func() string { return "a.created_at < " + arg(f.To) })
	// The full text is index lookups whose ids are gathered (the
	// applications' and the files' GIN indexes, the candidates' names
	// lowercased), rather than one OR evaluated on every row of the offer.
	// A masked application (anonymised screening) is neither found nor
	// left out by its name, email or phone: each lookup keeps a masked
	// match only when its text matches without the lexemes of its names (so
	// that a stemmed or hyphenated name tells nothing either), and not by
	// its email or phone, so that the list keeps its semi-join on the
	// gathered ids. A search that negates a word (the only one a text
	// without a name can match while the text does not) looks at the
	// masked applications of the offers that screen anonymously too. Where
	// no offer of the administration screens anonymously (most often), one
	// look at the offers spares all of it.
	cond(f.Query != "", func() string {
		p := arg(f.Query)
		tsq := `websearch_to_tsquery('french', ` + p + `)`
		none := `NOT EXISTS (SELECT 1 FROM offers o WHERE o.anonymous_until_step_id IS NOT NULL AND ` + inAdm("o.administration_id") + `)`
		unnamed := func(y, text string) string {
			return `ts_delete(` + text + `, ` + nameLexemes(y) + `) @@ ` + tsq + ` AND NOT ` + contactedBy(y, p)
		}
		ids := `a.id IN (SELECT x.id FROM applications x WHERE x.search @@ ` + tsq + `
			  ` + ofOffer("x.offer_id") + ` AND ` + inAdm("x.administration_id") + ` AND (` + none + ` OR NOT identity_masked(x) OR ` + unnamed("x", "x.search") + `)
			UNION SELECT f.application_id FROM application_files f
			  WHERE f.search @@ ` + tsq + ` AND f.deleted_at IS NULL
			  AND (` + none + ` OR NOT EXISTS (SELECT 1 FROM applications y WHERE y.id = f.application_id AND identity_masked(y)
				AND NOT (` + unnamed("y", "f.search") + `)))
			UNION SELECT x.id FROM applications x
			  WHERE (lower(x.last_name) = lower(` + p + `) OR lower(x.first_name || ' ' || x.last_name) = lower(` + p + `))
			  ` + ofOffer("x.offer_id") + ` AND ` + inAdm("x.administration_id") + ` AND (` + none + ` OR NOT identity_masked(x))`
		if negates(f.Query) {
			screening := func(y string) string {
				return `NOT ` + none + ` AND ` + y + `.offer_id IN (SELECT o.id FROM offers o WHERE o.anonymous_until_step_id IS NOT NULL AND ` +
					inAdm("o.administration_id") + `) AND ` + inAdm(y+".administration_id") + ofOffer(y+".offer_id") + ` AND identity_masked(` + y + `)`
			}
			ids += `
			UNION SELECT x.id FROM applications x WHERE ` + screening("x") + ` AND ` + unnamed("x", "x.search") + `
			UNION SELECT f.application_id FROM applications y JOIN application_files f ON f.application_id = y.id AND f.deleted_at IS NULL
			  WHERE ` + screening("y") + ` AND ` + unnamed("y", "f.search")
		}
		return ids + `)`
	})
	cond(f.IDs != nil, func() string { return "a.id = ANY(" + arg(idArray(f.IDs)) + ")" })
	cond(f.TagID != 0, func() string {
		return "a.id IN (SELECT x.application_id FROM application_tags x WHERE x.tag_id = " + arg(f.TagID) +
			" AND " + inAdm("x.administration_id") + ")"
	})
	cond(f.AssigneeID != 0, func() string {
		return "a.id IN (SELECT x.application_id FROM application_assignees x WHERE x.agent_id = " + arg(f.AssigneeID) +
			" AND " + inAdm("x.administration_id") + ")"
	})
	cond(f.Scope.AssignedTo != 0, func() string {
		return "a.id IN (" + assignedSQL(arg(f.Scope.AssignedTo), inAdm) + ")"
	})
	cond(f.MinRating != 0, func() string {
		return "a.id IN (SELECT r.application_id FROM application_ratings r WHERE " + inAdm("r.administration_id") +
			" GROUP BY r.application_id HAVING avg(r.score) >= " + arg(f.MinRating) + ")"
	})
	cond(f.Unrated, func() string { return "NOT EXISTS (SELECT 1 FROM application_ratings r WHERE r.application_id = a.id)" })
	cond(f.Incomplete, func() string { return incompleteSQL })
	where = append(where, queueConditions(f, inAdm, arg)...)
	return where, args
}

// orderMasks says whether a sort by name must put masked applications
// apart: only when an offer of the list screens anonymously, so that the
// others keep the index on the names.
func (s *Store) orderMasks(ctx context.Context, adminID, offerID int64, f *PipelineFilter) error {
	if f.Sort != "nom" {
		return nil
	}
	within := f.Within
	if offerID != 0 || len(within) == 0 {
		within = []int64{adminID}
	}
	return s.db.GetContext(ctx, &f.maskedOrder, `SELECT EXISTS (SELECT 1 FROM offers o WHERE o.anonymous_until_step_id IS NOT NULL
		AND o.administration_id = ANY($1) AND ($2 = 0 OR o.id = $2))`, pq.Array(within), offerID)
}

// pipelineOrder is the list's ORDER BY for a sort ("recentes" by default):
// every order ends on the id, so that it is total. By name, when masked
// applications (anonymised screening) may be listed, they come after the
// others, in the order of their pseudonyms (their ids): sorted by their
// real names, their places would tell them. No key is NULL, so that the
// neighbours of an application (ApplicationNav) compare rows.
func pipelineOrder(sort string, masked bool) string {
	switch {
	case sort == "anciennes":
		return "a.created_at, a.id"
	case sort == "nom" && !masked:
		return "lower(a.last_name), lower(a.first_name), a.id"
	case sort == "nom":
		return "identity_masked(a), CASE WHEN identity_masked(a) THEN '' ELSE lower(a.last_name) END, " +
			"CASE WHEN identity_masked(a) THEN '' ELSE lower(a.first_name) END, a.id"
	}
	return "a.created_at DESC, a.id DESC"
}

// negates says whether a search may negate a word (websearch_to_tsquery's
// "-word"): a hyphen that does not join two words.
func negates(q string) bool { return negation.MatchString(q) }

var negation = regexp.MustCompile(`(^|[^\p{L}\p{N}])-`)

func idArray(ids []int64) any {
	if ids == nil {
		return nil
	}
	return pq.Array(ids)
}

// StepCounts counts an offer's applications per step (0: withdrawn and
// erased ones, which have none).
func (s *Store) StepCounts(ctx context.Context, adminID, offerID int64, sc Scope) (map[int64]int, error) {
	var rows []struct {
		StageID sql.NullInt64 `db:"stage_id"`
		N       int           `db:"n"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT a.stage_id, count(*) AS n FROM applications a
		WHERE a.administration_id = $1 AND a.offer_id = $2 AND `+scopeSQL(3, 1)+` GROUP BY a.stage_id`, adminID, offerID, sc.AssignedTo)
	out := map[int64]int{}
	for _, r := range rows {
		out[r.StageID.Int64] += r.N
	}
	return out, wrap("StepCounts", err)
}
