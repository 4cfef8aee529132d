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

// Changes of one convocation (a new time, a cancellation) and the
// cancellation of interviews, for one or a whole session.

func cancelReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 2000 {
		return "", FieldError("reason", "Le motif compte 2 000 caractères au plus.")
	}
	return reason, nil
}

// cancelInterviews cancels the interviews given (locked by the caller):
// status annule, the next sequence, their place freed, a history line and
// a cancellation email each. The reason takes the message's place: it is
// what the cancellation tells the candidate.
func cancelInterviews(ctx context.Context, tx *sqlx.Tx, adminID int64, ids []int64, reason string, actor Actor) error {
	if len(ids) == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE interview_slots sl SET booked = sl.booked - x.n
		FROM (SELECT slot_id, count(*)::int AS n FROM interviews WHERE id = ANY($1) AND slot_id IS NOT NULL GROUP BY slot_id) x
		WHERE sl.id = x.slot_id`, pq.Array(ids)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE interviews SET status = 'annule', sequence = sequence + 1, message = $2, updated_at = now()
		WHERE id = ANY($1)`, pq.Array(ids), reason); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications a SET interview_planned = false, updated_at = now()
		WHERE a.id IN (SELECT application_id FROM interviews WHERE id = ANY($1))
		  AND NOT EXISTS (SELECT 1 FROM interviews o WHERE o.application_id = a.id AND o.status IN `+liveStatuses+`)`,
		pq.Array(ids)); err != nil {
		return err
	}
	if err := convocationEvents(ctx, tx, ids, actor.Email, "Entretien annulé", reason); err != nil {
		return err
	}
	return insertInterviewTasks(ctx, tx, adminID, ids)
}

// lockConvocation takes one of the administration's interviews still on,
// and its session if it has one. The session is locked first, as every
// change of a session does (session, then its interviews, then its slots):
// two changes never wait on each other in opposite orders.
func lockConvocation(ctx context.Context, tx *sqlx.Tx, adminID, interviewID int64) (*Interview, *InterviewSession, error) {
	var sessionID *int64
	err := tx.GetContext(ctx, &sessionID, `SELECT session_id FROM interviews WHERE id = $1 AND administration_id = $2`,
		interviewID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, Errorf(ENOTFOUND, "Entretien introuvable.")
	}
	if err != nil {
		return nil, nil, err
	}
	var sess *InterviewSession
	if sessionID != nil {
		if sess, err = lockSession(ctx, tx, adminID, *sessionID); err != nil {
			return nil, nil, err
		}
	}
	var iv Interview
	if err := tx.GetContext(ctx, &iv, `SELECT `+interviewColumns+` FROM interviews i WHERE i.id = $1 FOR UPDATE`,
		interviewID); err != nil {
		return nil, nil, err
	}
	switch iv.Status {
	case InterviewToChoose, InterviewProposed, InterviewAccepted, InterviewOtherSlot:
		return &iv, sess, nil
	}
	return nil, nil, Errorf(ECONFLICT, "Cet entretien est %s : il ne change plus.", iv.Status.Label())
}

// CancelConvocation cancels one interview (of a session or not): the
// candidate gets a METHOD:CANCEL of its event, with the reason, and the
// session's interviewers the list without them.
func (s *Store) CancelConvocation(ctx context.Context, adminID, interviewID int64, reason string, actor Actor) error {
	reason, err := cancelReason(reason)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "CancelConvocation", func(tx *sqlx.Tx) error {
		iv, sess, err := lockConvocation(ctx, tx, adminID, interviewID)
		if err != nil {
			return err
		}
		if err := cancelInterviews(ctx, tx, adminID, []int64{iv.ID}, reason, actor); err != nil {
			return err
		}
		if err := bumpSession(ctx, tx, sess); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "interview.cancelled", "candidature "+strconv.FormatInt(iv.ApplicationID, 10),
			map[string]string{"entretien": strconv.FormatInt(iv.ID, 10), "motif": reason})
	})
}

// bumpSession gives a session's event its next sequence and sends it to the
// interviewers again (its list of candidates changed); nil is no session.
func bumpSession(ctx context.Context, tx *sqlx.Tx, sess *InterviewSession) error {
	if sess == nil {
		return nil
	}
	var next InterviewSession
	if err := tx.GetContext(ctx, &next, `UPDATE interview_sessions s SET sequence = sequence + 1, updated_at = now()
		WHERE id = $1 RETURNING `+sessionColumns, sess.ID); err != nil {
		return err
	}
	return insertSessionTask(ctx, tx, &next, true)
}

// RescheduleConvocation gives one convoked candidate another time: a place
// in the session's slot at that time if one is free, else a slot of their
// own. The interview keeps its calendar UID with the next sequence, waits
// for the candidate's answer again, and an update email goes out.
func (s *Store) RescheduleConvocation(ctx context.Context, adminID, interviewID int64, newStart time.Time, actor Actor, now time.Time) (*Interview, error) {
	if !newStart.After(now) || newStart.After(now.AddDate(1, 0, 0)) {
		return nil, FieldError("date", "Le nouvel horaire a lieu dans l'année qui vient.")
	}
	out := &Interview{}
	err := s.inTx(ctx, "RescheduleConvocation", func(tx *sqlx.Tx) error {
		iv, sess, err := lockConvocation(ctx, tx, adminID, interviewID)
		if err != nil {
			return err
		}
		if sess == nil {
			return Errorf(ECONFLICT, "Cet entretien n'est pas une convocation : proposez une nouvelle invitation.")
		}
		if iv.StartsAt.Equal(newStart) && iv.SlotID != nil {
			return FieldError("date", "La personne candidate est déjà convoquée à cet horaire.")
		}
		if iv.SlotID != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE interview_slots SET booked = booked - 1 WHERE id = $1`, *iv.SlotID); err != nil {
				return err
			}
			if sess.Mode == SessionIndividual {
				if _, err := tx.ExecContext(ctx, `DELETE FROM interview_slots WHERE id = $1 AND booked = 0`, *iv.SlotID); err != nil {
					return err
				}
			}
		}
		var slot InterviewSlot
		err = tx.GetContext(ctx, &slot, `UPDATE interview_slots SET booked = booked + 1
			WHERE session_id = $1 AND starts_at = $2 AND booked < capacity RETURNING id, duration_minutes`, sess.ID, newStart)
		if errors.Is(err, sql.ErrNoRows) {
			err = tx.GetContext(ctx, &slot, `INSERT INTO interview_slots (session_id, starts_at, duration_minutes, capacity, booked)
				VALUES ($1, $2, $3, 1, 1) ON CONFLICT (session_id, starts_at) DO NOTHING RETURNING id, duration_minutes`,
				sess.ID, newStart, sess.DurationMinutes)
			if errors.Is(err, sql.ErrNoRows) {
				return FieldError("date", "Le créneau de cet horaire est complet.")
			}
		}
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, out, `UPDATE interviews i SET starts_at = $2, slot_id = $3, duration_minutes = $4,
				status = 'propose', sequence = sequence + 1, updated_at = now()
			WHERE id = $1 RETURNING `+interviewColumns, iv.ID, newStart, slot.ID, slot.DurationMinutes); err != nil {
			return err
		}
		if err := convocationEvents(ctx, tx, []int64{iv.ID}, actor.Email, "Convocation déplacée", ""); err != nil {
			return err
		}
		if err := insertInterviewTasks(ctx, tx, adminID, []int64{iv.ID}); err != nil {
			return err
		}
		if err := bumpSession(ctx, tx, sess); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "interview.rescheduled", "candidature "+strconv.FormatInt(iv.ApplicationID, 10),
			map[string]string{"entretien": strconv.FormatInt(iv.ID, 10), "début": newStart.UTC().Format(time.RFC3339)})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
