package vivier

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/nyaruka/phonenumbers"
)

// Category is where an application stands, in the words the whole platform
// understands; administrations name their own steps inside them.
type Category string

const (
	CategoryNew       Category = "nouvelle"
	CategoryReview    Category = "en_cours"
	CategoryAccepted  Category = "acceptee"
	CategoryRefused   Category = "refusee"
	CategoryWithdrawn Category = "retiree"    // by the candidate
	CategoryErased    Category = "anonymisee" // personal data erased
)

// Candidate is an email address that applied: the key of a tracking space
// and nothing more. Who the person is lives on each application (Identity):
// an administration sees what was sent to it, and no request with the same
// address can change what another application says.
type Candidate struct {
	ID        int64      `db:"id"`
	Email     *string    `db:"email"` // nil once erased
	CreatedAt time.Time  `db:"created_at"`
	ErasedAt  *time.Time `db:"erased_at"`
}

// Identity is who the person said they were when applying: kept with the
// application, changed only by its candidate (from the tracking space) or by
// an agent of its administration correcting a typo (audited).
type Identity struct {
	Civility  string `db:"civility"`
	FirstName string `db:"first_name"`
	LastName  string `db:"last_name"`
	Phone     string `db:"phone"`
}

// IdentityFrom reads an identity from a form's fields (civility,
// first_name, last_name, phone), as the forms of the space and of the
// back-office name them.
func IdentityFrom(field func(name string) string) Identity {
	return Identity{Civility: field("civility"), FirstName: field("first_name"), LastName: field("last_name"), Phone: field("phone")}
}

// Validate checks an identity as the apply form does, and tidies it: the
// same rules hold for a change from the tracking space or by an agent.
func (i *Identity) Validate() error {
	if errs := i.check(); len(errs) > 0 {
		return errs
	}
	return nil
}

func (i *Identity) check() FormErrors {
	var errs FormErrors
	add := func(field, msg string) { errs = append(errs, FieldError(field, msg)) }
	i.FirstName, i.LastName = strings.TrimSpace(i.FirstName), strings.TrimSpace(i.LastName)
	if i.Civility != "" && i.Civility != "madame" && i.Civility != "monsieur" {
		add("civility", "Choisissez Madame, Monsieur, ou ne précisez pas.")
	}
	if i.FirstName == "" || utf8.RuneCountInString(i.FirstName) > 100 {
		add("first_name", "Saisissez votre prénom.")
	}
	if i.LastName == "" || utf8.RuneCountInString(i.LastName) > 100 {
		add("last_name", "Saisissez votre nom.")
	}
	if phone, err := ParsePhone(i.Phone); err != nil {
		add("phone", ErrorMessage(err))
	} else {
		i.Phone = phone
	}
	return errs
}

// FullName is the first and last names, as a recruiter reads them.
func (i Identity) FullName() string { return strings.TrimSpace(i.FirstName + " " + i.LastName) }

// Application is a candidate's application to an offer, or a spontaneous
// one to an administration (OfferID nil).
type Application struct {
	ID               int64  `db:"id"`
	AdministrationID int64  `db:"administration_id"`
	OfferID          *int64 `db:"offer_id"`
	CandidateID      int64  `db:"candidate_id"`
	Identity
	Category         Category                 `db:"category"`
	StageID          *int64                   `db:"stage_id"` // nil for withdrawn and erased ones
	InterviewPlanned bool                     `db:"interview_planned"`
	Source           string                   `db:"source"`
	Answers          JSONB[map[string]string] `db:"answers"`
	LetterText       string                   `db:"letter_text"`
	DomaineCode      *string                  `db:"domaine_code"`
	ConsentAt        time.Time                `db:"consent_at"`
	TalentPoolAt     *time.Time               `db:"talent_pool_at"`
	WithdrawReason   string                   `db:"withdraw_reason"`
	CreatedAt        time.Time                `db:"created_at"`
	UpdatedAt        time.Time                `db:"updated_at"`
	LastActivityAt   time.Time                `db:"last_activity_at"`
	// ViaMobility: sent by a public agent signed in to the mobility space
	// (read by ApplicationSummaryByID only).
	ViaMobility bool `db:"via_mobility"`
}

// Upload is a checked document with its bytes, before it is stored.
type Upload struct {
	Document
	Data []byte
}

// Submission is what the apply form sends. Validate collects every error at
// once, so that the candidate fixes the form in one go.
type Submission struct {
	OfferID          *int64
	AdministrationID int64
	DomaineCode      *string
	Civility         string
	FirstName        string
	LastName         string
	Email            string
	Phone            string
	Source           string
	LetterText       string
	Answers          map[string]string
	CV, Letter       *Upload
	Pieces           []Piece // the offer's documents sent (checkPieces)
	Consent          bool
	TalentPool       bool
	IdempotencyKey   string
	// MobilityAgentID is the public agent who applied from the mobility
	// space (signed in), nil for anyone else.
	MobilityAgentID *int64
}

// Sources are the answers to "how did you hear of us".
var Sources = []string{"site_vivier", "choisir_service_public", "site_employeur", "france_travail", "linkedin",
	"reseaux_sociaux", "bouche_a_oreille", "salon", "ecole", "autre"}

// FormErrors are the errors of a whole form, one per field.
type FormErrors []*Error

func (f FormErrors) Error() string {
	msgs := make([]string, len(f))
	for i, e := range f {
		msgs[i] = e.Field + ": " + e.Message
	}
	return strings.Join(msgs, "; ")
}

// Unwrap gives the first error, so that ErrorCode and ErrorMessage see an
// EINVALID.
func (f FormErrors) Unwrap() error {
	if len(f) == 0 {
		return nil
	}
	return f[0]
}

// ByField maps each field to its message, for the form's template.
func (f FormErrors) ByField() map[string]string {
	m := make(map[string]string, len(f))
	for _, e := range f {
		if _, ok := m[e.Field]; !ok {
			m[e.Field] = e.Message
		}
	}
	return m
}

// AsFormErrors returns the form errors in err: several, one, or none.
func AsFormErrors(err error) FormErrors {
	var fe FormErrors
	if errors.As(err, &fe) {
		return fe
	}
	var e *Error
	if errors.As(err, &e) && e.Field != "" {
		return FormErrors{e}
	}
	return nil
}

// ParsePhone accepts French numbers as people write them (06 12 34 56 78,
// +33 6…) and international ones with their prefix, and returns E.164.
func ParsePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	n, err := phonenumbers.Parse(s, "FR")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", FieldError("phone", "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78 ou +32 470 12 34 56.")
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// Validate checks a submission against the offer it answers (nil for a
// spontaneous application) and tidies it.
func (s *Submission) Validate(o *Offer) error {
	var errs FormErrors
	add := func(field, msg string) { errs = append(errs, FieldError(field, msg)) }
	id := Identity{Civility: s.Civility, FirstName: s.FirstName, LastName: s.LastName, Phone: s.Phone}
	errs = append(errs, id.check()...)
	s.Civility, s.FirstName, s.LastName, s.Phone = id.Civility, id.FirstName, id.LastName, id.Phone
	if email, err := ParseEmail(s.Email); err != nil {
		add("email", ErrorMessage(err))
	} else {
		s.Email = email
	}
	if s.Source != "" && !oneOf(s.Source, Sources) {
		add("source", "Choisissez comment vous avez connu cette offre dans la liste.")
	}
	if utf8.RuneCountInString(s.LetterText) > 20000 {
		add("letter", "La lettre de motivation compte 20 000 caractères au plus.")
	}
	cvPolicy, letterPolicy := "optional", "optional"
	if o != nil {
		cvPolicy, letterPolicy = o.CVPolicy, o.LetterPolicy
	}
	switch {
	case cvPolicy == "required" && s.CV == nil:
		add("cv", "Joignez votre CV (PDF, ODT ou DOCX).")
	case cvPolicy == "none":
		s.CV = nil // "recrutement sans CV": never keep one
	}
	switch {
	case letterPolicy == "required" && s.Letter == nil && strings.TrimSpace(s.LetterText) == "":
		add("letter", "Joignez une lettre de motivation ou écrivez-la dans le champ prévu.")
	case letterPolicy == "none":
		s.Letter, s.LetterText = nil, ""
	}
	errs = append(errs, s.checkPieces(o)...)
	if o != nil {
		errs = append(errs, s.checkAnswers(o.Questions.V)...)
	}
	if !s.Consent {
		add("consent", "Acceptez le traitement de vos données pour que votre candidature puisse être étudiée.")
	}
	if _, err := uuid.Parse(s.IdempotencyKey); err != nil {
		add("form", "Le formulaire a expiré : rechargez la page puis envoyez-le de nouveau.")
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// checkAnswers keeps only the answers to the offer's questions and checks
// the required ones and the choices.
func (s *Submission) checkAnswers(questions []Question) FormErrors {
	var errs FormErrors
	kept := map[string]string{}
	for _, q := range questions {
		a := strings.TrimSpace(s.Answers[q.ID])
		field := "q_" + q.ID
		switch {
		case a == "" && q.Required:
			errs = append(errs, FieldError(field, "Répondez à la question « "+q.Label+" »."))
		case a == "":
		case q.Kind == "yesno" && a != "oui" && a != "non":
			errs = append(errs, FieldError(field, "Répondez par oui ou par non."))
		case q.Kind == "choice" && !oneOf(a, q.Choices):
			errs = append(errs, FieldError(field, "Choisissez une des réponses proposées."))
		case q.Kind == "short" && utf8.RuneCountInString(a) > 300, utf8.RuneCountInString(a) > 5000:
			errs = append(errs, FieldError(field, "Votre réponse est trop longue."))
		default:
			kept[q.ID] = a
		}
	}
	s.Answers = kept
	return errs
}
