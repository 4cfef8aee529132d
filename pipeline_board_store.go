package vivier

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/lib/pq"
)

// The board: an offer's applications by step, and what each agent has read
// of them. Every query takes the administration id.

// BoardCards returns an offer's board: per step, the first cards in the
// filter's order, and how many applications the filter matches.
func (s *Store) BoardCards(ctx context.Context, adminID, offerID int64, q BoardQuery) (Board, error) {
	where, args := pipelineConditions(adminID, offerID, q.Filter)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	filtered := strings.Join(where, " AND ")
	board := Board{Cards: map[int64][]BoardCard{}, Counts: map[int64]int{}}
	var counts []struct {
		StageID sql.NullInt64 `db:"stage_id"`
		N       int           `db:"n"`
	}
	if err := s.db.SelectContext(ctx, &counts, `SELECT a.stage_id, count(*) AS n FROM applications a WHERE `+filtered+`
		GROUP BY a.stage_id`, args...); err != nil {
		return board, wrap("BoardCards", err)
	}
	for _, c := range counts {
		if c.StageID.Valid {
			board.Counts[c.StageID.Int64] = c.N
		}
	}
	perStep := q.PerStep
	if perStep <= 0 {
		perStep = BoardPageSize
	}
	var steps []int64
	var shown []int64
	for id, n := range q.Shown {
		steps, shown = append(steps, id), append(shown, int64(n))
	}
	reader := arg(q.Reader)
	// One index range per step, in the filter's order, rather than ranking
	// every application of the offer; a column asked to show more has its
	// own limit. A move into the step is an event naming it that is not an
	// interview's.
	var rows []struct {
		BoardCard
		Names pq.StringArray `db:"assignees"`
		Rank  int            `db:"rank"`
	}
	err := s.db.SelectContext(ctx, &rows, `
		SELECT x.id, x.category, x.stage_id, st.name AS stage_name, x.first_name, x.last_name, c.email,
			(c.erased_at IS NOT NULL OR x.category = 'anonymisee') AS erased, x.source, x.created_at, x.rank,
			(SELECT avg(r.score)::float8 FROM application_ratings r WHERE r.application_id = x.id) AS rating,
			(SELECT string_agg(t.label, ', ' ORDER BY lower(t.label)) FROM application_tags y JOIN tags t ON t.id = y.tag_id
			 WHERE y.application_id = x.id) AS tags,
			coalesce((SELECT max(e.at) FROM application_events e WHERE e.application_id = x.id AND e.stage_id = x.stage_id
				AND e.step <> '' AND e.interview_id IS NULL), x.created_at) AS entered_at,
			ARRAY(SELECT coalesce(nullif(trim(ag.first_name || ' ' || ag.last_name), ''), ag.email::text)
				FROM application_assignees y JOIN agents ag ON ag.id = y.agent_id
				WHERE y.application_id = x.id AND y.administration_id = $1 ORDER BY lower(ag.last_name), lower(ag.first_name), ag.email) AS assignees,
			(EXISTS (SELECT 1 FROM application_notes n WHERE n.application_id = x.id AND n.author_id IS DISTINCT FROM `+reader+`
				AND n.created_at > coalesce(rd.read_at, '-infinity'))
			 OR EXISTS (SELECT 1 FROM application_messages m WHERE m.application_id = x.id AND m.from_candidate
				AND m.created_at > coalesce(rd.read_at, '-infinity'))) AS unread,
			(o.cv_policy <> 'none' AND NOT EXISTS (SELECT 1 FROM application_files f
				WHERE f.application_id = x.id AND f.kind = 'cv' AND f.deleted_at IS NULL)) AS missing_cv,
			EXISTS (SELECT 1 FROM jsonb_array_elements(o.questions) q
				WHERE coalesce((q->>'required')::boolean, false) AND coalesce(x.answers->>(q->>'id'), '') = '') AS missing_answers
		FROM pipeline_steps st CROSS JOIN LATERAL (
			SELECT a.id, a.category, a.stage_id, a.candidate_id, a.first_name, a.last_name, a.source, a.created_at, a.answers,
				row_number() OVER (ORDER BY `+pipelineOrder(q.Filter.Sort)+`) AS rank
			FROM applications a WHERE `+filtered+` AND a.stage_id = st.id
			ORDER BY `+pipelineOrder(q.Filter.Sort)+`
			LIMIT coalesce((SELECT l.n FROM unnest(`+arg(pq.Array(steps))+`::bigint[], `+arg(pq.Array(shown))+`::bigint[]) l(id, n)
				WHERE l.id = st.id), `+arg(perStep)+`)) x
		JOIN candidates c ON c.id = x.candidate_id
		JOIN offers o ON o.id = $2 AND o.administration_id = $1
		LEFT JOIN application_reads rd ON rd.application_id = x.id AND rd.agent_id = `+reader+`
		WHERE st.administration_id = $1 ORDER BY st.id, x.rank`, args...)
	if err != nil {
		return board, wrap("BoardCards", err)
	}
	now := s.now()
	for _, r := range rows {
		card := r.BoardCard
		card.Days = daysBetween(card.EnteredAt, now)
		for _, n := range r.Names {
			card.Assignees = append(card.Assignees, BoardAssignee{Name: n})
		}
		board.Cards[*card.StageID] = append(board.Cards[*card.StageID], card)
	}
	return board, nil
}

// MarkApplicationRead records that an agent opened an application: its
// notes and messages up to now are read. The time is the database's, the
// clock that dates the notes and messages it is compared with.
func (s *Store) MarkApplicationRead(ctx context.Context, adminID, agentID, appID int64) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO application_reads (administration_id, agent_id, application_id, read_at)
		SELECT a.administration_id, $2, a.id, now() FROM applications a WHERE a.id = $3 AND a.administration_id = $1
		ON CONFLICT (application_id, agent_id) DO UPDATE SET read_at = excluded.read_at`, adminID, agentID, appID)
	return wrap("MarkApplicationRead", err)
}
