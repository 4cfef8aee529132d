package vivier

import (
	"time"
)

// A candidate has no account: a link sent by email opens their space, where
// every application made with that address shows, and nothing else (the
// link proves the address, it is not a login). A link lives while one of
// the address's applications is open, and for its administration's
// retention period after the last one closed; then the space offers a new
// link by email. "Revoke all my links" ends them at once. Opening the space
// changes nothing: its actions are buttons (POST with the CSRF token).

// TrackingLinkPayload is the outbox payload of a link request.
type TrackingLinkPayload struct {
	Email string `json:"email"`
}

const candidateColumns = `id, email, created_at, erased_at`

// TrackingAccess is a candidate's space opened by a link.
type TrackingAccess struct {
	Candidate
	// LinkApplicationID is the application whose email carried the link:
	// changes of details apply to it unless the candidate picks others.
	LinkApplicationID *int64 `db:"link_application_id"`
}

// ErrTrackingLinkExpired refuses a link that is unknown, revoked or past
// its lifetime, in the same words: the page offers a new one.
var ErrTrackingLinkExpired = Errorf(ENOTFOUND, "Ce lien de suivi n'est plus valable. Saisissez votre adresse électronique : si des candidatures y sont liées, un nouveau lien vous sera envoyé.")

// TrackedApplication is an application as its candidate sees it.
type TrackedApplication struct {
	Application
	OfferTitle   *string    `db:"offer_title"`
	OfferStatus  *string    `db:"offer_status"`
	AdminName    string     `db:"administration_name"`
	AdminSlug    string     `db:"administration_slug"`
	ResponseDays int        `db:"response_days"`
	LastNudgeAt  *time.Time `db:"last_nudge_at"`
	Events       []TimelineEvent
}

// TimelineEvent is one step of an application's timeline, in plain words.
type TimelineEvent struct {
	At   time.Time `db:"at"`
	To   Category  `db:"to_category"`
	Step string    `db:"public_step"` // the step's name when the administration shows it
	// Interview marks an event about an interview, whose Step says what
	// happened in the candidate's words.
	Interview bool   `db:"interview"`
	Label     string `db:"-"`
}

// timelineLabel names an event for the candidate: the status, and the step
// when it is public, so that two steps of one status read differently.
func timelineLabel(e TimelineEvent) string {
	if e.Interview {
		return e.Step
	}
	if e.Step == "" {
		return StatusLabel(e.To, false)
	}
	return StatusLabel(e.To, false) + " (" + e.Step + ")"
}

// Status says in plain words where the application stands.
func (a *TrackedApplication) Status() string { return StatusLabel(a.Category, a.InterviewPlanned) }

// AnswerDue is when the administration promised an answer.
func (a *TrackedApplication) AnswerDue() time.Time {
	return a.CreatedAt.AddDate(0, 0, a.ResponseDays)
}

// CanNudge says whether the candidate may write to ask for news: once the
// promised time has passed and the decision is still pending, and not more
// than once a week.
func (a *TrackedApplication) CanNudge(now time.Time) bool {
	pending := a.Category == CategoryNew || a.Category == CategoryReview
	return pending && now.After(a.AnswerDue()) && (a.LastNudgeAt == nil || now.Sub(*a.LastNudgeAt) > 7*24*time.Hour)
}

// CanWithdraw says whether the application can still be withdrawn.
func (a *TrackedApplication) CanWithdraw() bool {
	return a.Category == CategoryNew || a.Category == CategoryReview
}

// StatusLabel is what a candidate reads: never the internal step names.
func StatusLabel(c Category, interview bool) string {
	switch {
	case (c == CategoryReview || c == CategoryNew) && interview:
		return "entretien prévu"
	case c == CategoryNew:
		return "reçue"
	case c == CategoryReview:
		return "en cours d'examen"
	case c == CategoryAccepted:
		return "retenue"
	case c == CategoryRefused:
		return "non retenue"
	case c == CategoryWithdrawn:
		return "retirée"
	case c == CategoryTransferred:
		return "transférée à une autre administration"
	}
	return "supprimée"
}
