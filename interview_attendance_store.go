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

// ValidAttendance says whether a is a mark of the attendance sheet (or the
// empty mark, which clears one given by mistake).
func ValidAttendance(a Attendance) bool {
	switch a {
	case "", AttendancePresent, AttendanceAbsent, AttendanceExcused:
		return true
	}
	return false
}

// RecordAttendance saves a sitting's attendance sheet: marks gives, per
// interview of the session, what the sheet says. Only the marks that change
// are written, each with a line in the application's history and one in the
// audit log, so that saving the sheet twice says nothing twice. A
// cancelled, replaced or declined convocation takes no mark. It returns how
// many marks changed.
func (s *Store) RecordAttendance(ctx context.Context, adminID, sessionID int64, marks map[int64]Attendance, actor Actor, now time.Time) (int, error) {
	ids := make([]int64, 0, len(marks))
	for id, m := range marks {
		if !ValidAttendance(m) {
			return 0, FieldError("attendance", "Choisissez présent·e, absent·e ou excusé·e pour chaque personne convoquée.")
		}
		ids = append(ids, id)
	}
	changed := 0
	err := s.inTx(ctx, "RecordAttendance", func(tx *sqlx.Tx) error {
		var canceled *time.Time
		err := tx.GetContext(ctx, &canceled, `SELECT cancelled_at FROM interview_sessions
			WHERE id = $1 AND administration_id = $2 FOR SHARE`, sessionID, adminID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Séance introuvable.")
		}
		if err != nil {
			return err
		}
		if canceled != nil {
			return Errorf(ECONFLICT, "Cette séance est annulée : elle n'a pas de feuille d'émargement.")
		}
		var ivs []Interview
		if err := tx.SelectContext(ctx, &ivs, `SELECT `+interviewColumns+` FROM interviews i
			WHERE i.id = ANY($1) AND i.session_id = $2 AND i.administration_id = $3
			  AND i.status NOT IN ('remplace', 'annule', 'decline') ORDER BY i.id FOR UPDATE`,
			pq.Array(ids), sessionID, adminID); err != nil {
			return err
		}
		if len(ivs) != len(ids) {
			return FieldError("attendance", "Une des personnes de la feuille n'est plus convoquée à cette séance : rechargez la page.")
		}
		for i := range ivs {
			iv, mark := &ivs[i], marks[ivs[i].ID]
			if iv.Attendance == mark {
				continue
			}
			if err := markAttendance(ctx, tx, adminID, iv, mark, actor, now); err != nil {
				return err
			}
			changed++
		}
		return nil
	})
	return changed, err
}

func markAttendance(ctx context.Context, tx *sqlx.Tx, adminID int64, iv *Interview, mark Attendance, actor Actor, now time.Time) error {
	var at *time.Time
	if mark != "" {
		at = &now
	}
	if _, err := tx.ExecContext(ctx, `UPDATE interviews SET attendance = $2, attendance_at = $3, attendance_by = $4 WHERE id = $1`,
		iv.ID, mark, at, actor.Email); err != nil {
		return err
	}
	a, err := lockApplication(ctx, tx, adminID, iv.ApplicationID)
	if err != nil {
		return err
	}
	what := "Présence à l'entretien : " + mark.Label()
	if err := insertInterviewEvent(ctx, tx, a, iv.ID, actor.Email, what, "", false); err != nil {
		return err
	}
	return insertAudit(ctx, tx, &adminID, actor, "interview.attendance", "candidature "+strconv.FormatInt(a.ID, 10),
		map[string]string{"entretien": strconv.FormatInt(iv.ID, 10), "avant": string(iv.Attendance), "après": string(mark)})
}

// SessionCounts are a session's figures in the list of an offer's sessions.
type SessionCounts struct {
	SessionID int64 `db:"session_id"`
	Convoked  int   `db:"convoked"` // convocations still on, answered or not
	Answered  int   `db:"answered"`
	Present   int   `db:"present"`
}

// SessionCountsOfOffer counts, per session of one of the administration's
// offers, the candidates convoked, those who answered and those present.
func (s *Store) SessionCountsOfOffer(ctx context.Context, adminID, offerID int64) (map[int64]SessionCounts, error) {
	var rows []SessionCounts
	err := s.db.SelectContext(ctx, &rows, `SELECT s.id AS session_id,
			count(i.id) FILTER (WHERE i.status NOT IN ('remplace', 'annule', 'decline')) AS convoked,
			count(i.id) FILTER (WHERE i.answered_at IS NOT NULL AND i.status NOT IN ('remplace', 'annule')) AS answered,
			count(i.id) FILTER (WHERE i.attendance = 'present') AS present
		FROM interview_sessions s LEFT JOIN interviews i ON i.session_id = s.id
		WHERE s.administration_id = $1 AND s.offer_id = $2 GROUP BY s.id`, adminID, offerID)
	out := make(map[int64]SessionCounts, len(rows))
	for _, r := range rows {
		out[r.SessionID] = r
	}
	return out, wrap("SessionCountsOfOffer", err)
}
