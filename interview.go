package vivier

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Interviews. A recruiter invites a candidate from the application; the
// candidate accepts or asks for another slot from their space; a newer
// invitation replaces the pending one, so that an application has one
// interview in view at a time. The invitation email carries an ICS file
// whose UID stays the same for an interview, so that calendars update the
// event rather than add a second one.

// InterviewTask is the payload of the interview tasks.
type InterviewTask struct {
	InterviewID int64 `json:"interview_id"`
}

// InterviewStatus is where an invitation stands.
type InterviewStatus string

// The statuses of an interview.
const (
	InterviewProposed  InterviewStatus = "propose"
	InterviewAccepted  InterviewStatus = "accepte"
	InterviewOtherSlot InterviewStatus = "autre_creneau"
	InterviewReplaced  InterviewStatus = "remplace"
	// Convocations of a session (interview_session.go).
	InterviewToChoose InterviewStatus = "a_choisir" // invited to choose a slot
	InterviewDeclined InterviewStatus = "decline"   // declined by the candidate, with a reason
	InterviewCanceled InterviewStatus = "annule"    // cancelled by the recruiter
)

// Label says the status in plain words, for both sides.
func (s InterviewStatus) Label() string {
	return map[InterviewStatus]string{InterviewProposed: "en attente de réponse", InterviewAccepted: "accepté",
		InterviewOtherSlot: "autre créneau demandé", InterviewReplaced: "remplacé par une nouvelle invitation",
		InterviewToChoose: "créneau à choisir", InterviewDeclined: "décliné", InterviewCanceled: "annulé"}[s]
}

// Interview is an invitation to an interview.
type Interview struct {
	ID               int64           `db:"id"`
	AdministrationID int64           `db:"administration_id"`
	ApplicationID    int64           `db:"application_id"`
	StartsAt         time.Time       `db:"starts_at"`
	DurationMinutes  int             `db:"duration_minutes"`
	Place            string          `db:"place"`
	VideoURL         string          `db:"video_url"`
	Message          string          `db:"message"`
	Organizer        string          `db:"organizer"`
	Status           InterviewStatus `db:"status"`
	CandidateMessage string          `db:"candidate_message"`
	AnsweredAt       *time.Time      `db:"answered_at"`
	CreatedAt        time.Time       `db:"created_at"`
	Interviewers     []Agent         `db:"-"`
	// A convocation's session and booked slot; nil for a single invitation.
	SessionID *int64 `db:"session_id"`
	SlotID    *int64 `db:"slot_id"`
	// UID and Sequence are the calendar event's (RFC 5545): one UID for the
	// interview's whole life, a sequence that grows with each change.
	UID          string     `db:"uid"`
	Sequence     int        `db:"sequence"`
	Attendance   Attendance `db:"attendance"`
	AttendanceAt *time.Time `db:"attendance_at"`
	AttendanceBy string     `db:"attendance_by"`
	UpdatedAt    time.Time  `db:"updated_at"`
}

// EndsAt is when the interview ends.
func (iv *Interview) EndsAt() time.Time {
	return iv.StartsAt.Add(time.Duration(iv.DurationMinutes) * time.Minute)
}

// Where says where the interview takes place, in one line.
func (iv *Interview) Where() string {
	switch {
	case iv.Place != "" && iv.VideoURL != "":
		return iv.Place + " ou en visioconférence : " + iv.VideoURL
	case iv.VideoURL != "":
		return "En visioconférence : " + iv.VideoURL
	}
	return iv.Place
}

// Duration says the length in words ("1 h 30").
func (iv *Interview) Duration() string {
	h, m := iv.DurationMinutes/60, iv.DurationMinutes%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	}
	return fmt.Sprintf("%d h %02d", h, m)
}

// Answerable says whether the candidate may still answer: before it starts,
// and not once replaced or cancelled.
func (iv *Interview) Answerable(now time.Time) bool {
	return iv.Status != InterviewReplaced && iv.Status != InterviewCanceled && now.Before(iv.StartsAt)
}

var frenchDays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
var frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
	"octobre", "novembre", "décembre"}

// FrenchDateTime writes a time as candidates read it: "mardi 3 mars 2026 à 14 h 30".
func FrenchDateTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	return fmt.Sprintf("%s %d %s %d à %d h %02d", frenchDays[t.Weekday()], t.Day(), frenchMonths[t.Month()-1], t.Year(),
		t.Hour(), t.Minute())
}

// InterviewValues are the interview's variables of an email template.
func InterviewValues(iv *Interview, loc *time.Location) TemplateValues {
	return TemplateValues{"date_entretien": FrenchDateTime(iv.StartsAt, loc), "lieu_entretien": iv.Where(),
		"duree_entretien": iv.Duration(), "message": iv.Message}
}

// InterviewRequest is what a recruiter fills in to invite.
type InterviewRequest struct {
	StartsAt        time.Time
	DurationMinutes int
	Place           string
	VideoURL        string
	Message         string
	Interviewers    []int64 // agents of the administration
}

// Validate checks the request as of now.
func (r *InterviewRequest) Validate(now time.Time) error {
	r.Place, r.VideoURL, r.Message = strings.TrimSpace(r.Place), strings.TrimSpace(r.VideoURL), strings.TrimSpace(r.Message)
	errs := (validateMeeting(now, r.StartsAt, r.DurationMinutes, r.Place, r.VideoURL, "l'entretien", "L'entretien"))
	if utf8.RuneCountInString(r.Message) > 5000 {
		errs = append(errs, FieldError("message", "Le message compte 5 000 caractères au plus."))
	}
	if len(r.Interviewers) == 0 {
		errs = append(errs, FieldError("interviewers", "Choisissez au moins une personne pour mener l'entretien."))
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// validateMeeting checks the time, length and place of an interview or a
// session as of now; of and subject name it in the messages.
func validateMeeting(now, start time.Time, minutes int, place, video, of, subject string) FormErrors {
	var errs FormErrors
	if start.IsZero() {
		errs = append(errs, FieldError("date", "Saisissez la date et l'heure de "+of+"."))
	} else if !start.After(now) {
		errs = append(errs, FieldError("date", subject+" doit avoir lieu dans le futur."))
	} else if start.After(now.AddDate(1, 0, 0)) {
		errs = append(errs, FieldError("date", subject+" a lieu dans l'année qui vient."))
	}
	if minutes < 5 || minutes > 480 {
		errs = append(errs, FieldError("duration", "La durée est comprise entre 5 et 480 minutes."))
	}
	if place == "" && video == "" {
		errs = append(errs, FieldError("place", "Indiquez le lieu de "+of+" ou un lien de visioconférence."))
	} else if utf8.RuneCountInString(place) > 300 {
		errs = append(errs, FieldError("place", "Le lieu compte 300 caractères au plus."))
	}
	if video != "" {
		u, err := url.Parse(video)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(video) > 500 {
			errs = append(errs, FieldError("video", "Le lien de visioconférence est une adresse qui commence par https://."))
		}
	}
	return errs
}
