package vivier_test

import (
	"context"
	"testing"
	"time"

	"vivier"
)

// sessionWithConvocations makes, in SQL, a session of the applications'
// offer with one convocation per application: the attendance sheet needs
// nothing more, whichever way the convocations were made.
func sessionWithConvocations(t *testing.T, s *vivier.Store, adminID int64, apps []int64) (sessionID int64, ivs []int64) {
	t.Helper()
	db := s.DB()
	if err := db.QueryRowx(`INSERT INTO interview_sessions (administration_id, offer_id, title, mode, starts_at, duration_minutes,
			place, organizer, created_by) SELECT $1, offer_id, 'Jury', 'collectif', now() + interval '1 day', 60, 'Salle 1', 'rh@a.fr', 'rh@a.fr'
		FROM applications WHERE id = $2 RETURNING id`, adminID, apps[0]).Scan(&sessionID); err != nil {
		t.Fatal(err)
	}
	for _, app := range apps {
		var id int64
		if err := db.QueryRowx(`INSERT INTO interviews (administration_id, application_id, starts_at, duration_minutes, place,
				organizer, status, session_id) VALUES ($1, $2, now() + interval '1 day', 60, 'Salle 1', 'rh@a.fr', 'accepte', $3)
			RETURNING id`, adminID, app, sessionID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		ivs = append(ivs, id)
	}
	return sessionID, ivs
}

func TestRecordAttendance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, apps := pipelineWorld(t, 3)
	sessionID, ivs := sessionWithConvocations(t, s, a.ID, apps)
	actor, now := vivier.Actor{Email: "rh@a.fr"}, time.Now()
	sheet := map[int64]vivier.Attendance{ivs[0]: vivier.AttendancePresent, ivs[1]: vivier.AttendanceAbsent, ivs[2]: vivier.AttendanceExcused}

	// Another administration, a mark that is not one, an interview of no sheet.
	if _, err := s.RecordAttendance(ctx, b.ID, sessionID, sheet, actor, now); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("another administration's sheet: %v", err)
	}
	if _, err := s.RecordAttendance(ctx, a.ID, sessionID, map[int64]vivier.Attendance{ivs[0]: "peut-etre"}, actor, now); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("unknown mark: %v", err)
	}
	if _, err := s.RecordAttendance(ctx, a.ID, sessionID, map[int64]vivier.Attendance{ivs[0] + 1000: vivier.AttendancePresent}, actor, now); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("an interview of no sheet: %v", err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM interviews WHERE attendance <> ''`); n != 0 {
		t.Fatalf("%d marks after refusals", n)
	}

	n, err := s.RecordAttendance(ctx, a.ID, sessionID, sheet, actor, now)
	if err != nil || n != 3 {
		t.Fatalf("sheet saved: %d, %v", n, err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM interviews WHERE session_id = $1 AND attendance = 'absent' AND attendance_by = 'rh@a.fr'
		AND attendance_at IS NOT NULL`, sessionID); n != 1 {
		t.Errorf("%d absent marked", n)
	}
	hist, err := s.ApplicationHistory(ctx, a.ID, apps[1])
	if err != nil {
		t.Fatal(err)
	}
	if last := hist[len(hist)-1]; last.Step != "Présence à l'entretien : absent·e" || last.Actor != "rh@a.fr" {
		t.Errorf("history: %+v", last)
	}
	// Saved again with one change: one more line, not three.
	sheet[ivs[1]] = vivier.AttendanceExcused
	if n, err := s.RecordAttendance(ctx, a.ID, sessionID, sheet, actor, now); err != nil || n != 1 {
		t.Errorf("sheet saved again: %d, %v", n, err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM audit_log WHERE action = 'interview.attendance'`); n != 4 {
		t.Errorf("%d audit lines", n)
	}
	var offerID int64
	if err := s.DB().Get(&offerID, `SELECT offer_id FROM interview_sessions WHERE id = $1`, sessionID); err != nil {
		t.Fatal(err)
	}
	if counts, err := s.SessionCountsOfOffer(ctx, a.ID, offerID); err != nil || counts[sessionID] != (vivier.SessionCounts{SessionID: sessionID, Convoked: 3, Present: 1}) {
		t.Errorf("counts %+v, %v", counts, err)
	}
	if counts, err := s.SessionCountsOfOffer(ctx, b.ID, offerID); err != nil || len(counts) != 0 {
		t.Errorf("another administration's counts %+v, %v", counts, err)
	}
	// A cancelled convocation takes no mark.
	s.DB().MustExec(`UPDATE interviews SET status = 'annule' WHERE id = $1`, ivs[2])
	if _, err := s.RecordAttendance(ctx, a.ID, sessionID, map[int64]vivier.Attendance{ivs[2]: vivier.AttendancePresent}, actor, now); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("cancelled convocation marked: %v", err)
	}
}
