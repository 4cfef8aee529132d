package vivier

import (
	"context"
	"database/sql"
	"time"

	"github.com/jmoiron/sqlx"
)

// Recruitment statistics of an administration, of its tree, or of one of
// its directions. Every figure is aggregated in PostgreSQL over the
// applications received in a period (the cohort), so that a page reads a
// few dozen rows whatever the volume. Every query starts from the
// administration named by the URL: the scope is its subtree, never more.

// statsScope is the start of every statistics query: $1 the URL's
// administration, $2 the chosen one of its tree, $3 with its children;
// cohort is the applications received from $4 to $5 (excluded), of the
// offer $6 (0: all, -1: spontaneous only).
const statsScope = `WITH RECURSIVE tree AS (
		SELECT id, id = $2 AS inside FROM administrations WHERE id = $1
		UNION ALL
		SELECT c.id, (t.inside AND $3) OR c.id = $2 FROM administrations c JOIN tree t ON c.parent_id = t.id),
	scope AS (SELECT id FROM tree WHERE inside),
	cohort AS MATERIALIZED (
		SELECT a.id, a.administration_id, a.offer_id, a.category, a.stage_id, a.source, a.created_at, a.talent_pool_at, a.civility
		FROM applications a
		WHERE a.administration_id IN (SELECT id FROM scope) AND a.created_at >= $4 AND a.created_at < $5
		  AND ($6::bigint = 0 OR a.offer_id = $6 OR ($6 = -1 AND a.offer_id IS NULL)))`

// Statistics computes the figures of the filter's scope and period.
func (s *Store) Statistics(ctx context.Context, f StatsFilter) (*Stats, error) {
	if f.ScopeID == 0 {
		f.ScopeID = f.AdministrationID
	}
	if !f.From.Before(f.To) {
		return nil, FieldError("du", "La date de début doit précéder la date de fin.")
	}
	args := []any{f.AdministrationID, f.ScopeID, f.WithChildren, f.From, f.To, f.OfferID}
	st := &Stats{}
	tx, err := s.statsTx(ctx)
	if err != nil {
		return nil, err
	}
	defer rollback(tx)
	if err := statsInScope(ctx, tx, f); err != nil {
		return nil, err
	}
	var counts []statsKeyCount
	var equality []equalityCounts
	for _, q := range statsQueries(f, s.now(), st, &counts, &equality) {
		if err := q.run(ctx, tx); err != nil {
			return nil, wrap("Statistics "+q.name, err)
		}
	}
	for _, c := range counts {
		switch c.Kind {
		case "month":
			st.ByMonth = append(st.ByMonth, c.StatCount)
		case "source":
			st.BySource = append(st.BySource, c.StatCount)
		default:
			st.ByCategory = append(st.ByCategory, c.StatCount)
		}
	}
	st.Equality = equalityStages(equality)
	st.OffersWithoutAll = len(st.OffersWithout)
	if len(st.OffersWithout) > StatsOffersWithoutLimit {
		st.OffersWithout = st.OffersWithout[:StatsOffersWithoutLimit]
		if err := tx.GetContext(ctx, &st.OffersWithoutAll, statsScope+`SELECT count(*) FROM offers o
			WHERE o.administration_id IN (SELECT id FROM scope) AND o.status = 'published'
			  AND ($6::bigint = 0 OR o.id = $6)
			  AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.offer_id = o.id AND a.created_at >= $4 AND a.created_at < $5)`, args...); err != nil {
			return nil, wrap("Statistics offers", err)
		}
	}
	return st, nil
}

// statsTx begins the transaction of a page: one snapshot, so that the
// figures of a page agree with each other. A page sorts and hashes some
// hundred thousand rows: in memory rather than in temporary files, and
// without compiling them (JIT costs more than it saves on queries run once).
func (s *Store) statsTx(ctx context.Context) (*sqlx.Tx, error) {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
	if err != nil {
		return nil, wrap("Statistics", err)
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`); err != nil {
		rollback(tx)
		return nil, wrap("Statistics", err)
	}
	return tx, nil
}

func (q statsQuery) run(ctx context.Context, tx *sqlx.Tx) error {
	if q.one {
		return tx.GetContext(ctx, q.dest, q.sql, q.args...)
	}
	return tx.SelectContext(ctx, q.dest, q.sql, q.args...)
}

// statsInScope refuses a scope or an offer outside the URL's tree, so that
// a hand-made URL gets a message rather than empty figures.
func statsInScope(ctx context.Context, tx *sqlx.Tx, f StatsFilter) error {
	var ok bool
	err := tx.GetContext(ctx, &ok, `WITH RECURSIVE tree AS (
			SELECT id FROM administrations WHERE id = $1
			UNION ALL SELECT c.id FROM administrations c JOIN tree t ON c.parent_id = t.id)
		SELECT EXISTS (SELECT 1 FROM tree WHERE id = $2)
		   AND ($3::bigint <= 0 OR EXISTS (SELECT 1 FROM offers WHERE id = $3 AND administration_id IN (SELECT id FROM tree)))`,
		f.AdministrationID, f.ScopeID, f.OfferID)
	if err != nil {
		return wrap("Statistics", err)
	}
	if !ok {
		return Errorf(ENOTFOUND, "Cette administration ou cette offre n'existe pas ici.")
	}
	return nil
}

// Events of the cohort are never older than the period's start (an
// application's first event is its receipt): saying so lets PostgreSQL
// leave older events out before joining.
//
// The first answer is the first move out of nouvelle to a recruiter's
// step (a withdrawal is the candidate's, not an answer); a hire is the
// first move to acceptee. Durations are in days.
const statsSummarySQL = `,
	firsts AS (
		SELECT e.application_id,
			min(e.at) FILTER (WHERE e.from_category = 'nouvelle' AND e.to_category IN ('en_cours', 'acceptee', 'refusee')) AS answered_at,
			min(e.at) FILTER (WHERE e.to_category = 'acceptee') AS hired_at
		FROM cohort a JOIN application_events e ON e.application_id = a.id
		WHERE e.at >= $4 AND (e.from_category = 'nouvelle' OR e.to_category = 'acceptee')
		GROUP BY e.application_id),
	apps AS (
		SELECT a.offer_id, a.talent_pool_at, a.created_at + d.response_days * interval '1 day' AS due_at,
			f.answered_at, f.hired_at,
			extract(epoch FROM f.answered_at - a.created_at) / 86400 AS answer_days,
			extract(epoch FROM f.hired_at - a.created_at) / 86400 AS hire_days
		FROM cohort a JOIN administrations d ON d.id = a.administration_id
		LEFT JOIN firsts f ON f.application_id = a.id)
	SELECT count(*) AS received,
		count(*) FILTER (WHERE offer_id IS NULL) AS spontaneous,
		count(talent_pool_at) AS talent_pool,
		count(answered_at) AS answered,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY answer_days) AS answer_median_days,
		avg(answer_days)::float8 AS answer_avg_days,
		count(hired_at) AS hired,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY hire_days) AS hire_median_days,
		avg(hire_days)::float8 AS hire_avg_days,
		count(*) FILTER (WHERE answered_at IS NOT NULL OR due_at <= $7) AS due,
		count(*) FILTER (WHERE answered_at <= due_at) AS in_time,
		(SELECT coalesce(min(response_days), 0) FROM administrations WHERE id IN (SELECT id FROM scope)) AS response_days_min,
		(SELECT coalesce(max(response_days), 0) FROM administrations WHERE id IN (SELECT id FROM scope)) AS response_days_max
	FROM apps`

// The three count tables in one pass over the cohort. Months are French
// ones: an application sent at 23:30 on the 31st in Paris belongs to that
// month. Sources come most frequent first, categories in the pipeline's
// order.
const statsCountsSQL = `
	SELECT CASE WHEN GROUPING(month) = 0 THEN 'month' WHEN GROUPING(source) = 0 THEN 'source' ELSE 'category' END AS kind,
		coalesce(month, source, category) AS key, count(*) AS n
	FROM (SELECT to_char(date_trunc('month', created_at AT TIME ZONE 'Europe/Paris'), 'YYYY-MM') AS month, source, category
		FROM cohort) c
	GROUP BY GROUPING SETS ((month), (source), (category))
	ORDER BY 1, CASE WHEN GROUPING(source) = 0 THEN -count(*) END,
		CASE WHEN GROUPING(category) = 0 THEN array_position(ARRAY['nouvelle', 'en_cours', 'acceptee', 'refusee', 'retiree', 'anonymisee'], category) END,
		2`

// Steps of several administrations of a tree are merged by category and
// name (they are seeded alike); grouped byte-wise (the same groups, a
// cheaper sort of some hundred thousand stays than with the French
// collation). The events come in the order of
// application_events_stats_idx: the window needs no sort. A stay in a
// step runs from the event that entered it to the next event; the first event of an application (its
// reception) names no step: it entered its administration's first step of
// nouvelle.
const statsStepsSQL = `,
	first_steps AS (
		SELECT DISTINCT ON (administration_id) administration_id, id FROM pipeline_steps
		WHERE administration_id IN (SELECT id FROM scope) AND category = 'nouvelle'
		ORDER BY administration_id, position, id),
	stays AS (
		SELECT e.application_id, coalesce(e.stage_id, fs.id) AS stage_id,
			extract(epoch FROM lead(e.at) OVER w - e.at) / 86400 AS days
		FROM application_events e JOIN cohort a ON a.id = e.application_id
		LEFT JOIN first_steps fs ON fs.administration_id = a.administration_id AND e.stage_id IS NULL AND e.to_category = 'nouvelle'
		WHERE e.at >= $4
		WINDOW w AS (PARTITION BY e.application_id ORDER BY e.at, e.id)),
	reach AS (
		SELECT st.category COLLATE "C" AS category, st.name COLLATE "C" AS name, count(DISTINCT s.application_id) AS reached, count(s.days) AS stays,
			percentile_cont(0.5) WITHIN GROUP (ORDER BY s.days) AS median_days, avg(s.days)::float8 AS avg_days
		FROM stays s JOIN pipeline_steps st ON st.id = s.stage_id GROUP BY st.category COLLATE "C", st.name COLLATE "C"),
	cur AS (
		SELECT st.category, st.name, count(*) AS n FROM cohort a JOIN pipeline_steps st ON st.id = a.stage_id
		WHERE a.category IN ('nouvelle', 'en_cours', 'acceptee', 'refusee') GROUP BY st.category, st.name),
	steps AS (
		SELECT category, name, min(position) AS position FROM pipeline_steps
		WHERE administration_id IN (SELECT id FROM scope) GROUP BY category, name)
	SELECT s.name, s.category, coalesce(r.reached, 0) AS reached, coalesce(c.n, 0) AS current,
		coalesce(r.stays, 0) AS stays, r.median_days, r.avg_days
	FROM steps s LEFT JOIN reach r ON r.category = s.category COLLATE "C" AND r.name = s.name COLLATE "C"
	LEFT JOIN cur c ON c.category = s.category AND c.name = s.name
	ORDER BY array_position(ARRAY['nouvelle', 'en_cours', 'acceptee', 'refusee'], s.category), s.position, s.name`

// An offer selected narrows this list to itself; the spontaneous
// applications, which have no offer, leave it empty.
const statsOffersWithoutSQL = `
	SELECT o.id, o.title, o.reference, o.published_at, d.name AS administration
	FROM offers o JOIN administrations d ON d.id = o.administration_id
	WHERE o.administration_id IN (SELECT id FROM scope) AND o.status = 'published'
	  AND ($6::bigint = 0 OR o.id = $6)
	  AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.offer_id = o.id AND a.created_at >= $4 AND a.created_at < $5)
	ORDER BY o.published_at NULLS LAST, o.id LIMIT $7`

// StatsTree lists the administration and everything below it, in tree
// order.
func (s *Store) StatsTree(ctx context.Context, adminID int64) ([]StatsAdministration, error) {
	var out []StatsAdministration
	err := s.db.SelectContext(ctx, &out, `WITH RECURSIVE tree AS (
			SELECT id, name, 0 AS depth, ARRAY[name] AS path FROM administrations WHERE id = $1
			UNION ALL
			SELECT c.id, c.name, t.depth + 1, t.path || c.name FROM administrations c JOIN tree t ON c.parent_id = t.id)
		SELECT id, name, depth FROM tree ORDER BY path`, adminID)
	return out, wrap("StatsTree", err)
}

// StatsOffers lists the offers of the administration's tree that were
// published at some point, newest first.
func (s *Store) StatsOffers(ctx context.Context, adminID int64) ([]StatsOffer, error) {
	var out []StatsOffer
	err := s.db.SelectContext(ctx, &out, `WITH RECURSIVE tree AS (
			SELECT id FROM administrations WHERE id = $1
			UNION ALL SELECT c.id FROM administrations c JOIN tree t ON c.parent_id = t.id)
		SELECT o.id, o.title, o.reference FROM offers o
		WHERE o.administration_id IN (SELECT id FROM tree) AND o.published_at IS NOT NULL
		ORDER BY o.published_at DESC, o.id DESC LIMIT 2000`, adminID)
	return out, wrap("StatsOffers", err)
}

// statsQuery is one query of the page and where its rows go.
type statsQuery struct {
	name string
	sql  string
	args []any
	dest any  // a struct for a one-row query, a slice otherwise
	one  bool // one row
}

// statsQueries are the queries of the page, filling st; counts then go to
// their tables with statsSplitCounts, equality to its stages.
func statsQueries(f StatsFilter, now time.Time, st *Stats, counts *[]statsKeyCount, equality *[]equalityCounts) []statsQuery {
	args := []any{f.AdministrationID, f.ScopeID, f.WithChildren, f.From, f.To, f.OfferID}
	return []statsQuery{
		{name: "summary", sql: statsScope + statsSummarySQL, args: append(args, now), dest: st, one: true},
		{name: "counts", sql: statsScope + statsCountsSQL, args: args, dest: counts},
		{name: "steps", sql: statsScope + statsStepsSQL, args: args, dest: &st.Steps},
		{name: "equality", sql: statsScope + statsEqualitySQL, args: args, dest: equality},
		{name: "offers", sql: statsScope + statsOffersWithoutSQL, args: append(args, StatsOffersWithoutLimit+1), dest: &st.OffersWithout},
	}
}
