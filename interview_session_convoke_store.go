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

// Convoke convokes applications of the session's offer, in one transaction
// whatever their number: consecutive individual slots from the session's
// start (after the last one already given), all in the group sitting, or an
// invitation to choose a slot. Each gets an interview, a history line and
// its own email task; the interviewers get the session's event anew. An
// application that is not a pending one of the session's offer, or already
// convoked to the session, is left out and reported; the others are
// convoked. The set-based statements keep 500 applications well under a
// second.
func (s *Store) Convoke(ctx context.Context, adminID, sessionID int64, appIDs []int64, actor Actor, now time.Time) (ConvokeResult, error) {
	var res ConvokeResult
	if len(appIDs) == 0 {
		return res, FieldError("applications", "Sélectionnez au moins une candidature à convoquer.")
	}
	if len(appIDs) > 1000 {
		return res, FieldError("applications", "Convoquez 1 000 candidatures au plus à la fois.")
	}
	err := s.inTx(ctx, "Convoke", func(tx *sqlx.Tx) error {
		res = ConvokeResult{}
		sess, err := lockSession(ctx, tx, adminID, sessionID)
		if err != nil {
			return err
		}
		if sess.Mode == SessionChoice && sess.ChoiceDeadline != nil && !sess.ChoiceDeadline.After(now) {
			return Errorf(ECONFLICT, "La date limite de choix des créneaux est passée : modifiez-la avant de convoquer.")
		}
		if sess.Mode != SessionChoice && !sess.StartsAt.After(now) {
			return Errorf(ECONFLICT, "Cette session a déjà commencé.")
		}
		ids, skipped, err := convocable(ctx, tx, sess, appIDs)
		if err != nil {
			return err
		}
		res.Skipped = skipped
		if len(ids) == 0 {
			return nil
		}
		starts, slots, err := convocationSlots(ctx, tx, sess, len(ids))
		if err != nil {
			return err
		}
		status := InterviewProposed
		if sess.Mode == SessionChoice {
			status = InterviewToChoose
		}
		var made []struct {
			ID    int64 `db:"id"`
			AppID int64 `db:"application_id"`
		}
		if err := tx.SelectContext(ctx, &made, `INSERT INTO interviews (administration_id, application_id, starts_at, duration_minutes,
				place, video_url, message, organizer, status, session_id, slot_id)
			SELECT $1, app, st, $2, $3, $4, $5, $6, $7, $8, slot
			FROM unnest($9::bigint[], $10::timestamptz[], $11::bigint[]) WITH ORDINALITY AS x(app, st, slot, n)
			ORDER BY n RETURNING id, application_id`,
			adminID, sess.DurationMinutes, sess.Place, sess.VideoURL, sess.Instructions, sess.Organizer, status, sess.ID,
			pq.Array(ids), pq.Array(starts), pq.Array(slots)); err != nil {
			return err
		}
		byApp := make(map[int64]int64, len(made))
		for _, m := range made {
			byApp[m.AppID] = m.ID
		}
		for _, id := range ids {
			res.Convoked = append(res.Convoked, byApp[id])
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET interview_planned = true, updated_at = now(), last_activity_at = now()
			WHERE id = ANY($1)`, pq.Array(ids)); err != nil {
			return err
		}
		what := "Convocation à un entretien"
		if status == InterviewToChoose {
			what = "Invitation à choisir un créneau d'entretien"
		}
		if err := convocationEvents(ctx, tx, res.Convoked, actor.Email, what, ""); err != nil {
			return err
		}
		if err := insertInterviewTasks(ctx, tx, adminID, res.Convoked); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE interview_sessions SET sequence = sequence + 1, updated_at = now() WHERE id = $1`,
			sess.ID); err != nil {
			return err
		}
		if err := insertSessionTask(ctx, tx, sess, true); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "session.convoked", "session "+strconv.FormatInt(sess.ID, 10),
			map[string]string{"convocations": strconv.Itoa(len(ids)), "écartées": strconv.Itoa(len(skipped))})
	})
	if err != nil {
		return ConvokeResult{}, err
	}
	return res, nil
}

// convocable locks the applications and returns, in the order given, those
// that can be convoked, and the others with why.
func convocable(ctx context.Context, tx *sqlx.Tx, sess *InterviewSession, appIDs []int64) ([]int64, []ConvokeSkip, error) {
	var rows []struct {
		ID       int64    `db:"id"`
		OfferID  *int64   `db:"offer_id"`
		Category Category `db:"category"`
		// Held is the status of the application's convocation to this
		// session that still counts (the unique index's rule): one that
		// the candidate declined counts too.
		Held InterviewStatus `db:"held"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT a.id, a.offer_id, a.category,
			COALESCE((SELECT i.status FROM interviews i WHERE i.application_id = a.id AND i.session_id = $3
				AND i.status NOT IN ('remplace', 'annule') LIMIT 1), '') AS held
		FROM applications a WHERE a.id = ANY($1) AND a.administration_id = $2 ORDER BY a.id FOR UPDATE OF a`,
		pq.Array(appIDs), sess.AdministrationID, sess.ID); err != nil {
		return nil, nil, err
	}
	why := make(map[int64]string, len(appIDs))
	for _, id := range appIDs {
		why[id] = "Candidature introuvable."
	}
	for _, r := range rows {
		switch {
		case r.OfferID == nil || *r.OfferID != sess.OfferID:
			why[r.ID] = "Candidature à une autre offre que celle de la session."
		case r.Category != CategoryNew && r.Category != CategoryReview:
			why[r.ID] = "Candidature " + StatusLabel(r.Category, false) + " : on ne convoque qu'une candidature en attente de décision."
		case r.Held == InterviewDeclined:
			why[r.ID] = "La personne a décliné sa convocation à cette session."
		case r.Held != "":
			why[r.ID] = "Déjà convoquée à cette session."
		default:
			why[r.ID] = ""
		}
	}
	var ids []int64
	var skipped []ConvokeSkip
	seen := map[int64]bool{}
	for _, id := range appIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if why[id] == "" {
			ids = append(ids, id)
		} else {
			skipped = append(skipped, ConvokeSkip{ApplicationID: id, Reason: why[id]})
		}
	}
	return ids, skipped, nil
}

// convocationSlots gives n convocations their start and slot: new
// consecutive slots after the session's last one (individuel), places in
// the group sitting (collectif, which grows to hold them), or none yet
// (choix: the session's start stands until the candidate chooses).
func convocationSlots(ctx context.Context, tx *sqlx.Tx, sess *InterviewSession, n int) ([]time.Time, []*int64, error) {
	starts, slots := make([]time.Time, n), make([]*int64, n)
	switch sess.Mode {
	case SessionChoice:
		for i := range starts {
			starts[i] = sess.StartsAt
		}
	case SessionGroup:
		var slot InterviewSlot
		if err := tx.GetContext(ctx, &slot, `UPDATE interview_slots SET capacity = least(1000, greatest(capacity, booked + $2)),
				booked = booked + $2
			WHERE id = (SELECT id FROM interview_slots WHERE session_id = $1 ORDER BY starts_at, id LIMIT 1)
			RETURNING id, session_id, starts_at, duration_minutes, capacity, booked`, sess.ID, n); err != nil {
			var pqErr *pq.Error
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return nil, nil, Errorf(ECONFLICT, "Cette séance collective n'a pas de créneau.")
			case errors.As(err, &pqErr) && pqErr.Code == "23514":
				return nil, nil, Errorf(ECONFLICT, "La séance collective compte 1 000 places au plus.")
			}
			return nil, nil, err
		}
		for i := range starts {
			starts[i], slots[i] = slot.StartsAt, &slot.ID
		}
	default:
		var next time.Time
		if err := tx.GetContext(ctx, &next, `SELECT coalesce(max(starts_at + make_interval(mins => duration_minutes)), $2)
			FROM interview_slots WHERE session_id = $1`, sess.ID, sess.StartsAt); err != nil {
			return nil, nil, err
		}
		step := time.Duration(sess.DurationMinutes) * time.Minute
		for i := range starts {
			starts[i] = next.Add(time.Duration(i) * step)
		}
		var made []InterviewSlot
		if err := tx.SelectContext(ctx, &made, `INSERT INTO interview_slots (session_id, starts_at, duration_minutes, capacity, booked)
			SELECT $1, st, $2, 1, 1 FROM unnest($3::timestamptz[]) AS st
			RETURNING id, session_id, starts_at, duration_minutes, capacity, booked`,
			sess.ID, sess.DurationMinutes, pq.Array(starts)); err != nil {
			return nil, nil, err
		}
		byStart := make(map[int64]int64, len(made))
		for _, sl := range made {
			byStart[sl.StartsAt.Unix()] = sl.ID
		}
		for i := range starts {
			id := byStart[starts[i].Unix()]
			slots[i] = &id
		}
	}
	return starts, slots, nil
}

// convocationEvents adds one history line per interview, in one statement.
func convocationEvents(ctx context.Context, tx *sqlx.Tx, interviewIDs []int64, actor, what, detail string) error {
	if len(interviewIDs) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO application_events
			(application_id, actor, from_category, to_category, step, reason, email_sent, stage_id, interview_id)
		SELECT a.id, $2, a.category, a.category, $3, $4, true, a.stage_id, i.id
		FROM interviews i JOIN applications a ON a.id = i.application_id WHERE i.id = ANY($1) ORDER BY i.id`,
		pq.Array(interviewIDs), actor, what, detail)
	return err
}

// insertInterviewTasks writes one candidate email task per interview, in
// one statement; each row is its own task, so each change mails once.
func insertInterviewTasks(ctx context.Context, tx *sqlx.Tx, adminID int64, interviewIDs []int64) error {
	if len(interviewIDs) == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (task_type, queue, payload, administration_id)
		SELECT $1, 'critical', jsonb_build_object('interview_id', id), $2 FROM unnest($3::bigint[]) WITH ORDINALITY AS x(id, n) ORDER BY n`,
		TaskInterviewInvitation, adminID, pq.Array(interviewIDs))
	return err
}
