package vivier

import (
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

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

// SessionTask is the payload of the interviewers' session event task.
type SessionTask struct {
	SessionID int64 `json:"session_id"`
}

// SlotRequest is a slot to publish, for a session of mode choix.
type SlotRequest struct {
	StartsAt time.Time
	Capacity int
}

// SessionRequest is what a recruiter fills in to create or change a session.
type SessionRequest struct {
	Title           string
	Mode            SessionMode
	StartsAt        time.Time
	DurationMinutes int
	Place           string
	VideoURL        string
	Instructions    string
	// ChoiceDeadline is required for mode choix: the candidates choose and
	// may change until then.
	ChoiceDeadline *time.Time
	// RoomSize is the group sitting's initial number of places (collectif);
	// zero gives as many places as candidates convoked.
	RoomSize int
	// Slots are the times published for mode choix.
	Slots []SlotRequest
	// Interviewers are agents of the administration; OutsideMembers are
	// "Name <email>" lines, one per outside member.
	Interviewers   []int64
	OutsideMembers string
	// The attached document, already put in the file store by the caller
	// (DocumentKey empty: none). On UpdateSession an empty key keeps the
	// session's document.
	DocumentKey  string
	DocumentName string
	DocumentType string
}

// Validate checks the request as of now, and trims it.
func (r *SessionRequest) Validate(now time.Time) error {
	var errs FormErrors
	r.Title, r.Place, r.VideoURL = strings.TrimSpace(r.Title), strings.TrimSpace(r.Place), strings.TrimSpace(r.VideoURL)
	r.Instructions = strings.TrimSpace(r.Instructions)
	if r.Title == "" {
		errs = append(errs, FieldError("title", "Donnez un titre à la session."))
	} else if utf8.RuneCountInString(r.Title) > 200 {
		errs = append(errs, FieldError("title", "Le titre compte 200 caractères au plus."))
	}
	if r.Mode.Label() == "" {
		errs = append(errs, FieldError("mode", "Choisissez le déroulement : créneaux individuels, séance collective ou créneaux au choix."))
	}
	errs = append(errs, validateMeeting(now, r.StartsAt, r.DurationMinutes, r.Place, r.VideoURL, "la session", "La session")...)
	if utf8.RuneCountInString(r.Instructions) > 5000 {
		errs = append(errs, FieldError("instructions", "Les consignes comptent 5 000 caractères au plus."))
	}
	if r.RoomSize < 0 || r.RoomSize > 1000 {
		errs = append(errs, FieldError("room", "La salle compte entre 1 et 1 000 places."))
	}
	errs = append(errs, r.validateSlots(now)...)
	if _, err := ParseOutsideMembers(r.OutsideMembers); err != nil {
		errs = append(errs, err)
	} else if len(r.Interviewers) == 0 && strings.TrimSpace(r.OutsideMembers) == "" {
		errs = append(errs, FieldError("interviewers", "Choisissez au moins une personne pour mener les entretiens."))
	}
	if r.DocumentKey != "" && (CheckFileKey(r.DocumentKey) != nil || r.DocumentName == "" || utf8.RuneCountInString(r.DocumentName) > 200) {
		errs = append(errs, FieldError("document", "Le document joint est illisible : déposez-le de nouveau."))
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// validateSlots checks the choice deadline and the published slots of mode
// choix: the deadline comes before the first slot, so that every choice is
// known before the sitting starts.
func (r *SessionRequest) validateSlots(now time.Time) FormErrors {
	if r.Mode != SessionChoice {
		r.ChoiceDeadline, r.Slots = nil, nil
		return nil
	}
	var errs FormErrors
	if len(r.Slots) == 0 {
		errs = append(errs, FieldError("slots", "Publiez au moins un créneau."))
	} else if len(r.Slots) > 500 {
		errs = append(errs, FieldError("slots", "Publiez 500 créneaux au plus."))
	}
	seen := map[int64]bool{}
	first := time.Time{}
	for _, sl := range r.Slots {
		switch {
		case !sl.StartsAt.After(now) || sl.StartsAt.After(now.AddDate(1, 0, 0)):
			return append(errs, FieldError("slots", "Chaque créneau a lieu dans l'année qui vient."))
		case sl.Capacity < 1 || sl.Capacity > 1000:
			return append(errs, FieldError("slots", "Chaque créneau compte entre 1 et 1 000 places."))
		case seen[sl.StartsAt.Unix()]:
			return append(errs, FieldError("slots", "Deux créneaux commencent à la même heure."))
		}
		seen[sl.StartsAt.Unix()] = true
		if first.IsZero() || sl.StartsAt.Before(first) {
			first = sl.StartsAt
		}
	}
	if first.IsZero() && !r.StartsAt.IsZero() {
		first = r.StartsAt
	}
	switch {
	case r.ChoiceDeadline == nil || r.ChoiceDeadline.IsZero():
		errs = append(errs, FieldError("deadline", "Indiquez jusqu'à quand les personnes candidates peuvent choisir leur créneau."))
	case !r.ChoiceDeadline.After(now):
		errs = append(errs, FieldError("deadline", "La date limite de choix doit être dans le futur."))
	case !first.IsZero() && !r.ChoiceDeadline.Before(first):
		errs = append(errs, FieldError("deadline", "La date limite de choix précède le premier créneau."))
	}
	return errs
}

// OutsideMember is an interviewer from outside the administration.
type OutsideMember struct {
	Name  string
	Email string
}

// ParseOutsideMembers reads "Name <email>" lines (or a bare address); an
// empty text gives none.
func ParseOutsideMembers(text string) ([]OutsideMember, *Error) {
	var out []OutsideMember
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		a, err := mail.ParseAddress(line)
		if err != nil || utf8.RuneCountInString(a.Name) > 200 || len(a.Address) > 254 {
			return nil, FieldError("outside", fmt.Sprintf("Écrivez un membre extérieur par ligne, sous la forme « Prénom Nom <adresse@exemple.fr> » : « %s » ne se lit pas ainsi.", line))
		}
		email := strings.ToLower(a.Address)
		if seen[email] {
			continue
		}
		seen[email] = true
		out = append(out, OutsideMember{Name: a.Name, Email: email})
	}
	if len(out) > 50 {
		return nil, FieldError("outside", "Invitez 50 membres extérieurs au plus.")
	}
	return out, nil
}

// SessionDetail is a session with its slots, interviewers and convocations.
type SessionDetail struct {
	InterviewSession
	OfferTitle   string `db:"offer_title"`
	Slots        []InterviewSlot
	Interviewers []SessionInterviewer
	Convocations []Convocation
}

// EndsAt is when the last slot ends (the session's start and duration
// without a slot).
func (d *SessionDetail) EndsAt() time.Time {
	end := d.StartsAt.Add(time.Duration(d.DurationMinutes) * time.Minute)
	for _, sl := range d.Slots {
		if sl.EndsAt().After(end) {
			end = sl.EndsAt()
		}
	}
	return end
}

// Live lists the convocations still on (neither cancelled, declined nor
// replaced), in time order.
func (d *SessionDetail) Live() []Convocation {
	var out []Convocation
	for _, c := range d.Convocations {
		if c.Live() {
			out = append(out, c)
		}
	}
	return out
}

// Convocation is one convoked application of a session, as the session's
// page shows it.
type Convocation struct {
	InterviewID      int64           `db:"id"`
	ApplicationID    int64           `db:"application_id"`
	CandidateName    string          `db:"candidate_name"`
	Status           InterviewStatus `db:"status"`
	SlotID           *int64          `db:"slot_id"`
	StartsAt         time.Time       `db:"starts_at"`
	DurationMinutes  int             `db:"duration_minutes"`
	CandidateMessage string          `db:"candidate_message"`
	AnsweredAt       *time.Time      `db:"answered_at"`
	Attendance       Attendance      `db:"attendance"`
	AttendanceAt     *time.Time      `db:"attendance_at"`
	Sequence         int             `db:"sequence"`
}

// Live says whether the convocation is still on.
func (c *Convocation) Live() bool {
	return c.Status != InterviewCanceled && c.Status != InterviewDeclined && c.Status != InterviewReplaced
}

// ConvokeResult says what a bulk convocation did.
type ConvokeResult struct {
	Convoked []int64 // the interviews made, in the order of the applications given
	Skipped  []ConvokeSkip
}

// ConvokeSkip is an application left out of a bulk convocation, and why.
type ConvokeSkip struct {
	ApplicationID int64
	Reason        string
}

// ConvocationEmail is what the built-in emails of a convocation show
// (templates convocation, choose_slot, convocation_cancelled): the worker
// renders it, and the back office's preview of a bulk convocation renders it
// the same way, with SampleInterview.
type ConvocationEmail struct {
	A            *ApplicationSummary
	Title        string // the session's, empty for a single invitation
	When         string
	Duration     string
	Where        string
	Instructions string // the session's, or the reason of a cancellation
	Update       bool   // a change of a convocation already sent
	Deadline     string // until when the candidate may choose
	Document     string // the name of the document joined
	URL          string // the candidate's tracking link
}

// NewConvocationEmail fills a ConvocationEmail; sess is nil for a single
// invitation.
func NewConvocationEmail(iv *Interview, a *ApplicationSummary, sess *InterviewSession, link string) ConvocationEmail {
	d := ConvocationEmail{A: a, When: FrenchDateTime(iv.StartsAt, Paris()), Duration: iv.Duration(), Where: iv.Where(),
		Instructions: iv.Message, Update: iv.Sequence > 0, URL: link}
	if sess != nil {
		d.Title, d.Document = sess.Title, sess.DocumentName
		if sess.ChoiceDeadline != nil {
			d.Deadline = FrenchDateTime(*sess.ChoiceDeadline, Paris())
		}
	}
	return d
}

// EmailName is the built-in email a convocation to the session sends.
func (s *InterviewSession) EmailName() string {
	if s.Mode == SessionChoice {
		return "choose_slot"
	}
	return "convocation"
}

// SampleInterview is the interview a first candidate convoked would get,
// for a preview of the email.
func (s *InterviewSession) SampleInterview() *Interview {
	status := InterviewProposed
	if s.Mode == SessionChoice {
		status = InterviewToChoose
	}
	return &Interview{AdministrationID: s.AdministrationID, StartsAt: s.StartsAt, DurationMinutes: s.DurationMinutes,
		Place: s.Place, VideoURL: s.VideoURL, Message: s.Instructions, Organizer: s.Organizer, Status: status, SessionID: &s.ID}
}

// Request is the session as a request, to fill the form that changes it:
// UpdateSession with it unchanged changes nothing but the sequence.
func (d *SessionDetail) Request() SessionRequest {
	r := SessionRequest{Title: d.Title, Mode: d.Mode, StartsAt: d.StartsAt, DurationMinutes: d.DurationMinutes, Place: d.Place,
		VideoURL: d.VideoURL, Instructions: d.Instructions, ChoiceDeadline: d.ChoiceDeadline}
	var outside []string
	for _, m := range d.Interviewers {
		switch {
		case m.AgentID != nil:
			r.Interviewers = append(r.Interviewers, *m.AgentID)
		case m.Name != "":
			outside = append(outside, m.Name+" <"+m.Email+">") // as typed: mail.Address would encode accents
		default:
			outside = append(outside, m.Email)
		}
	}
	r.OutsideMembers = strings.Join(outside, "\n")
	if d.Mode == SessionChoice {
		for _, sl := range d.Slots {
			r.Slots = append(r.Slots, SlotRequest{StartsAt: sl.StartsAt, Capacity: sl.Capacity})
		}
	}
	if d.Mode == SessionGroup && len(d.Slots) > 0 {
		r.RoomSize = d.Slots[0].Capacity
	}
	return r
}
