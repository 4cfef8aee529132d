package vivier

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
)

// The public agents' mobility space: agents of any administration (not
// necessarily users of the back-office) sign in by an emailed link, keep a
// skills profile that recruiters find when its owner lets them, see who
// viewed it and answer invitations to apply. Its sessions are its own
// (mobility_sessions): a mobility agent is not a back-office agent.

// Lifetimes of the mobility space.
const (
	MobilityLinkLifetime    = time.Hour           // a sign-in link, used once
	MobilitySessionIdle     = 30 * 24 * time.Hour // a session unused this long ends
	MobilityProfileLifetime = 365 * 24 * time.Hour
	// MobilityProfileGrace is how long an expired profile is kept (hidden)
	// before the maintenance deletes it.
	MobilityProfileGrace = 30 * 24 * time.Hour
)

// MobilityAgent is a public agent signed in to the mobility space.
type MobilityAgent struct {
	ID        int64     `db:"id"`
	Email     string    `db:"email"`
	CreatedAt time.Time `db:"created_at"`
}

// Profile visibilities.
const (
	VisibilityHidden = "hidden" // the default: no recruiter sees the profile
	VisibilityAll    = "all"    // every administration's recruiters
	VisibilitySome   = "some"   // the administrations the agent chose
)

// Categories of the public service a profile may name.
var MobilityCategories = []string{"A+", "A", "B", "C"}

// MobilityProfile is an agent's skills profile.
type MobilityProfile struct {
	ID              int64          `db:"id"`
	AgentID         int64          `db:"agent_id"`
	FirstName       string         `db:"first_name"`
	LastName        string         `db:"last_name"`
	MetierID        *int64         `db:"metier_id"`
	MetierLabel     *string        `db:"metier_label"`
	Categorie       string         `db:"categorie"`
	Grade           string         `db:"grade"`
	CurrentEmployer string         `db:"current_employer"`
	RegionCodes     pq.StringArray `db:"region_codes"`
	Visibility      string         `db:"visibility"`
	CVKey           *string        `db:"cv_key"`
	CVName          string         `db:"cv_name"`
	CVContentType   string         `db:"cv_content_type"`
	CVSize          int64          `db:"cv_size"`
	UpdatedAt       time.Time      `db:"updated_at"`
	ExpiresAt       time.Time      `db:"expires_at"`

	CompetenceIDs     []int64        `db:"-"`
	AdministrationIDs []int64        `db:"-"`                 // for VisibilitySome
	Competences       pq.StringArray `db:"competence_labels"` // labels, for the pages
	Email             string         `db:"email"`
}

// Expired reports whether the profile is past its date at now.
func (p *MobilityProfile) Expired(now time.Time) bool { return !now.Before(p.ExpiresAt) }

// VisibilityLabel says the visibility in French.
func (p *MobilityProfile) VisibilityLabel() string {
	switch p.Visibility {
	case VisibilityAll:
		return "Visible des recruteurs de toutes les administrations"
	case VisibilitySome:
		return "Visible des recruteurs des administrations choisies"
	}
	return "Masqué : aucun recruteur ne le voit"
}

// Validate checks and tidies a profile before it is saved.
func (p *MobilityProfile) Validate() error {
	var errs FormErrors
	add := func(field, msg string) { errs = append(errs, FieldError(field, msg)) }
	p.FirstName, p.LastName = strings.TrimSpace(p.FirstName), strings.TrimSpace(p.LastName)
	p.Grade, p.CurrentEmployer = strings.TrimSpace(p.Grade), strings.TrimSpace(p.CurrentEmployer)
	if p.FirstName == "" || utf8.RuneCountInString(p.FirstName) > 100 {
		add("first_name", "Saisissez votre prénom (100 caractères au plus).")
	}
	if p.LastName == "" || utf8.RuneCountInString(p.LastName) > 100 {
		add("last_name", "Saisissez votre nom (100 caractères au plus).")
	}
	if p.Categorie != "" && !oneOf(p.Categorie, MobilityCategories) {
		add("categorie", "Choisissez une catégorie dans la liste : A+, A, B ou C.")
	}
	if utf8.RuneCountInString(p.Grade) > 150 {
		add("grade", "Le grade compte 150 caractères au plus.")
	}
	if utf8.RuneCountInString(p.CurrentEmployer) > 200 {
		add("current_employer", "L'administration actuelle compte 200 caractères au plus.")
	}
	switch p.Visibility {
	case VisibilityHidden, VisibilityAll:
		p.AdministrationIDs = nil
	case VisibilitySome:
		if len(p.AdministrationIDs) == 0 {
			add("administrations", "Choisissez au moins une administration, ou une autre visibilité.")
		}
	default:
		add("visibility", "Choisissez la visibilité de votre profil.")
	}
	if len(p.CompetenceIDs) > 30 {
		add("competences", "Choisissez 30 compétences au plus.")
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// MobilityView is one view of a profile by a recruiter, as its owner sees it.
type MobilityView struct {
	Administration string    `db:"administration"`
	ViewedAt       time.Time `db:"viewed_at"`
}

// Invitation answers.
const (
	AnswerInterested    = "interesse"
	AnswerNotInterested = "pas_interesse"
)

// MobilityInvitation is a recruiter's invitation to apply to an offer.
type MobilityInvitation struct {
	ID               int64      `db:"id"`
	ProfileID        int64      `db:"profile_id"`
	AdministrationID int64      `db:"administration_id"`
	Administration   string     `db:"administration"`
	OfferID          int64      `db:"offer_id"`
	OfferTitle       string     `db:"offer_title"`
	Message          string     `db:"message"`
	Answer           string     `db:"answer"`
	CreatedAt        time.Time  `db:"created_at"`
	AnsweredAt       *time.Time `db:"answered_at"`
}

// AnswerLabel says the answer in French.
func (i *MobilityInvitation) AnswerLabel() string {
	switch i.Answer {
	case AnswerInterested:
		return "Intéressé·e"
	case AnswerNotInterested:
		return "Pas intéressé·e"
	}
	return "Sans réponse"
}

// ProfileSearch is a recruiter's search among the visible profiles.
type ProfileSearch struct {
	MetierID      *int64
	CompetenceIDs []int64
	Categorie     string
	Region        string
	Page          int
}

// ProfileSearchPerPage is how many profiles a page of results shows.
const ProfileSearchPerPage = 20

// publicDomain reports whether an address's domain is a State one
// (.gouv.fr), which needs no administration to list it.
func publicDomain(domain string) bool {
	return domain == "gouv.fr" || strings.HasSuffix(domain, ".gouv.fr")
}

// emailDomain is the part of an address after its @.
func emailDomain(email string) string {
	return strings.ToLower(email[strings.LastIndex(email, "@")+1:])
}

// ParseEmailDomains reads the domains an administration lists, one per
// line or separated by commas or spaces: "ville-demo.fr".
func ParseEmailDomains(s string) ([]string, error) {
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' || r == '\t'
	})
	seen := map[string]bool{}
	out := []string{}
	for _, f := range fields {
		f = strings.TrimPrefix(strings.TrimSpace(f), "@")
		if f == "" || seen[f] {
			continue
		}
		if _, err := ParseEmail("x@" + f); err != nil || len(f) > 100 {
			return nil, FieldError("email_domains", "« "+f+" » n'est pas un nom de domaine : écrivez par exemple ville-exemple.fr, un par ligne.")
		}
		seen[f] = true
		out = append(out, f)
	}
	if len(out) > 50 {
		return nil, FieldError("email_domains", "50 domaines au plus.")
	}
	return out, nil
}
