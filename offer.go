package vivier

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
)

// OfferKind is what an offer recruits for.
type OfferKind string

const (
	KindEmploi        OfferKind = "emploi"
	KindConcours      OfferKind = "concours"
	KindStage         OfferKind = "stage"
	KindApprentissage OfferKind = "apprentissage"
)

// OfferStatus is where an offer is in its life.
type OfferStatus string

const (
	OfferDraft     OfferStatus = "draft"
	OfferPending   OfferStatus = "pending"   // waiting for its validation before publication
	OfferScheduled OfferStatus = "scheduled" // published by itself at PublishAt
	OfferPublished OfferStatus = "published"
	OfferClosed    OfferStatus = "closed" // no more applications
	OfferArchived  OfferStatus = "archived"
)

// offerMoves is the status machine: which move is allowed from where. An
// offer goes to pending when it is submitted for validation, or when an edit
// of its substantive content sends it back there; it leaves pending by its
// approval (published, or scheduled if its date is to come) or its return
// to draft (OfferValidation.Moves says which moves an agent is offered).
var offerMoves = map[OfferStatus][]OfferStatus{
	OfferDraft:     {OfferPending, OfferScheduled, OfferPublished},
	OfferPending:   {OfferDraft, OfferScheduled, OfferPublished},
	OfferScheduled: {OfferDraft, OfferPublished, OfferPending},
	OfferPublished: {OfferClosed, OfferPending},
	OfferClosed:    {OfferPublished, OfferArchived, OfferPending},
	OfferArchived:  {},
}

// CanMove reports whether an offer may go from one status to another.
func CanMove(from, to OfferStatus) bool {
	for _, s := range offerMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Values of CSPLab's enumerations, kept as CSPLab spells them.
var (
	Categories    = []string{"APLUS", "A", "B", "C", "HORS_CATEGORIE"}
	ContractTypes = []string{"TITULAIRE_CONTRACTUEL", "CONTRACTUELS", "TERRITORIAL"}
	ContractForms = []string{"CDD", "CDI", "PERMANENT", "VACATION"}
	Experiences   = []string{"DEBUTANT", "CONFIRME", "EXPERT"}
	Workplaces    = []string{"NON_DEFINI", "SUR_SITE", "TELETRAVAIL"}
)

// Location is one place of work.
type Location struct {
	Zone        string   `json:"zone,omitempty"` // CSPLab's zone géographique: EU, AF, AM, AS, OC, AN, MO
	Country     string   `json:"pays,omitempty"` // ISO 3166 alpha-3, FRA by default
	Region      string   `json:"region,omitempty"`
	Departement string   `json:"departement,omitempty"`
	Label       string   `json:"label,omitempty"`
	Latitude    *float64 `json:"latitude,omitempty"`
	Longitude   *float64 `json:"longitude,omitempty"`
	// Commune is the code INSEE of the place's commune, when known (the
	// back-office form always sets it; the API and the import get it from
	// the label and the département); Address is the line within it.
	Commune string `json:"commune,omitempty"`
	Address string `json:"adresse,omitempty"`
	// Geocoded says where the coordinates come from: "adresse" (the BAN
	// found the address), "commune" (the commune's centre), "" (given by
	// the sender, or none).
	Geocoded string `json:"geocode,omitempty"`
}

// Offer is a published or draft vacancy, concours, internship or
// apprenticeship of an administration.
type Offer struct {
	ID                 int64          `db:"id"`
	AdministrationID   int64          `db:"administration_id"`
	Kind               OfferKind      `db:"kind"`
	Status             OfferStatus    `db:"status"`
	Reference          string         `db:"reference"`
	Source             string         `db:"source"`
	Versant            Versant        `db:"versant"`
	Title              string         `db:"title"`
	LongTitle          string         `db:"long_title"`
	OrganisationName   string         `db:"organisation_name"`
	OrganisationSIRET  string         `db:"organisation_siret"`
	DomaineCode        *string        `db:"domaine_code"`
	MetierID           *int64         `db:"metier_id"`
	Categories         pq.StringArray `db:"categories"`
	ContractType       string         `db:"contract_type"`
	ContractForms      pq.StringArray `db:"contract_forms"`
	PostVacant         bool           `db:"post_vacant"`
	Mission            string         `db:"mission"`
	Profile            string         `db:"profile"`
	EmployerText       string         `db:"employer_text"`
	Complements        string         `db:"complements"`
	Locations          []Location     `db:"-"`
	Experience         string         `db:"experience"`
	Workplace          string         `db:"workplace"`
	Management         *bool          `db:"management"`
	OpenToInternal     bool           `db:"open_to_internal"`
	OpenToContractuals bool           `db:"open_to_contractuals"`
	// ReservedToAgents: only agents signed in to the mobility space apply.
	// ReserveToAgents is what a form sets (nil leaves it as it is).
	ReservedToAgents bool              `db:"reserved_to_agents"`
	ReserveToAgents  *bool             `db:"-"`
	Criteria         JSONB[Criteria]   `db:"criteria"`
	Conditions       JSONB[Conditions] `db:"conditions"`
	Contacts         JSONB[[]Contact]  `db:"contacts"`
	Details          JSONB[Details]    `db:"details"`
	CVPolicy         string            `db:"cv_policy"`
	LetterPolicy     string            `db:"letter_policy"`
	Questions        JSONB[[]Question] `db:"questions"`
	// CompetenceIDs are the referential skills (offer_competences): nil
	// leaves them as they are on update; OfferCompetences reads them.
	CompetenceIDs       []int64    `db:"-"`
	PublishAt           *time.Time `db:"publish_at"`
	EndAt               *time.Time `db:"end_at"`
	ApplicationDeadline *time.Time `db:"application_deadline"`
	VacancyStart        *time.Time `db:"vacancy_start"`
	PublishedAt         *time.Time `db:"published_at"`
	ClosedAt            *time.Time `db:"closed_at"`
	CreatedAt           time.Time  `db:"created_at"`
	UpdatedAt           time.Time  `db:"updated_at"`
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// Validate checks an offer's rules and tidies its text fields. Messages are
// French and name the field.
func (o *Offer) Validate() error {
	o.Title = strings.TrimSpace(o.Title)
	o.Reference = strings.TrimSpace(o.Reference)
	if o.Source == "" {
		o.Source = "vivier"
	}
	if o.CVPolicy == "" {
		o.CVPolicy = "required"
	}
	if o.LetterPolicy == "" {
		o.LetterPolicy = "optional"
	}
	if o.Workplace == "" {
		o.Workplace = "NON_DEFINI"
	}
	switch {
	case o.Kind != KindEmploi && o.Kind != KindConcours && o.Kind != KindStage && o.Kind != KindApprentissage:
		return FieldError("kind", "Choisissez le type d'offre : emploi, concours, stage ou apprentissage.")
	case o.Title == "" || utf8.RuneCountInString(o.Title) > 150:
		return FieldError("title", "L'intitulé est obligatoire (150 caractères au plus).")
	case utf8.RuneCountInString(o.LongTitle) > 1500:
		return FieldError("long_title", "L'intitulé long compte 1 500 caractères au plus.")
	case o.Reference == "" || len(o.Reference) > 100:
		return FieldError("reference", "La référence est obligatoire (100 caractères au plus).")
	case o.Versant != VersantEtat && o.Versant != VersantTerritoriale && o.Versant != VersantHospitaliere:
		return FieldError("versant", "Le versant doit être État, territoriale ou hospitalière.")
	case o.ContractType != "" && !oneOf(o.ContractType, ContractTypes):
		return FieldError("contract_type", "Type de contrat inconnu.")
	case o.Experience != "" && !oneOf(o.Experience, Experiences):
		return FieldError("experience", "Niveau d'expérience inconnu.")
	case !oneOf(o.Workplace, Workplaces):
		return FieldError("workplace", "Lieu de travail inconnu.")
	case !oneOf(o.CVPolicy, []string{"required", "optional", "none"}) || !oneOf(o.LetterPolicy, []string{"required", "optional", "none"}):
		return FieldError("cv_policy", "Choisissez si le CV et la lettre sont demandés.")
	case utf8.RuneCountInString(o.Mission) > 10000 || utf8.RuneCountInString(o.Profile) > 10000:
		return FieldError("mission", "Les missions et le profil comptent chacun 10 000 caractères au plus.")
	case utf8.RuneCountInString(o.EmployerText) > 3000:
		return FieldError("employer_text", "La présentation de l'employeur compte 3 000 caractères au plus.")
	case utf8.RuneCountInString(o.Complements) > 5000:
		return FieldError("complements", "Les informations complémentaires comptent 5 000 caractères au plus.")
	case o.PublishAt != nil && o.EndAt != nil && !o.EndAt.After(*o.PublishAt):
		return FieldError("end_at", "La fin de publication doit suivre son début.")
	}
	for _, c := range o.Categories {
		if !oneOf(c, Categories) {
			return FieldError("categories", "Catégorie inconnue : A+, A, B, C ou hors catégorie.")
		}
	}
	for _, f := range o.ContractForms {
		if !oneOf(f, ContractForms) {
			return FieldError("contract_forms", "Forme de contrat inconnue : CDD, CDI, permanent ou vacation.")
		}
	}
	if o.OrganisationSIRET != "" {
		s, err := ParseSIRET(o.OrganisationSIRET)
		if err != nil {
			return FieldError("organisation_siret", ErrorMessage(err))
		}
		o.OrganisationSIRET = s
	}
	if o.Contacts.V == nil {
		o.Contacts.V = []Contact{}
	}
	if o.Questions.V == nil {
		o.Questions.V = []Question{}
	}
	return o.validateBlocks()
}
