package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

const sessionColumns = `s.id, s.administration_id, s.offer_id, s.title, s.mode, s.starts_at, s.duration_minutes, s.place,
	s.video_url, s.instructions, s.document_key, s.document_name, s.document_type, s.choice_deadline, s.organizer, s.uid,
	s.sequence, s.created_by, s.created_at, s.updated_at, s.cancelled_at`

// liveStatuses are the statuses of a convocation still on: a change of the
// session reaches them, a cancellation ends them.
const liveStatuses = `('a_choisir', 'propose', 'accepte', 'autre_creneau')`

// CreateSession records a convocation session of one of the administration's
// offers, with its interviewers and, for a group sitting or slots to
// choose, its slots. Nobody is mailed yet: the convocations are (Convoke).
func (s *Store) CreateSession(ctx context.Context, adminID, offerID int64, r SessionRequest, actor Actor, now time.Time) (*InterviewSession, error) {
	if err := r.Validate(now); err != nil {
		return nil, err
	}
	outside, _ := ParseOutsideMembers(r.OutsideMembers)
	sess := &InterviewSession{}
	err := s.inTx(ctx, "CreateSession", func(tx *sqlx.Tx) error {
		var found int64
		err := tx.GetContext(ctx, &found, `SELECT id FROM offers WHERE id = $1 AND administration_id = $2`, offerID, adminID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Offre introuvable.")
		}
		if err != nil {
			return err
		}
		agents, err := checkInterviewers(ctx, tx, adminID, r.Interviewers)
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, sess, `INSERT INTO interview_sessions AS s (administration_id, offer_id, title, mode, starts_at,
				duration_minutes, place, video_url, instructions, document_key, document_name, document_type, choice_deadline,
				organizer, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING `+sessionColumns,
			adminID, offerID, r.Title, r.Mode, r.StartsAt, r.DurationMinutes, r.Place, r.VideoURL, r.Instructions,
			r.DocumentKey, r.DocumentName, r.DocumentType, r.ChoiceDeadline, actor.Email); err != nil {
			return err
		}
		if err := replaceSessionInterviewers(ctx, tx, sess.ID, agents, outside); err != nil {
			return err
		}
		switch r.Mode {
		case SessionGroup:
			if _, err := tx.ExecContext(ctx, `INSERT INTO interview_slots (session_id, starts_at, duration_minutes, capacity)
				VALUES ($1, $2, $3, $4)`, sess.ID, r.StartsAt, r.DurationMinutes, max(r.RoomSize, 1)); err != nil {
				return err
			}
		case SessionChoice:
			if err := upsertChoiceSlots(ctx, tx, sess.ID, r); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, &adminID, actor, "session.created", "session "+strconv.FormatInt(sess.ID, 10),
			map[string]string{"offre": strconv.FormatInt(offerID, 10), "titre": r.Title, "début": r.StartsAt.UTC().Format(time.RFC3339)})
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// checkInterviewers returns the ids among ids of the administration's
// active agents, refusing the request when one is not.
func checkInterviewers(ctx context.Context, tx *sqlx.Tx, adminID int64, ids []int64) ([]int64, error) {
	found := []int64{}
	if len(ids) == 0 {
		return found, nil
	}
	if err := tx.SelectContext(ctx, &found, `SELECT DISTINCT a.id FROM casbin_rules r JOIN agents a ON r.v0 = 'agent:' || a.id
		WHERE r.ptype = 'g' AND r.v2 = $1 AND a.status = 'active' AND a.id = ANY($2)`,
		AdministrationDomain(adminID), pq.Array(ids)); err != nil {
		return nil, err
	}
	if len(found) != len(uniqueIDs(ids)) {
		return nil, FieldError("interviewers", "Choisissez les personnes qui mènent l'entretien parmi les agents de l'administration.")
	}
	return found, nil
}

func replaceSessionInterviewers(ctx context.Context, tx *sqlx.Tx, sessionID int64, agents []int64, outside []OutsideMember) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM session_interviewers WHERE session_id = $1`, sessionID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO session_interviewers (session_id, agent_id, email, name)
		SELECT $1, id, lower(email), trim(first_name || ' ' || last_name) FROM agents WHERE id = ANY($2)
		ON CONFLICT DO NOTHING`, sessionID, pq.Array(agents)); err != nil {
		return err
	}
	emails, names := make([]string, len(outside)), make([]string, len(outside))
	for i, m := range outside {
		emails[i], names[i] = m.Email, m.Name
	}
	// An outside address that is an agent's stays the agent's.
	_, err := tx.ExecContext(ctx, `INSERT INTO session_interviewers (session_id, email, name)
		SELECT $1, e, n FROM unnest($2::text[], $3::text[]) AS x(e, n) ON CONFLICT DO NOTHING`,
		sessionID, pq.Array(emails), pq.Array(names))
	return err
}

// upsertChoiceSlots makes the published slots of mode choix what r says:
// new ones are added, kept ones take the new capacity and duration, and
// those left out are removed unless a candidate booked them.
func upsertChoiceSlots(ctx context.Context, tx *sqlx.Tx, sessionID int64, r SessionRequest) error {
	starts, caps := make([]time.Time, len(r.Slots)), make([]int64, len(r.Slots))
	for i, sl := range r.Slots {
		starts[i], caps[i] = sl.StartsAt, int64(sl.Capacity)
	}
	var conflict int
	if err := tx.GetContext(ctx, &conflict, `SELECT count(*) FROM interview_slots sl
		LEFT JOIN unnest($2::timestamptz[], $3::int[]) AS x(st, cap) ON x.st = sl.starts_at
		WHERE sl.session_id = $1 AND sl.booked > 0 AND (x.st IS NULL OR x.cap < sl.booked)`,
		sessionID, pq.Array(starts), pq.Array(caps)); err != nil {
		return err
	}
	if conflict > 0 {
		return FieldError("slots", "Un créneau déjà choisi par des personnes candidates ne peut être retiré ni compter moins de places que de réservations.")
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM interview_slots WHERE session_id = $1 AND booked = 0
		AND starts_at <> ALL($2::timestamptz[])`, sessionID, pq.Array(starts)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO interview_slots (session_id, starts_at, duration_minutes, capacity)
		SELECT $1, st, $4, cap FROM unnest($2::timestamptz[], $3::int[]) AS x(st, cap)
		ON CONFLICT (session_id, starts_at) DO UPDATE SET capacity = excluded.capacity, duration_minutes = excluded.duration_minutes`,
		sessionID, pq.Array(starts), pq.Array(caps), r.DurationMinutes)
	return err
}

// lockSession takes the administration's session for a change; a cancelled
// one takes none.
func lockSession(ctx context.Context, tx *sqlx.Tx, adminID, sessionID int64) (*InterviewSession, error) {
	var sess InterviewSession
	err := tx.GetContext(ctx, &sess, `SELECT `+sessionColumns+` FROM interview_sessions s
		WHERE s.id = $1 AND s.administration_id = $2 FOR UPDATE`, sessionID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Session introuvable.")
	}
	if err != nil {
		return nil, err
	}
	if sess.CanceledAt != nil {
		return nil, Errorf(ECONFLICT, "Cette session est annulée.")
	}
	return &sess, nil
}

// UpdateSession changes a session's details, interviewers and slots. Every
// convocation still on whose time or place changes gets the next sequence
// and an update email (same calendar UID), and the interviewers get the
// session's new event: all in the transaction of the change. The mode does
// not change.
func (s *Store) UpdateSession(ctx context.Context, adminID, sessionID int64, r SessionRequest, actor Actor, now time.Time) (*InterviewSession, error) {
	if err := r.Validate(now); err != nil {
		return nil, err
	}
	outside, _ := ParseOutsideMembers(r.OutsideMembers)
	out := &InterviewSession{}
	err := s.inTx(ctx, "UpdateSession", func(tx *sqlx.Tx) error {
		old, err := lockSession(ctx, tx, adminID, sessionID)
		if err != nil {
			return err
		}
		if r.Mode != old.Mode {
			return FieldError("mode", "Le déroulement d'une session ne change pas après sa création : créez une autre session.")
		}
		agents, err := checkInterviewers(ctx, tx, adminID, r.Interviewers)
		if err != nil {
			return err
		}
		if err := replaceSessionInterviewers(ctx, tx, sessionID, agents, outside); err != nil {
			return err
		}
		if err := moveSessionSlots(ctx, tx, old, r); err != nil {
			return err
		}
		if r.DocumentKey == "" {
			r.DocumentKey, r.DocumentName, r.DocumentType = old.DocumentKey, old.DocumentName, old.DocumentType
		}
		if err := tx.GetContext(ctx, out, `UPDATE interview_sessions s SET title = $2, starts_at = $3, duration_minutes = $4,
				place = $5, video_url = $6, instructions = $7, choice_deadline = $8, document_key = $9, document_name = $10,
				document_type = $11, sequence = sequence + 1, updated_at = now()
			WHERE id = $1 RETURNING `+sessionColumns, sessionID, r.Title, r.StartsAt, r.DurationMinutes, r.Place, r.VideoURL,
			r.Instructions, r.ChoiceDeadline, r.DocumentKey, r.DocumentName, r.DocumentType); err != nil {
			return err
		}
		// The new time and place of each convocation still on, with
		// whether it changed (a candidate who chooses has no time yet).
		var changed []int64
		if err := tx.SelectContext(ctx, &changed, `UPDATE interviews i SET starts_at = n.starts_at, duration_minutes = n.dur,
				place = $4, video_url = $5, message = $6, sequence = i.sequence + n.changed::int, updated_at = now(),
				-- a new time or place is a new proposal: an acceptance or a
				-- request for another time was about the old one
				status = CASE WHEN i.status IN ('accepte', 'autre_creneau') THEN 'propose' ELSE i.status END
			FROM (SELECT i2.id, coalesce(sl.starts_at, $2::timestamptz) AS starts_at, coalesce(sl.duration_minutes, $3::int) AS dur,
					i2.status <> 'a_choisir' AND (i2.starts_at, i2.duration_minutes, i2.place, i2.video_url) IS DISTINCT FROM
						(coalesce(sl.starts_at, $2::timestamptz), coalesce(sl.duration_minutes, $3::int), $4::text, $5::text) AS changed
				FROM interviews i2 LEFT JOIN interview_slots sl ON sl.id = i2.slot_id
				WHERE i2.session_id = $1 AND i2.status IN `+liveStatuses+`) n
			WHERE i.id = n.id AND n.changed RETURNING i.id`,
			sessionID, r.StartsAt, r.DurationMinutes, r.Place, r.VideoURL, r.Instructions); err != nil {
			return err
		}
		// The instructions reach those whose time stays too, without email.
		if _, err := tx.ExecContext(ctx, `UPDATE interviews SET message = $2, place = $3, video_url = $4
			WHERE session_id = $1 AND status IN `+liveStatuses, sessionID, r.Instructions, r.Place, r.VideoURL); err != nil {
			return err
		}
		if err := convocationEvents(ctx, tx, changed, actor.Email, "Convocation modifiée", ""); err != nil {
			return err
		}
		if err := insertInterviewTasks(ctx, tx, adminID, changed); err != nil {
			return err
		}
		if err := insertSessionTask(ctx, tx, out, false); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "session.updated", "session "+strconv.FormatInt(sessionID, 10),
			map[string]string{"début": r.StartsAt.UTC().Format(time.RFC3339), "convocations modifiées": strconv.Itoa(len(changed))})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// moveSessionSlots follows the session's new start and duration: individual
// slots keep their rank (the third stays the third, at the new times), the
// group sitting moves to the new start, and the choice slots are the
// published ones of r. Slots are first moved out of the way, since the
// unique (session, start) index is checked row by row.
func moveSessionSlots(ctx context.Context, tx *sqlx.Tx, old *InterviewSession, r SessionRequest) error {
	switch old.Mode {
	case SessionChoice:
		return upsertChoiceSlots(ctx, tx, old.ID, r)
	case SessionGroup:
		_, err := tx.ExecContext(ctx, `UPDATE interview_slots SET starts_at = $2, duration_minutes = $3,
			capacity = CASE WHEN $4 > 0 THEN greatest($4, booked) ELSE capacity END WHERE session_id = $1`,
			old.ID, r.StartsAt, r.DurationMinutes, r.RoomSize)
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE interview_slots SET starts_at = starts_at + interval '1000 years' WHERE session_id = $1`,
		old.ID); err != nil {
		return err
	}
	if r.DurationMinutes == old.DurationMinutes {
		// The same length: every slot moves as the start does, a moved
		// candidate's own time too.
		_, err := tx.ExecContext(ctx, `UPDATE interview_slots SET starts_at = starts_at - interval '1000 years' + ($3::timestamptz - $2::timestamptz)
			WHERE session_id = $1`, old.ID, old.StartsAt, r.StartsAt)
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE interview_slots SET duration_minutes = $4,
		starts_at = $3::timestamptz + make_interval(mins => (round(extract(epoch FROM starts_at - interval '1000 years' - $2::timestamptz)
			/ 60 / $5::int) * $4::int)::int)
		WHERE session_id = $1`, old.ID, old.StartsAt, r.StartsAt, r.DurationMinutes, old.DurationMinutes)
	return err
}

// CancelSession cancels a session and each of its convocations still on:
// every candidate gets a cancellation (METHOD:CANCEL), the interviewers the
// cancelled event. reason is told to the candidates.
func (s *Store) CancelSession(ctx context.Context, adminID, sessionID int64, reason string, actor Actor) error {
	reason, err := cancelReason(reason)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "CancelSession", func(tx *sqlx.Tx) error {
		if _, err := lockSession(ctx, tx, adminID, sessionID); err != nil {
			return err
		}
		var sess InterviewSession
		if err := tx.GetContext(ctx, &sess, `UPDATE interview_sessions s SET cancelled_at = now(), sequence = sequence + 1,
			updated_at = now() WHERE id = $1 RETURNING `+sessionColumns, sessionID); err != nil {
			return err
		}
		var ids []int64
		if err := tx.SelectContext(ctx, &ids, `SELECT id FROM interviews WHERE session_id = $1 AND status IN `+liveStatuses+`
			ORDER BY id FOR UPDATE`, sessionID); err != nil {
			return err
		}
		if err := cancelInterviews(ctx, tx, adminID, ids, reason, actor); err != nil {
			return err
		}
		if err := insertSessionTask(ctx, tx, &sess, true); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "session.cancelled", "session "+strconv.FormatInt(sessionID, 10),
			map[string]string{"motif": reason, "convocations annulées": strconv.Itoa(len(ids))})
	})
}

// insertSessionTask writes the interviewers' session event task, when the
// interviewers have already had it or have candidates to hear (a session
// without any convocation has told nobody anything).
func insertSessionTask(ctx context.Context, tx *sqlx.Tx, sess *InterviewSession, always bool) error {
	if !always {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM interviews WHERE session_id = $1`, sess.ID); err != nil || n == 0 {
			return err
		}
	}
	msg, err := NewOutboxMessage(TaskSessionInterviewers, "default", SessionTask{SessionID: sess.ID})
	if err != nil {
		return err
	}
	msg.AdministrationID = &sess.AdministrationID
	return insertOutbox(ctx, tx, &msg)
}

// SessionsOfOffer lists the sessions of one of the administration's offers,
// the latest first.
func (s *Store) SessionsOfOffer(ctx context.Context, adminID, offerID int64) ([]InterviewSession, error) {
	var out []InterviewSession
	err := s.db.SelectContext(ctx, &out, `SELECT `+sessionColumns+` FROM interview_sessions s
		WHERE s.administration_id = $1 AND s.offer_id = $2 ORDER BY s.starts_at DESC, s.id DESC`, adminID, offerID)
	return out, wrap("SessionsOfOffer", err)
}

// SessionByID returns one of the administration's sessions with its slots,
// interviewers and convocations.
func (s *Store) SessionByID(ctx context.Context, adminID, id int64) (*SessionDetail, error) {
	return s.sessionDetail(ctx, &adminID, id)
}

// InterviewSessionByID returns a session with all it holds, whatever its
// administration, for the worker: masked applicants are masked as on the
// session's pages.
func (s *Store) InterviewSessionByID(ctx context.Context, id int64) (*SessionDetail, error) {
	return s.sessionDetail(ctx, nil, id)
}

// SessionForEmail returns a session without its slots, interviewers and
// convocations, with the administration's own interview template (nil when
// it wrote none), in one query: the worker reads them for each candidate's
// email, and the whole list for each of 500 emails would cost 500 times more.
func (s *Store) SessionForEmail(ctx context.Context, id int64) (*InterviewSession, *EmailTemplate, error) {
	var row struct {
		InterviewSession
		Subject *string `db:"tpl_subject"`
		Body    *string `db:"tpl_body"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT `+sessionColumns+`, t.subject AS tpl_subject, t.body AS tpl_body
		FROM interview_sessions s LEFT JOIN email_templates t ON t.administration_id = s.administration_id AND t.event = $2
		WHERE s.id = $1`, id, EventInterview)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, Errorf(ENOTFOUND, "Session introuvable.")
	}
	if err != nil {
		return nil, nil, wrap("SessionForEmail", err)
	}
	var own *EmailTemplate
	if row.Subject != nil && row.Body != nil {
		own = &EmailTemplate{Event: EventInterview, Subject: *row.Subject, Body: *row.Body, Custom: true}
	}
	return &row.InterviewSession, own, nil
}

func (s *Store) sessionDetail(ctx context.Context, adminID *int64, id int64) (*SessionDetail, error) {
	var d SessionDetail
	err := s.db.GetContext(ctx, &d, `SELECT `+sessionColumns+`, o.title AS offer_title
		FROM interview_sessions s JOIN offers o ON o.id = s.offer_id
		WHERE s.id = $1 AND ($2::bigint IS NULL OR s.administration_id = $2)`, id, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Session introuvable.")
	}
	if err != nil {
		return nil, wrap("SessionByID", err)
	}
	if err := s.db.SelectContext(ctx, &d.Slots, `SELECT id, session_id, starts_at, duration_minutes, capacity, booked
		FROM interview_slots WHERE session_id = $1 ORDER BY starts_at, id`, id); err != nil {
		return nil, wrap("SessionByID", err)
	}
	if err := s.db.SelectContext(ctx, &d.Interviewers, `SELECT session_id, agent_id, email, name
		FROM session_interviewers WHERE session_id = $1 ORDER BY agent_id IS NULL, name, email`, id); err != nil {
		return nil, wrap("SessionByID", err)
	}
	err = s.db.SelectContext(ctx, &d.Convocations, `SELECT i.id, i.application_id, trim(a.first_name || ' ' || a.last_name) AS candidate_name,
			i.status, i.slot_id, i.starts_at, i.duration_minutes, i.candidate_message, i.answered_at, i.attendance, i.attendance_at, i.sequence
		FROM interviews i JOIN applications a ON a.id = i.application_id
		WHERE i.session_id = $1 ORDER BY i.starts_at, a.last_name, a.first_name, i.id`, id)
	if err != nil {
		return nil, wrap("SessionByID", err)
	}
	// A session's pages and emails are shared by its interviewers: a
	// masked applicant (anonymised screening) shows its pseudonym and a
	// redacted message, whoever revealed it.
	ids := make([]int64, len(d.Convocations))
	for i, cv := range d.Convocations {
		ids[i] = cv.ApplicationID
	}
	masks, err := s.IdentityMasks(ctx, d.AdministrationID, 0, ids)
	if err != nil {
		return nil, err
	}
	for i := range d.Convocations {
		if k := masks.Of(d.Convocations[i].ApplicationID); k != nil {
			cv := &d.Convocations[i]
			cv.CandidateName = k.Pseudonym
			cv.CandidateMessage = k.Redact(cv.CandidateMessage)
		}
	}
	return &d, nil
}
