package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

const slotColumns = `id, session_id, starts_at, duration_minutes, capacity, booked`

// candidateConvocation reads a convoked interview of the candidate with its
// session; lock takes the session (shared) and then the interview's row for
// the transaction's change: the order of every session change, which locks
// its session first, so that a recruiter's change and a candidate's choice
// wait for each other instead of deadlocking.
func candidateConvocation(ctx context.Context, q sqlx.QueryerContext, candidateID, interviewID int64, lock bool) (*Interview, *InterviewSession, error) {
	var s InterviewSession
	query := `SELECT ` + sessionColumns + ` FROM interview_sessions s JOIN interviews i ON i.session_id = s.id
		JOIN applications a ON a.id = i.application_id WHERE i.id = $1 AND a.candidate_id = $2`
	if lock {
		query += ` FOR SHARE OF s`
	}
	err := sqlx.GetContext(ctx, q, &s, query, interviewID, candidateID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, Errorf(ENOTFOUND, "Convocation introuvable.")
	}
	if err != nil {
		return nil, nil, err
	}
	var iv Interview
	query = `SELECT ` + interviewColumns + ` FROM interviews i WHERE i.id = $1`
	if lock {
		query += ` FOR UPDATE OF i`
	}
	if err := sqlx.GetContext(ctx, q, &iv, query, interviewID); err != nil {
		return nil, nil, err
	}
	return &iv, &s, nil
}

// CandidateSlots lists the slots the candidate may choose for their
// convoked interview: those to come with a place left, while the session's
// deadline is not past. A convocation that takes no choice (given time,
// past deadline, declined) has none.
func (s *Store) CandidateSlots(ctx context.Context, candidateID, interviewID int64, now time.Time) ([]InterviewSlot, error) {
	iv, sess, err := candidateConvocation(ctx, s.db, candidateID, interviewID, false)
	if err != nil {
		return nil, wrap("CandidateSlots", err)
	}
	out := []InterviewSlot{}
	if !choosable(iv, sess, now) {
		return out, nil
	}
	err = s.db.SelectContext(ctx, &out, `SELECT `+slotColumns+` FROM interview_slots
		WHERE session_id = $1 AND starts_at > $2 AND booked < capacity ORDER BY starts_at, id`, sess.ID, now)
	return out, wrap("CandidateSlots", err)
}

// CandidateConvocations returns, per convoked interview of the candidate
// (by interview id), its session and, where a slot may be chosen, the
// slots to come, full ones included.
func (s *Store) CandidateConvocations(ctx context.Context, candidateID int64, now time.Time) (map[int64]*CandidateConvocation, error) {
	var rows []struct {
		InterviewID int64           `db:"interview_id"`
		Status      InterviewStatus `db:"interview_status"`
		SlotID      *int64          `db:"interview_slot_id"`
		InterviewSession
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT i.id AS interview_id, i.status AS interview_status, i.slot_id AS interview_slot_id,
			`+sessionColumns+`
		FROM interviews i JOIN applications a ON a.id = i.application_id JOIN interview_sessions s ON s.id = i.session_id
		WHERE a.candidate_id = $1 AND i.status <> 'remplace'`, candidateID); err != nil {
		return nil, wrap("CandidateConvocations", err)
	}
	out := make(map[int64]*CandidateConvocation, len(rows))
	for _, r := range rows {
		iv := Interview{ID: r.InterviewID, Status: r.Status, SlotID: r.SlotID}
		out[r.InterviewID] = &CandidateConvocation{Session: r.InterviewSession, CanChoose: choosable(&iv, &r.InterviewSession, now)}
	}
	var slots []InterviewSlot
	if err := s.db.SelectContext(ctx, &slots, `SELECT DISTINCT `+slotColumns+` FROM interview_slots
		WHERE session_id IN (SELECT i.session_id FROM interviews i JOIN applications a ON a.id = i.application_id
			WHERE a.candidate_id = $1 AND i.status <> 'remplace') AND starts_at > $2 ORDER BY starts_at, id`, candidateID, now); err != nil {
		return nil, wrap("CandidateConvocations", err)
	}
	for _, c := range out {
		for _, sl := range slots {
			if sl.SessionID == c.Session.ID && c.Session.Mode == SessionChoice {
				c.Slots = append(c.Slots, sl)
			}
		}
	}
	return out, nil
}

// BookSlot gives the candidate's convoked interview the slot they chose, or
// moves it there from the slot it held, in one transaction. The place is
// taken by the UPDATE whose WHERE clause wants one left, so two candidates
// never get the last one; a change gives the old place back.
func (s *Store) BookSlot(ctx context.Context, candidateID, interviewID, slotID int64, now time.Time) error {
	return s.inTx(ctx, "BookSlot", func(tx *sqlx.Tx) error {
		iv, sess, err := candidateConvocation(ctx, tx, candidateID, interviewID, true)
		if err != nil {
			return err
		}
		a, err := candidateApplication(ctx, tx, candidateID, iv.ApplicationID)
		if err != nil {
			return err
		}
		if err := checkChoice(iv, sess, a, now); err != nil {
			return err
		}
		if iv.SlotID != nil && *iv.SlotID == slotID {
			return nil // already theirs: nothing changes, nothing to mail
		}
		change := iv.SlotID != nil
		if change {
			// Both rows in id order, so that two candidates swapping slots
			// wait for each other instead of deadlocking.
			if _, err := tx.ExecContext(ctx, `SELECT id FROM interview_slots WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`,
				*iv.SlotID, slotID); err != nil {
				return err
			}
		}
		var slot InterviewSlot
		err = tx.GetContext(ctx, &slot, `UPDATE interview_slots SET booked = booked + 1
			WHERE id = $1 AND session_id = $2 AND booked < capacity AND starts_at > $3 RETURNING `+slotColumns, slotID, sess.ID, now)
		if errors.Is(err, sql.ErrNoRows) {
			return slotRefusal(ctx, tx, slotID, sess.ID, now)
		}
		if err != nil {
			return err
		}
		if change {
			if _, err := tx.ExecContext(ctx, `UPDATE interview_slots SET booked = booked - 1 WHERE id = $1 AND booked > 0`,
				*iv.SlotID); err != nil {
				return err
			}
		}
		// The first booking sends the first event (sequence 0); a change
		// updates the event already in the candidate's calendar.
		if err := tx.GetContext(ctx, iv, `UPDATE interviews i SET slot_id = $2, starts_at = $3, duration_minutes = $4,
				status = 'accepte', answered_at = now(), candidate_message = '',
				sequence = sequence + CASE WHEN $5 THEN 1 ELSE 0 END, updated_at = now()
			WHERE id = $1 RETURNING `+interviewColumns, iv.ID, slot.ID, slot.StartsAt, slot.DurationMinutes, change); err != nil {
			return err
		}
		what := "Créneau choisi : " + FrenchDateTime(slot.StartsAt, Paris())
		if change {
			what = "Créneau changé : " + FrenchDateTime(slot.StartsAt, Paris())
		}
		if err := touchApplication(ctx, tx, a.ID); err != nil {
			return err
		}
		if err := insertInterviewEvent(ctx, tx, a, iv.ID, "candidat·e", what, "", true); err != nil {
			return err
		}
		return insertInterviewTask(ctx, tx, TaskInterviewInvitation, "critical", iv)
	})
}

// checkChoice refuses a choice the convocation does not take now.
func checkChoice(iv *Interview, sess *InterviewSession, a *Application, now time.Time) error {
	switch {
	case a.Category != CategoryNew && a.Category != CategoryReview:
		return Errorf(ECONFLICT, "Cette candidature est %s : la convocation ne prend plus de réponse.", StatusLabel(a.Category, false))
	case sess.Mode != SessionChoice:
		return Errorf(ECONFLICT, "Cette convocation donne un horaire fixé par le recruteur : confirmez-le ou demandez-en un autre.")
	case sess.CanceledAt != nil || iv.Status == InterviewCanceled:
		return Errorf(ECONFLICT, "Cette convocation est annulée.")
	case sess.ChoiceDeadline != nil && !now.Before(*sess.ChoiceDeadline):
		return Errorf(ECONFLICT, "Le choix des créneaux est clos depuis le %s : contactez le recruteur pour changer d'horaire.",
			FrenchDateTime(*sess.ChoiceDeadline, Paris()))
	case !choosable(iv, sess, now):
		return Errorf(ECONFLICT, "Cette convocation ne prend plus de choix de créneau : %s.", iv.Status.Label())
	}
	return nil
}

// slotRefusal says why the booking UPDATE took no place.
func slotRefusal(ctx context.Context, tx *sqlx.Tx, slotID, sessionID int64, now time.Time) error {
	var slot InterviewSlot
	err := tx.GetContext(ctx, &slot, `SELECT `+slotColumns+` FROM interview_slots WHERE id = $1 AND session_id = $2`, slotID, sessionID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return FieldError("slot", "Choisissez un des créneaux proposés.")
	case err != nil:
		return err
	case !slot.StartsAt.After(now):
		return FieldError("slot", "Ce créneau est passé : choisissez-en un autre.")
	}
	return &Error{Code: ECONFLICT, Field: "slot", Message: "Ce créneau vient d'être pris : choisissez-en un autre."}
}

func touchApplication(ctx context.Context, tx *sqlx.Tx, appID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE applications SET last_activity_at = now() WHERE id = $1`, appID)
	return err
}

// AnswerConvocation records the candidate's answer to a convocation: confirm
// the time the recruiter gave, decline with a reason (the place goes back to
// the slot), or ask for another time with a message. The recruiters and
// interviewers are told.
func (s *Store) AnswerConvocation(ctx context.Context, candidateID, interviewID int64, answer ConvocationAnswer, message string, now time.Time) error {
	message = strings.TrimSpace(message)
	field := map[ConvocationAnswer]string{AnswerDecline: "decline-reason", AnswerOtherTime: "other-time"}[answer]
	switch {
	case answer != AnswerConfirm && field == "":
		return Errorf(EINVALID, "Réponse inconnue.")
	case answer == AnswerDecline && message == "":
		return FieldError(field, "Dites pourquoi vous ne pourrez pas venir : le recruteur le lira.")
	case answer == AnswerOtherTime && message == "":
		return FieldError(field, "Dites quand vous seriez disponible : le recruteur vous proposera un autre horaire.")
	case utf8.RuneCountInString(message) > 2000:
		return FieldError(field, "Le message compte 2 000 caractères au plus.")
	}
	return s.inTx(ctx, "AnswerConvocation", func(tx *sqlx.Tx) error {
		iv, _, err := candidateConvocation(ctx, tx, candidateID, interviewID, true)
		if err != nil {
			return err
		}
		a, err := candidateApplication(ctx, tx, candidateID, iv.ApplicationID)
		if err != nil {
			return err
		}
		if err := checkAnswer(iv, a, answer, now); err != nil {
			return err
		}
		status, what := map[ConvocationAnswer]InterviewStatus{AnswerConfirm: InterviewAccepted, AnswerDecline: InterviewDeclined,
			AnswerOtherTime: InterviewOtherSlot}[answer], map[ConvocationAnswer]string{AnswerConfirm: "Présence confirmée",
			AnswerDecline: "Convocation déclinée", AnswerOtherTime: "Autre horaire demandé"}[answer]
		if answer == AnswerDecline && iv.SlotID != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE interview_slots SET booked = booked - 1 WHERE id = $1 AND booked > 0`,
				*iv.SlotID); err != nil {
				return err
			}
		}
		if err := tx.GetContext(ctx, iv, `UPDATE interviews i SET status = $2, candidate_message = $3, answered_at = now(),
			updated_at = now() WHERE id = $1 RETURNING `+interviewColumns, iv.ID, status, message); err != nil {
			return err
		}
		if err := touchApplication(ctx, tx, a.ID); err != nil {
			return err
		}
		if err := insertInterviewEvent(ctx, tx, a, iv.ID, "candidat·e", what, message, false); err != nil {
			return err
		}
		return insertInterviewTask(ctx, tx, TaskInterviewAnswered, "default", iv)
	})
}

// checkAnswer refuses an answer the convocation does not take now.
func checkAnswer(iv *Interview, a *Application, answer ConvocationAnswer, now time.Time) error {
	switch {
	case a.Category != CategoryNew && a.Category != CategoryReview:
		return Errorf(ECONFLICT, "Cette candidature est %s : la convocation ne prend plus de réponse.", StatusLabel(a.Category, false))
	case iv.Status == InterviewCanceled || iv.Status == InterviewReplaced:
		return Errorf(ECONFLICT, "Cette convocation est %s.", iv.Status.Label())
	case iv.Status == InterviewDeclined:
		return Errorf(ECONFLICT, "Vous avez déjà décliné cette convocation.")
	case iv.Status != InterviewToChoose && !now.Before(iv.StartsAt):
		return Errorf(ECONFLICT, "Cette convocation est passée.")
	case answer == AnswerConfirm && iv.Status != InterviewProposed:
		return Errorf(ECONFLICT, "Vous avez déjà répondu à cette convocation : %s.", iv.Status.Label())
	case answer == AnswerOtherTime && iv.Status == InterviewOtherSlot:
		return Errorf(ECONFLICT, "Vous avez déjà demandé un autre horaire : le recruteur vous répondra.")
	case answer == AnswerOtherTime && iv.Status == InterviewToChoose:
		return Errorf(ECONFLICT, "Choisissez un des créneaux proposés, ou dites que vous ne pourrez pas venir.")
	}
	return nil
}

// ConvocationsToChoose lists the convocations still waiting for a slot
// whose choice closes in [from, to), of sessions still on and applications
// still pending, for the reminder to choose. One convoked within the last
// day before the deadline has just had the invitation: no reminder.
func (s *Store) ConvocationsToChoose(ctx context.Context, from, to time.Time) ([]SlotReminder, error) {
	var out []SlotReminder
	err := s.db.SelectContext(ctx, &out, `SELECT i.id AS interview_id, i.application_id, s.choice_deadline
		FROM interviews i JOIN interview_sessions s ON s.id = i.session_id JOIN applications a ON a.id = i.application_id
		WHERE i.status = 'a_choisir' AND s.mode = 'choix' AND s.cancelled_at IS NULL
		  AND s.choice_deadline >= $1 AND s.choice_deadline < $2 AND i.created_at <= s.choice_deadline - interval '1 day'
		  AND a.category IN ('nouvelle', 'en_cours') ORDER BY s.choice_deadline, i.id`, from, to)
	return out, wrap("ConvocationsToChoose", err)
}
