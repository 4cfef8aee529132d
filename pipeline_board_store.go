package vivier

import (
	"context"
	"database/sql"
	"maps"
	"strconv"
	"strings"

	"github.com/lib/pq"
)

// The board: an offer's applications by step, and what each agent has read
// of them. Every query takes the administration id.

// BoardCards returns an offer's board: per step, the first cards in the
// filter's order, and how many applications the filter matches.
func (s *Store) BoardCards(ctx context.Context, adminID, offerID int64, q BoardQuery) (Board, error) {
	board := Board{Cards: map[int64][]BoardCard{}, Counts: map[int64]int{}}
	perStep := q.PerStep
	if perStep <= 0 {
		perStep = BoardPageSize
	}
	most := perStep
	for _, n := range q.Shown {
		most = max(most, n)
	}
	if err := s.orderMasks(ctx, adminID, offerID, &q.Filter); err != nil {
		return board, wrap("BoardCards", err)
	}
	bq := boardQueries(adminID, offerID, q.Filter)
	var matched []int64 // a full-text search's matches, gathered by the count
	if q.Known != nil {
		maps.Copy(board.Counts, q.Known)
	} else {
		var rows []struct {
			StageID sql.NullInt64 `db:"stage_id"`
			N       int           `db:"n"`
			IDs     pq.Int64Array `db:"ids"`
		}
		if err := s.db.SelectContext(ctx, &rows, bq.counts, bq.args...); err != nil {
			return board, wrap("BoardCards", err)
		}
		for _, r := range rows {
			if r.StageID.Valid {
				board.Counts[r.StageID.Int64] = r.N
				matched = append(matched, r.IDs...)
			}
		}
	}
	// Only the steps with cards are read: an empty one would cost an index
	// range that the planner, expecting an average step, may choose badly.
	var steps []int64
	for id, n := range board.Counts {
		if n > 0 && id != 0 {
			steps = append(steps, id)
		}
	}
	if len(steps) == 0 {
		return board, nil
	}
	var found []struct {
		BoardCard
		Names pq.StringArray `db:"assignees"`
	}
	args := append(bq.args, q.Reader, most, pq.Array(steps))
	if bq.byIDs {
		args = []any{adminID, offerID, q.Reader, most, pq.Array(steps), pq.Array(matched)}
	}
	if err := s.db.SelectContext(ctx, &found, bq.cards, args...); err != nil {
		return board, wrap("BoardCards", err)
	}
	now := s.now()
	for _, r := range found {
		card, step := r.BoardCard, *r.StageID
		if n, ok := q.Shown[step]; len(board.Cards[step]) >= perStep && (!ok || len(board.Cards[step]) >= n) {
			continue // read for a longer column: past this one's length
		}
		card.Days = daysBetween(card.EnteredAt, now)
		for _, n := range r.Names {
			card.Assignees = append(card.Assignees, BoardAssignee{Name: n})
		}
		board.Cards[step] = append(board.Cards[step], card)
	}
	var shown []*PipelineRow
	for _, cards := range board.Cards {
		for i := range cards {
			shown = append(shown, &cards[i].PipelineRow)
		}
	}
	if err := s.maskRows(ctx, adminID, q.Reader, shown); err != nil {
		return board, wrap("BoardCards", err)
	}
	return board, nil
}

// boardSQL is the board's two queries: the count per step, and the cards.
type boardSQL struct {
	counts string
	args   []any // the count's parameters
	cards  string
	// byIDs says that the cards take the ids the count gathered, not the
	// filter: their parameters are the administration, the offer, the
	// reader, the length of the longest column, the steps to read and the
	// ids. Otherwise they are the count's, then the reader, the length and
	// the steps.
	byIDs bool
}

// boardQueries writes the board's queries.
//
// The cards are one index range per step in the filter's order, rather than
// a ranking of every application of the offer: the range stops at the
// longest column asked for, a number the planner sees (a limit it cannot
// read makes it expect a tenth of the offer per step, and plan, even
// compile, for that); the caller cuts each column at its own length. The
// subquery is named a, as the filter's order names the applications, so
// that the outer query keeps that order. A full-text search is run once, by
// the count, which gathers its matches for the cards. A move into the step
// is an event naming it that is not an interview's. The CV is looked up card
// by card (an EXISTS here is planned as a hash of every file).
func boardQueries(adminID, offerID int64, f PipelineFilter) boardSQL {
	where, args := pipelineConditions(adminID, offerID, f)
	q := boardSQL{args: args, byIDs: f.Query != ""}
	filtered := strings.Join(where, " AND ")
	order := pipelineOrder(f.Sort, f.maskedOrder)
	ids, inStep := "", filtered
	if q.byIDs {
		ids, inStep = ", array_agg(a.id) AS ids", "a.administration_id = $1 AND a.offer_id = $2 AND a.id = ANY($6::bigint[])"
	}
	q.counts = `SELECT a.stage_id, count(*) AS n` + ids + ` FROM applications a WHERE ` + filtered + ` GROUP BY a.stage_id`
	n := len(args)
	if q.byIDs {
		n = 2
	}
	readerArg, mostArg, stepsArg := "$"+strconv.Itoa(n+1), "$"+strconv.Itoa(n+2), "$"+strconv.Itoa(n+3)
	q.cards = `
		SELECT a.id, a.category, a.stage_id, st.name AS stage_name, a.first_name, a.last_name, c.email,
			(c.erased_at IS NOT NULL OR a.category = 'anonymisee') AS erased, a.source, a.created_at,
			(SELECT avg(r.score)::float8 FROM application_ratings r WHERE r.application_id = a.id) AS rating,
			(SELECT string_agg(t.label, ', ' ORDER BY lower(t.label)) FROM application_tags y JOIN tags t ON t.id = y.tag_id
			 WHERE y.application_id = a.id) AS tags,
			coalesce((SELECT max(e.at) FROM application_events e WHERE e.application_id = a.id AND e.stage_id = a.stage_id
				AND e.step <> '' AND e.interview_id IS NULL AND NOT e.documents), a.created_at) AS entered_at,
			ARRAY(SELECT coalesce(nullif(trim(ag.first_name || ' ' || ag.last_name), ''), ag.email::text)
				FROM application_assignees y JOIN agents ag ON ag.id = y.agent_id
				WHERE y.application_id = a.id AND y.administration_id = $1 ORDER BY lower(ag.last_name), lower(ag.first_name), ag.email) AS assignees,
			(EXISTS (SELECT 1 FROM application_notes n WHERE n.application_id = a.id AND n.author_id IS DISTINCT FROM ` + readerArg + `
				AND n.created_at > coalesce(rd.read_at, '-infinity'))
			 OR EXISTS (SELECT 1 FROM application_messages m WHERE m.application_id = a.id AND m.from_candidate
				AND m.created_at > coalesce(rd.read_at, '-infinity'))) AS unread,
			` + sqlMissingCV + ` AS missing_cv, ` + sqlMissingAnswers + ` AS missing_answers,
			` + sqlMissingDocuments + ` AS missing_documents
		FROM pipeline_steps st CROSS JOIN LATERAL (
			SELECT a.* FROM applications a WHERE ` + inStep + ` AND a.stage_id = st.id
			ORDER BY ` + order + ` LIMIT ` + mostArg + `) a
		JOIN candidates c ON c.id = a.candidate_id
		JOIN offers o ON o.id = $2 AND o.administration_id = $1
		LEFT JOIN application_reads rd ON rd.application_id = a.id AND rd.agent_id = ` + readerArg + `
		WHERE st.administration_id = $1 AND st.id = ANY(` + stepsArg + `::bigint[])
		ORDER BY st.id, ` + order
	return q
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
