package vivier

import (
	"context"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// The convocations an application's end calls off: a withdrawal or a move
// out of the pending categories would otherwise leave the candidate's place
// booked, their name on the interviewers' list and the event in their
// calendar.

const withdrawnReason = "Vous avez retiré votre candidature : la convocation est annulée."

// endMovedConvocations ends the convocations of the applications a move took
// to step, once for the whole move, when step is out of the pending
// categories.
func endMovedConvocations(ctx context.Context, tx *sqlx.Tx, adminID int64, step *Step, appIDs []int64, actor Actor) error {
	if step.Category == CategoryNew || step.Category == CategoryReview {
		return nil
	}
	reason := "Votre candidature est " + StatusLabel(step.Category, false) + " : la convocation est annulée."
	return endConvocations(ctx, tx, adminID, appIDs, reason, actor)
}

// endConvocations cancels, inside the caller's transaction, the live
// convocations of the applications (locked by the caller) that have not
// started yet: each gets status annule and its next sequence, gives its
// place back and sends the candidate a METHOD:CANCEL; each session touched
// sends its interviewers the list without them. All the applications are of
// the administration adminID. Sessions are locked before their interviews,
// and these before their slots, as every change of a session does.
func endConvocations(ctx context.Context, tx *sqlx.Tx, adminID int64, appIDs []int64, reason string, actor Actor) error {
	if len(appIDs) == 0 {
		return nil
	}
	var sessions []InterviewSession
	if err := tx.SelectContext(ctx, &sessions, `SELECT `+sessionColumns+` FROM interview_sessions s
		WHERE s.cancelled_at IS NULL AND s.id IN (SELECT session_id FROM interviews
			WHERE application_id = ANY($1) AND session_id IS NOT NULL AND status IN `+liveStatuses+` AND starts_at > now())
		ORDER BY s.id FOR UPDATE`, pq.Array(appIDs)); err != nil || len(sessions) == 0 {
		return err
	}
	sessionIDs := make([]int64, len(sessions))
	for i := range sessions {
		sessionIDs[i] = sessions[i].ID
	}
	// Filtered again once locked: an answer or a change committed while the
	// sessions were awaited is seen here.
	var live []struct {
		ID        int64 `db:"id"`
		SessionID int64 `db:"session_id"`
	}
	if err := tx.SelectContext(ctx, &live, `SELECT id, session_id FROM interviews
		WHERE application_id = ANY($1) AND session_id = ANY($2) AND status IN `+liveStatuses+` AND starts_at > now()
		ORDER BY id FOR UPDATE`, pq.Array(appIDs), pq.Array(sessionIDs)); err != nil || len(live) == 0 {
		return err
	}
	ids := make([]int64, len(live))
	touched := make(map[int64]bool, len(sessions))
	for i, iv := range live {
		ids[i], touched[iv.SessionID] = iv.ID, true
	}
	if err := cancelInterviews(ctx, tx, adminID, ids, reason, actor); err != nil {
		return err
	}
	for i := range sessions {
		if !touched[sessions[i].ID] {
			continue
		}
		if err := bumpSession(ctx, tx, &sessions[i]); err != nil {
			return err
		}
	}
	return nil
}
