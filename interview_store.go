package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

const interviewColumns = `i.id, i.administration_id, i.application_id, i.starts_at, i.duration_minutes, i.place, i.video_url,
	i.message, i.organizer, i.status, i.candidate_message, i.answered_at, i.created_at, i.session_id, i.slot_id, i.uid,
	i.sequence, i.attendance, i.attendance_at, i.attendance_by, i.updated_at`

// InviteToInterview records an invitation, its history event and the email
// to send, in one transaction; a pending invitation of the application is
// replaced.
func (s *Store) InviteToInterview(ctx context.Context, adminID, appID int64, r InterviewRequest, actor Actor, now time.Time) (*Interview, error) {
	if err := r.Validate(now); err != nil {
		return nil, err
	}
	iv := &Interview{}
	err := s.inTx(ctx, "InviteToInterview", func(tx *sqlx.Tx) error {
		a, err := lockApplication(ctx, tx, adminID, appID)
		if err != nil {
			return err
		}
		if a.Category != CategoryNew && a.Category != CategoryReview {
			return Errorf(ECONFLICT, "Cette candidature est %s : on n'invite à un entretien qu'une candidature en attente de décision.",
				StatusLabel(a.Category, false))
		}
		// The interviewers must be agents of this administration, active.
		found, err := checkInterviewers(ctx, tx, adminID, r.Interviewers)
		if err != nil {
			return err
		}
		// A pending single invitation passes its calendar event on: the
		// new one updates it (same UID, next sequence) rather than adding
		// a second event and leaving the old slot in the calendar.
		var prev struct {
			UID      string `db:"uid"`
			Sequence int    `db:"sequence"`
		}
		err = tx.GetContext(ctx, &prev, `SELECT uid, sequence FROM interviews WHERE application_id = $1 AND session_id IS NULL
			AND status IN ('propose', 'accepte', 'autre_creneau') ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE`, a.ID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		uid, seq := any(nil), 0
		if prev.UID != "" {
			uid, seq = prev.UID, prev.Sequence+1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE interviews SET status = 'remplace', updated_at = now()
			WHERE application_id = $1 AND session_id IS NULL AND status <> 'remplace'`, a.ID); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, iv, `INSERT INTO interviews AS i (administration_id, application_id, starts_at, duration_minutes,
				place, video_url, message, organizer, uid, sequence)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, coalesce($9::uuid, gen_random_uuid()), $10) RETURNING `+interviewColumns,
			adminID, a.ID, r.StartsAt, r.DurationMinutes, r.Place, r.VideoURL, r.Message, actor.Email, uid, seq); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO interview_interviewers (interview_id, agent_id) SELECT $1, unnest($2::bigint[])`,
			iv.ID, pq.Array(found)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET interview_planned = true, updated_at = now(), last_activity_at = now()
			WHERE id = $1`, a.ID); err != nil {
			return err
		}
		if err := insertInterviewEvent(ctx, tx, a, iv.ID, actor.Email, "Invitation à un entretien", "", true); err != nil {
			return err
		}
		if err := insertAudit(ctx, tx, &adminID, actor, "interview.invited", "candidature "+strconv.FormatInt(a.ID, 10),
			map[string]string{"entretien": strconv.FormatInt(iv.ID, 10), "début": iv.StartsAt.UTC().Format(time.RFC3339)}); err != nil {
			return err
		}
		return insertInterviewTask(ctx, tx, TaskInterviewInvitation, "critical", iv)
	})
	if err != nil {
		return nil, err
	}
	return iv, nil
}

func uniqueIDs(ids []int64) map[int64]bool {
	m := map[int64]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// insertInterviewEvent adds a line to the application's history; its step
// text is what the candidate's timeline shows.
func insertInterviewEvent(ctx context.Context, tx *sqlx.Tx, a *Application, interviewID int64, actor, what, detail string, email bool) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO application_events
		(application_id, actor, from_category, to_category, step, reason, email_sent, stage_id, interview_id)
		VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8)`, a.ID, actor, a.Category, what, detail, email, a.StageID, interviewID)
	return err
}

func insertInterviewTask(ctx context.Context, tx *sqlx.Tx, task, queue string, iv *Interview) error {
	msg, err := NewOutboxMessage(task, queue, InterviewTask{InterviewID: iv.ID})
	if err != nil {
		return err
	}
	msg.AdministrationID = &iv.AdministrationID
	return insertOutbox(ctx, tx, &msg)
}

// AnswerInterview records the candidate's answer, from their space: accept,
// or ask for another slot with a message. The candidate id in the WHERE
// clause keeps a candidate to their own interviews.
func (s *Store) AnswerInterview(ctx context.Context, candidateID, interviewID int64, accept bool, message string, now time.Time) error {
	message = strings.TrimSpace(message)
	if !accept && message == "" {
		return FieldError("slot-message", "Dites quand vous seriez disponible : le recruteur vous proposera un autre créneau.")
	}
	if utf8.RuneCountInString(message) > 2000 {
		return FieldError("slot-message", "Le message compte 2 000 caractères au plus.")
	}
	return s.inTx(ctx, "AnswerInterview", func(tx *sqlx.Tx) error {
		var iv Interview
		err := tx.GetContext(ctx, &iv, `SELECT `+interviewColumns+` FROM interviews i JOIN applications a ON a.id = i.application_id
			WHERE i.id = $1 AND a.candidate_id = $2 FOR UPDATE OF i`, interviewID, candidateID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Entretien introuvable.")
		}
		if err != nil {
			return err
		}
		a, err := candidateApplication(ctx, tx, candidateID, iv.ApplicationID)
		if err != nil {
			return err
		}
		switch {
		case !iv.Answerable(now) || (a.Category != CategoryNew && a.Category != CategoryReview):
			return Errorf(ECONFLICT, "Cette invitation ne peut plus recevoir de réponse.")
		case accept && iv.Status != InterviewProposed:
			return Errorf(ECONFLICT, "Vous avez déjà répondu à cette invitation : %s.", iv.Status.Label())
		case !accept && iv.Status == InterviewOtherSlot:
			return Errorf(ECONFLICT, "Vous avez déjà demandé un autre créneau : le recruteur vous répondra.")
		}
		status, what := InterviewAccepted, "Entretien accepté"
		if !accept {
			status, what = InterviewOtherSlot, "Autre créneau demandé"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE interviews SET status = $2, candidate_message = $3, answered_at = now() WHERE id = $1`,
			iv.ID, status, message); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET last_activity_at = now() WHERE id = $1`, a.ID); err != nil {
			return err
		}
		if err := insertInterviewEvent(ctx, tx, a, iv.ID, "candidat·e", what, message, false); err != nil {
			return err
		}
		return insertInterviewTask(ctx, tx, TaskInterviewAnswered, "default", &iv)
	})
}

// InterviewByID returns an interview with its interviewers, for the worker.
func (s *Store) InterviewByID(ctx context.Context, id int64) (*Interview, error) {
	var iv Interview
	err := s.db.GetContext(ctx, &iv, `SELECT `+interviewColumns+` FROM interviews i WHERE i.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Entretien introuvable.")
	}
	if err != nil {
		return nil, wrap("InterviewByID", err)
	}
	if iv.SessionID != nil {
		return &iv, nil // a session's interviewers sit on the session, with their own event
	}
	return &iv, s.loadInterviewers(ctx, &iv)
}

func (s *Store) loadInterviewers(ctx context.Context, iv *Interview) error {
	err := s.db.SelectContext(ctx, &iv.Interviewers, `SELECT a.id, a.email, a.first_name, a.last_name, a.password_hash, a.status,
			a.last_login_at, a.created_at, a.updated_at
		FROM interview_interviewers x JOIN agents a ON a.id = x.agent_id WHERE x.interview_id = $1 ORDER BY a.last_name, a.id`, iv.ID)
	return wrap("loadInterviewers", err)
}

// InterviewsOfApplication lists the interviews of one of the
// administration's applications, newest first.
func (s *Store) InterviewsOfApplication(ctx context.Context, adminID, appID int64) ([]Interview, error) {
	var out []Interview
	if err := s.db.SelectContext(ctx, &out, `SELECT `+interviewColumns+` FROM interviews i
		WHERE i.application_id = $1 AND i.administration_id = $2 ORDER BY i.created_at DESC, i.id DESC`, appID, adminID); err != nil {
		return nil, wrap("InterviewsOfApplication", err)
	}
	for i := range out {
		if err := s.loadInterviewers(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CandidateInterviews returns, per application of the candidate, the
// interview in view (the latest not replaced).
func (s *Store) CandidateInterviews(ctx context.Context, candidateID int64) (map[int64]*Interview, error) {
	var rows []Interview
	err := s.db.SelectContext(ctx, &rows, `SELECT DISTINCT ON (i.application_id) `+interviewColumns+`
		FROM interviews i JOIN applications a ON a.id = i.application_id
		WHERE a.candidate_id = $1 AND i.status <> 'remplace' ORDER BY i.application_id, i.created_at DESC, i.id DESC`, candidateID)
	out := map[int64]*Interview{}
	for i := range rows {
		out[rows[i].ApplicationID] = &rows[i]
	}
	return out, wrap("CandidateInterviews", err)
}

// InterviewsStarting lists the interviews still on (proposed or accepted)
// that start in [from, to), of applications still pending, for reminders.
func (s *Store) InterviewsStarting(ctx context.Context, from, to time.Time) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `SELECT i.id FROM interviews i JOIN applications a ON a.id = i.application_id
		WHERE i.starts_at >= $1 AND i.starts_at < $2 AND i.status IN ('propose', 'accepte')
		  AND a.category IN ('nouvelle', 'en_cours') ORDER BY i.starts_at, i.id`, from, to)
	return ids, wrap("InterviewsStarting", err)
}
