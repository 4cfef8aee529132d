package vivier

import "time"

// Convocation sessions: a recruiter convokes many applications of an offer
// at once, to consecutive individual slots, to one group sitting, or to
// slots the candidates choose from their space. Each convoked application
// gets an Interview (SessionID set), so that the candidate's space, the
// reminders and the history treat convocations and single invitations
// alike. The session has its own calendar event for the interviewers,
// listing the candidates of their sitting.

// SessionMode is how a session gives times to its candidates.
type SessionMode string

// The modes of a session.
const (
	SessionIndividual SessionMode = "individuel" // consecutive slots, one candidate each
	SessionGroup      SessionMode = "collectif"  // one sitting for all
	SessionChoice     SessionMode = "choix"      // candidates choose among published slots
)

// Label says the mode in plain words.
func (m SessionMode) Label() string {
	return map[SessionMode]string{SessionIndividual: "créneaux individuels consécutifs",
		SessionGroup: "séance collective", SessionChoice: "créneaux au choix des personnes candidates"}[m]
}

// Attendance is what the attendance sheet says of a convoked candidate.
type Attendance string

// The marks of the attendance sheet; empty until marked.
const (
	AttendancePresent Attendance = "present"
	AttendanceAbsent  Attendance = "absent"
	AttendanceExcused Attendance = "excuse"
)

// Label says the mark in plain words.
func (a Attendance) Label() string {
	return map[Attendance]string{AttendancePresent: "présent·e", AttendanceAbsent: "absent·e",
		AttendanceExcused: "excusé·e", "": "non renseigné"}[a]
}

// InterviewSession is a convocation session of an offer.
type InterviewSession struct {
	ID               int64       `db:"id"`
	AdministrationID int64       `db:"administration_id"`
	OfferID          int64       `db:"offer_id"`
	Title            string      `db:"title"`
	Mode             SessionMode `db:"mode"`
	StartsAt         time.Time   `db:"starts_at"`
	DurationMinutes  int         `db:"duration_minutes"`
	Place            string      `db:"place"`
	VideoURL         string      `db:"video_url"`
	Instructions     string      `db:"instructions"`
	DocumentKey      string      `db:"document_key"`
	DocumentName     string      `db:"document_name"`
	DocumentType     string      `db:"document_type"`
	ChoiceDeadline   *time.Time  `db:"choice_deadline"`
	Organizer        string      `db:"organizer"`
	UID              string      `db:"uid"`
	Sequence         int         `db:"sequence"`
	CreatedBy        string      `db:"created_by"`
	CreatedAt        time.Time   `db:"created_at"`
	UpdatedAt        time.Time   `db:"updated_at"`
	CanceledAt       *time.Time  `db:"cancelled_at"`
}

// InterviewSlot is a time of a session, with its places.
type InterviewSlot struct {
	ID              int64     `db:"id"`
	SessionID       int64     `db:"session_id"`
	StartsAt        time.Time `db:"starts_at"`
	DurationMinutes int       `db:"duration_minutes"`
	Capacity        int       `db:"capacity"`
	Booked          int       `db:"booked"`
}

// Free is the number of places left.
func (s *InterviewSlot) Free() int { return s.Capacity - s.Booked }

// EndsAt is when the slot ends.
func (s *InterviewSlot) EndsAt() time.Time {
	return s.StartsAt.Add(time.Duration(s.DurationMinutes) * time.Minute)
}

// SessionInterviewer is one who sits: an agent of the administration, or an
// outside member known by email only.
type SessionInterviewer struct {
	SessionID int64  `db:"session_id"`
	AgentID   *int64 `db:"agent_id"`
	Email     string `db:"email"`
	Name      string `db:"name"`
}
