package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The pipeline's reads: steps, reasons, the per-offer list and board, the
// history of one application, and what a status email says. Every query
// takes the administration id.

// Steps lists the administration's steps in order.
func (s *Store) Steps(ctx context.Context, adminID int64) ([]Step, error) {
	var out []Step
	err := s.db.SelectContext(ctx, &out, `SELECT id, administration_id, name, category, position, public FROM pipeline_steps
		WHERE administration_id = $1 ORDER BY position, id`, adminID)
	return out, wrap("Steps", err)
}

// RefusalReasons lists the administration's active refusal reasons.
func (s *Store) RefusalReasons(ctx context.Context, adminID int64) ([]RefusalReason, error) {
	var out []RefusalReason
	err := s.db.SelectContext(ctx, &out, `SELECT id, label, candidate_text FROM refusal_reasons
		WHERE administration_id = $1 AND active ORDER BY position, id`, adminID)
	return out, wrap("RefusalReasons", err)
}

// AddRefusalReason extends the administration's list of reasons.
func (s *Store) AddRefusalReason(ctx context.Context, adminID int64, label, candidateText string) (*RefusalReason, error) {
	r := &RefusalReason{Label: label, CandidateText: candidateText}
	err := s.db.GetContext(ctx, &r.ID, `INSERT INTO refusal_reasons (administration_id, label, candidate_text, position)
		VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 10 FROM refusal_reasons WHERE administration_id = $1)) RETURNING id`,
		adminID, label, candidateText)
	return r, wrap("AddRefusalReason", err)
}

// PipelinePageSize is how many applications a page of the list shows.
const PipelinePageSize = 50

// PipelineFilter narrows the per-offer list.
type PipelineFilter struct {
	StageID  int64
	Source   string
	From, To time.Time // created at, To excluded
	Query    string    // full text over the CV and the answers, or a name
	Sort     string    // "recentes" (default), "anciennes", "nom"
	Page     int       // from 1
	IDs      []int64   // only these (the export of a selection)

	TagID      int64 // with this tag
	AssigneeID int64 // assigned to this agent
	MinRating  int   // average rating at least this (1 to 4)
	Unrated    bool  // not rated by anyone yet
	Scope      Scope // a jury member's: only what is assigned to them

	// Known is how many match when the caller already knows it (an
	// unfiltered list, from StepCounts): the count query is skipped.
	Known int
}

// Plain says whether the filter narrows by step only, so that StepCounts
// tells how many match.
func (f PipelineFilter) Plain() bool {
	return f.Source == "" && f.From.IsZero() && f.To.IsZero() && f.Query == "" && f.IDs == nil &&
		f.TagID == 0 && f.AssigneeID == 0 && f.MinRating == 0 && !f.Unrated
}

// PipelineRow is a line of the per-offer list and a card of the board.
type PipelineRow struct {
	ID        int64     `db:"id"`
	Category  Category  `db:"category"`
	StageID   *int64    `db:"stage_id"`
	StageName *string   `db:"stage_name"`
	FirstName string    `db:"first_name"`
	LastName  string    `db:"last_name"`
	Email     *string   `db:"email"`
	Erased    bool      `db:"erased"`
	Source    string    `db:"source"`
	CreatedAt time.Time `db:"created_at"`
	Total     int       `db:"total"`  // with a full-text query only: how many match
	Rating    *float64  `db:"rating"` // average, nil before the first rating
	Tags      *string   `db:"tags"`   // labels, comma separated
}

// RatingText is the row's average rating as French writes it ("2,5"),
// empty before the first rating.
func (r PipelineRow) RatingText() string {
	if r.Rating == nil {
		return ""
	}
	return Ratings{Average: *r.Rating}.AverageText()
}

// Stage is the row's step id, 0 for none (the templates compare it).
func (r PipelineRow) Stage() int64 {
	if r.StageID == nil {
		return 0
	}
	return *r.StageID
}

// PipelineList returns a page of an offer's applications and how many match.
func (s *Store) PipelineList(ctx context.Context, adminID, offerID int64, f PipelineFilter) ([]PipelineRow, int, error) {
	q := pipelineQuery(adminID, offerID, f)
	var rows []PipelineRow
	if err := s.db.SelectContext(ctx, &rows, q.page, q.pageArgs...); err != nil {
		return nil, 0, wrap("PipelineList", err)
	}
	total := len(rows)
	switch {
	case f.Known > 0:
		total = f.Known
	case q.windowed && len(rows) > 0:
		total = rows[0].Total
	case f.IDs == nil && (q.offset > 0 || len(rows) == q.limit):
		if err := s.db.GetContext(ctx, &total, q.count, q.args...); err != nil {
			return nil, 0, wrap("PipelineList", err)
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
	arg := func(v any) string {
		q.args = append(q.args, v)
		return "$" + strconv.Itoa(len(q.args))
	}
	adm := arg(adminID)
	off := arg(offerID)
	where := []string{"a.administration_id = " + adm, "a.offer_id = " + off}
	// cond adds a condition whose parameter is added only then.
	cond := func(ok bool, c func() string) {
		if ok {
			where = append(where, c())
		}
	}
	cond(f.StageID != 0, func() string { return "a.stage_id = " + arg(f.StageID) })
	cond(f.Source != "", func() string { return "a.source = " + arg(f.Source) })
	cond(!f.From.IsZero(), func() string { return "a.created_at >= " + arg(f.From) })
	cond(!f.To.IsZero(), func() string { return "a.created_at < " + arg(f.To) })
	// The full text is three index lookups whose ids are gathered (the
	// applications' and the files' GIN indexes, the candidates' names
	// lowercased), rather than one OR evaluated on every row of the offer.
	cond(f.Query != "", func() string {
		p := arg(f.Query)
		return `a.id IN (SELECT x.id FROM applications x WHERE x.search @@ websearch_to_tsquery('french', ` + p + `)
			  AND x.offer_id = ` + off + ` AND x.administration_id = ` + adm + `
			UNION SELECT f.application_id FROM application_files f
			  WHERE f.search @@ websearch_to_tsquery('french', ` + p + `) AND f.deleted_at IS NULL
			UNION SELECT x.id FROM applications x
			  WHERE (lower(x.last_name) = lower(` + p + `) OR lower(x.first_name || ' ' || x.last_name) = lower(` + p + `))
			  AND x.offer_id = ` + off + ` AND x.administration_id = ` + adm + `)`
	})
	cond(f.IDs != nil, func() string { return "a.id = ANY(" + arg(idArray(f.IDs)) + ")" })
	cond(f.TagID != 0, func() string {
		return "a.id IN (SELECT x.application_id FROM application_tags x WHERE x.tag_id = " + arg(f.TagID) +
			" AND x.administration_id = " + adm + ")"
	})
	for _, agent := range []int64{f.AssigneeID, f.Scope.AssignedTo} {
		cond(agent != 0, func() string {
			return "a.id IN (SELECT x.application_id FROM application_assignees x WHERE x.agent_id = " + arg(agent) +
				" AND x.administration_id = " + adm + ")"
		})
	}
	cond(f.MinRating != 0, func() string {
		return "a.id IN (SELECT r.application_id FROM application_ratings r WHERE r.administration_id = " + adm +
			" GROUP BY r.application_id HAVING avg(r.score) >= " + arg(f.MinRating) + ")"
	})
	cond(f.Unrated, func() string { return "NOT EXISTS (SELECT 1 FROM application_ratings r WHERE r.application_id = a.id)" })

	order := "a.created_at DESC, a.id DESC"
	switch f.Sort {
	case "anciennes":
		order = "a.created_at, a.id"
	case "nom":
		order = "lower(a.last_name), lower(a.first_name), a.id"
	}
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
	q.page = `
		SELECT a.id, a.category, a.stage_id, st.name AS stage_name,
			a.first_name, a.last_name, c.email, (c.erased_at IS NOT NULL OR a.category = 'anonymisee') AS erased, a.source, a.created_at, p.total,
			(SELECT avg(r.score)::float8 FROM application_ratings r WHERE r.application_id = a.id) AS rating,
			(SELECT string_agg(t.label, ', ' ORDER BY lower(t.label)) FROM application_tags x JOIN tags t ON t.id = x.tag_id
			 WHERE x.application_id = a.id) AS tags
		FROM (SELECT a.id, ` + total + ` ` + filtered + ` ORDER BY ` + order + ` LIMIT $` + strconv.Itoa(n+1) + ` OFFSET $` + strconv.Itoa(n+2) + `) p
		JOIN applications a ON a.id = p.id JOIN candidates c ON c.id = a.candidate_id
		LEFT JOIN pipeline_steps st ON st.id = a.stage_id
		ORDER BY ` + order
	return q
}

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

// BoardCards returns, per step, the most recent applications of an offer.
func (s *Store) BoardCards(ctx context.Context, adminID, offerID int64, perStep int, sc Scope) (map[int64][]PipelineRow, error) {
	var rows []PipelineRow
	// One index range per step (offer_id, stage_id, created_at), rather than
	// ranking every application of the offer.
	err := s.db.SelectContext(ctx, &rows, `
		SELECT x.id, x.category, x.stage_id, st.name AS stage_name, x.first_name, x.last_name, c.email,
			(c.erased_at IS NOT NULL OR x.category = 'anonymisee') AS erased, x.source, x.created_at, 0 AS total
		FROM pipeline_steps st CROSS JOIN LATERAL (
			SELECT a.id, a.category, a.stage_id, a.candidate_id, a.first_name, a.last_name, a.source, a.created_at FROM applications a
			WHERE a.offer_id = $2 AND a.stage_id = st.id AND a.administration_id = $1 AND `+scopeSQL(4, 1)+`
			ORDER BY a.created_at DESC, a.id DESC LIMIT $3) x
		JOIN candidates c ON c.id = x.candidate_id
		WHERE st.administration_id = $1 ORDER BY x.created_at DESC, x.id DESC`, adminID, offerID, perStep, sc.AssignedTo)
	out := map[int64][]PipelineRow{}
	for _, r := range rows {
		out[*r.StageID] = append(out[*r.StageID], r)
	}
	return out, wrap("BoardCards", err)
}

// HistoryEvent is one move of an application, as recruiters see it.
type HistoryEvent struct {
	At        time.Time `db:"at"`
	Actor     string    `db:"actor"`
	From      Category  `db:"from_category"`
	To        Category  `db:"to_category"`
	Step      string    `db:"step"`
	Reason    string    `db:"reason"`
	EmailSent bool      `db:"email_sent"`
}

// ApplicationHistory lists the moves of one of the administration's
// applications, oldest first.
func (s *Store) ApplicationHistory(ctx context.Context, adminID, appID int64) ([]HistoryEvent, error) {
	var out []HistoryEvent
	err := s.db.SelectContext(ctx, &out, `SELECT e.at, e.actor, e.from_category, e.to_category, e.step, e.reason, e.email_sent
		FROM application_events e JOIN applications a ON a.id = e.application_id
		WHERE e.application_id = $1 AND a.administration_id = $2 ORDER BY e.at, e.id`, appID, adminID)
	return out, wrap("ApplicationHistory", err)
}

// StatusChange is what a status email tells.
type StatusChange struct {
	To         Category `db:"to_category"`
	PublicStep string   `db:"public_step"` // empty when the step is internal
	ReasonText string   `db:"reason_text"` // kind words for a refusal
}

// StatusChangeByEvent returns what an event of the application says to
// the candidate.
func (s *Store) StatusChangeByEvent(ctx context.Context, appID, eventID int64) (*StatusChange, error) {
	var c StatusChange
	err := s.db.GetContext(ctx, &c, `SELECT e.to_category, CASE WHEN st.public THEN st.name ELSE '' END AS public_step,
			coalesce(r.candidate_text, '') AS reason_text
		FROM application_events e LEFT JOIN pipeline_steps st ON st.id = e.stage_id
		LEFT JOIN refusal_reasons r ON r.id = e.refusal_reason_id
		WHERE e.id = $2 AND e.application_id = $1`, appID, eventID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Évènement introuvable.")
	}
	return &c, wrap("StatusChangeByEvent", err)
}

// MoveApplication moves one application of the administration to a step.
func (s *Store) MoveApplication(ctx context.Context, adminID, appID int64, m Move, actor Actor) (MoveResult, error) {
	var res MoveResult
	err := s.inTx(ctx, "MoveApplication", func(tx *sqlx.Tx) error {
		step, reason, err := checkMoveTarget(ctx, tx, adminID, m)
		if err != nil {
			return err
		}
		apps, err := lockApplications(ctx, tx, adminID, []int64{appID})
		if err != nil {
			return err
		}
		if len(apps) == 0 {
			return Errorf(ENOTFOUND, "Candidature introuvable.")
		}
		if err := moveOne(ctx, tx, &apps[0], step, reason, m, actor); err != nil {
			return err
		}
		res.Moved = 1
		if m.Notify {
			res.Emails = 1
		}
		return nil
	})
	return res, err
}

// MoveApplications moves several applications in one transaction. Those
// that cannot make the move (withdrawn, already there, a decision to
// reopen first) are skipped and counted; ids of another administration are
// ignored as if they did not exist.
func (s *Store) MoveApplications(ctx context.Context, adminID int64, ids []int64, m Move, actor Actor) (MoveResult, error) {
	var res MoveResult
	if len(ids) == 0 {
		return res, FieldError("ids", "Cochez au moins une candidature.")
	}
	err := s.inTx(ctx, "MoveApplications", func(tx *sqlx.Tx) error {
		res = MoveResult{}
		step, reason, err := checkMoveTarget(ctx, tx, adminID, m)
		if err != nil {
			return err
		}
		apps, err := lockApplications(ctx, tx, adminID, ids)
		if err != nil {
			return err
		}
		res.Skipped = len(ids) - len(apps)
		for i := range apps {
			err := moveOne(ctx, tx, &apps[i], step, reason, m, actor)
			if ErrorCode(err) == ECONFLICT {
				res.Skipped++
				continue
			}
			if err != nil {
				return err
			}
			res.Moved++
			if m.Notify {
				res.Emails++
			}
		}
		return nil
	})
	return res, err
}

func checkMoveTarget(ctx context.Context, tx *sqlx.Tx, adminID int64, m Move) (*Step, *RefusalReason, error) {
	var step Step
	err := tx.GetContext(ctx, &step, `SELECT id, administration_id, name, category, position, public FROM pipeline_steps
		WHERE id = $1 AND administration_id = $2`, m.StageID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, FieldError("stage", "Choisissez une étape dans la liste.")
	}
	if err != nil {
		return nil, nil, err
	}
	if step.Category != CategoryRefused {
		if m.ReasonID != 0 {
			return nil, nil, FieldError("reason", "Un motif ne se donne que pour un refus.")
		}
		return &step, nil, nil
	}
	var r RefusalReason
	err = tx.GetContext(ctx, &r, `SELECT id, label, candidate_text FROM refusal_reasons
		WHERE id = $1 AND administration_id = $2 AND active`, m.ReasonID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, FieldError("reason", "Choisissez le motif du refus dans la liste.")
	}
	if err != nil {
		return nil, nil, err
	}
	return &step, &r, nil
}

// lockApplications locks the administration's applications among ids, in
// id order so that two bulk moves cannot deadlock.
// lockApplication locks one of the administration's applications.
func lockApplication(ctx context.Context, tx *sqlx.Tx, adminID, appID int64) (*Application, error) {
	apps, err := lockApplications(ctx, tx, adminID, []int64{appID})
	if err != nil {
		return nil, err
	}
	if len(apps) == 0 {
		return nil, Errorf(ENOTFOUND, "Candidature introuvable.")
	}
	return &apps[0], nil
}

// insertNote adds to an application's history an event that moves nothing
// (a transfer, a change of details, a merge): it keeps the application's
// category and step, so the timeline and the statistics see no move. A zero
// at is the transaction's time.
func insertNote(ctx context.Context, tx *sqlx.Tx, appID int64, at time.Time, actor, reason string) error {
	var when *time.Time
	if !at.IsZero() {
		when = &at
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO application_events (application_id, at, actor, from_category, to_category, stage_id, reason)
		SELECT id, coalesce($2, now()), $3, category, category, stage_id, $4 FROM applications WHERE id = $1`, appID, when, actor, reason)
	return err
}

func lockApplications(ctx context.Context, tx *sqlx.Tx, adminID int64, ids []int64) ([]Application, error) {
	var apps []Application
	err := tx.SelectContext(ctx, &apps, `SELECT `+applicationColumns+`, stage_id FROM applications
		WHERE id = ANY($1) AND administration_id = $2 ORDER BY id FOR UPDATE`, pq.Array(ids), adminID)
	return apps, err
}

func moveOne(ctx context.Context, tx *sqlx.Tx, a *Application, step *Step, reason *RefusalReason, m Move, actor Actor) error {
	notify := m.Notify
	if a.StageID != nil && *a.StageID == step.ID {
		return Errorf(ECONFLICT, "Cette candidature est déjà à l'étape « %s ».", step.Name)
	}
	if err := CheckMove(a.Category, step.Category); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET stage_id = $2, category = $3, updated_at = now(), last_activity_at = now()
		WHERE id = $1`, a.ID, step.ID, step.Category); err != nil {
		return err
	}
	var reasonID *int64
	label := ""
	if reason != nil {
		reasonID, label = &reason.ID, reason.Label
	}
	var eventID int64
	if err := tx.GetContext(ctx, &eventID, `INSERT INTO application_events
		(application_id, actor, from_category, to_category, step, reason, email_sent, stage_id, refusal_reason_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		a.ID, actor.Email, a.Category, step.Category, step.Name, label, notify, step.ID, reasonID); err != nil {
		return err
	}
	summary := map[string]string{"de": string(a.Category), "vers": string(step.Category), "étape": step.Name,
		"courriel": strconv.FormatBool(notify)}
	if label != "" {
		summary["motif"] = label
	}
	if err := insertAudit(ctx, tx, &a.AdministrationID, actor, "application.moved", "candidature "+strconv.FormatInt(a.ID, 10), summary); err != nil {
		return err
	}
	if err := recordHire(ctx, tx, a, step, m.Hire); err != nil {
		return err
	}
	if !notify {
		return nil
	}
	msg, err := NewOutboxMessage(TaskApplicationStatus, "critical", StatusTask{ApplicationID: a.ID, EventID: eventID})
	if err != nil {
		return err
	}
	msg.AdministrationID = &a.AdministrationID
	return insertOutbox(ctx, tx, &msg)
}
