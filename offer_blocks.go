package vivier

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// JSONB holds a value stored as a jsonb column. The offer blocks below keep
// CSPLab's field names, so what an HR system sends to CSPLab can be stored as
// is and sent back unchanged.
type JSONB[T any] struct{ V T }

// Scan implements sql.Scanner.
func (j *JSONB[T]) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("jsonb: cannot scan %T", src)
	}
	return json.Unmarshal(b, &j.V)
}

// Value implements driver.Valuer.
func (j JSONB[T]) Value() (driver.Value, error) {
	b, err := json.Marshal(j.V)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Values of CSPLab's enumerations used by the blocks.
var (
	WorkingTimes     = []string{"NON_DEFINI", "TEMPS_PLEIN", "TEMPS_PARTIEL"}
	LanguageLevels   = []string{"A1", "A2", "B1", "B2", "C1", "C2"}
	QuestionKinds    = []string{"short", "long", "yesno", "choice"}
	AccessModalities = []string{
		"EXTERNE", "INTERNE", "TROISIEME_CONCOURS", "UNIQUE", "RESERVE", "EXAMEN_PROFESSIONNEL", "LISTE_APTITUDE",
		"SUR_TITRE", "IRA", "TOUR_EXTERIEUR", "SANS_CONCOURS", "AU_CHOIX", "COMPLEMENTAIRE", "DEUXIEME_CONCOURS",
		"EXTERNE_EXCEPTIONNEL", "INTERNE_EXCEPTIONNEL", "TROISIEME_CONCOURS_EXCEPTIONNEL",
	}
)

// Criteria is CSPLab's `criteres` block. The experience level lives in the
// offer's own column, where search filters on it.
type Criteria struct {
	DiplomaLevel      int        `json:"diplome_niveau,omitempty"` // 1 to 8 (CNCP)
	Diploma           string     `json:"diplome,omitempty"`
	Specialisations   []string   `json:"specialisations,omitempty"`
	RequiredDocuments []string   `json:"documents_requis,omitempty"`
	Skills            []string   `json:"competences_requises,omitempty"` // free text; referential skills are linked apart
	Languages         []Language `json:"langues,omitempty"`
}

// Language is a language asked for, with its CEFR level.
type Language struct {
	ISOCode string `json:"iso_code"` // ISO 639-1
	Level   string `json:"niveau"`   // A1 … C2
}

// Conditions is CSPLab's `conditions` block. Workplace (on site / remote)
// and management live in the offer's columns, where search filters on them.
type Conditions struct {
	SalaryTitulaire   string     `json:"salaire_titulaire,omitempty"`
	SalaryContractuel string     `json:"salaire_contractuel,omitempty"`
	ContractStart     *time.Time `json:"debut_contrat,omitempty"`
	ContractEnd       *time.Time `json:"fin_contrat,omitempty"`
	ContractDuration  string     `json:"duree_contrat,omitempty"`
	WorkingTime       string     `json:"temps_travail,omitempty"`
	OpenToMilitary    string     `json:"ouvert_aux_militaires,omitempty"` // OUI or NON
	Complements       string     `json:"complements,omitempty"`
	LegalBases        string     `json:"bases_legales,omitempty"`
	OpeningNoteURL    string     `json:"note_ouverture_poste_url,omitempty"`
}

// WorkingTimeLabel says the working time in French; "" when not given.
func (c Conditions) WorkingTimeLabel() string {
	if c.WorkingTime == "NON_DEFINI" {
		return ""
	}
	return WorkingTimeLabels[c.WorkingTime]
}

// Contact is a person candidates may write to. CSPLab knows only the email;
// the name and role are Vivier's.
type Contact struct {
	Email string `json:"email"`
	Name  string `json:"nom,omitempty"`
	Role  string `json:"fonction,omitempty"`
	Phone string `json:"telephone,omitempty"`
}

// Details holds what concours and stages add to an offer.
type Details struct {
	// Concours.
	NOR                string     `json:"nor,omitempty"` // the NOR of the arrêté, e.g. INTA2412345A
	Corps              string     `json:"corps,omitempty"`
	Grade              string     `json:"grade,omitempty"`
	Ministry           string     `json:"ministere,omitempty"`
	AccessModalities   []string   `json:"modalites_acces,omitempty"`
	RegistrationOpens  *time.Time `json:"ouverture_inscriptions,omitempty"`
	RegistrationCloses *time.Time `json:"cloture_inscriptions,omitempty"`
	ExamDates          string     `json:"dates_epreuves,omitempty"`
	Posts              int        `json:"nombre_postes,omitempty"`
	// Stage and apprentissage.
	Duration      string     `json:"duree,omitempty"`
	Start         *time.Time `json:"date_debut,omitempty"`
	Gratification string     `json:"gratification,omitempty"`
	WeeklyHours   int        `json:"heures_hebdomadaires,omitempty"`
	StudyLevel    string     `json:"niveau_etudes,omitempty"`
}

// Question is a question of the offer's application form.
type Question struct {
	ID       string   `json:"id"` // stable, so answers survive edits of the label
	Label    string   `json:"label"`
	Kind     string   `json:"kind"` // short, long, yesno, choice
	Required bool     `json:"required,omitempty"`
	Choices  []string `json:"choices,omitempty"`
}

var norPattern = regexp.MustCompile(`^[A-Z]{4}[0-9]{7}[A-Z]$`)

// ParseNOR tidies and checks a NOR (4 letters, 7 digits, 1 letter).
func ParseNOR(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !norPattern.MatchString(s) {
		return "", Errorf(EINVALID, "Le NOR « %s » n'a pas la forme attendue : 4 lettres, 7 chiffres et une lettre (ex. INTA2412345A).", s)
	}
	return s, nil
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

func anyTooLong(list []string, n int) bool {
	for _, s := range list {
		if tooLong(s, n) {
			return true
		}
	}
	return false
}

// validateBlocks checks the blocks of an offer; called by Validate.
func (o *Offer) validateBlocks() error {
	c := &o.Criteria.V
	if c.DiplomaLevel < 0 || c.DiplomaLevel > 8 {
		return FieldError("diplome_niveau", "Le niveau de diplôme va de 1 à 8.")
	}
	for _, l := range c.Languages {
		if len(l.ISOCode) != 2 || !oneOf(l.Level, LanguageLevels) {
			return FieldError("langues", "Chaque langue a un code à deux lettres (ex. en) et un niveau de A1 à C2.")
		}
	}
	k := &o.Conditions.V
	switch {
	case tooLong(k.SalaryTitulaire, 100) || tooLong(k.SalaryContractuel, 100):
		return FieldError("salaire", "La rémunération compte 100 caractères au plus.")
	case k.WorkingTime != "" && !oneOf(k.WorkingTime, WorkingTimes):
		return FieldError("temps_travail", "Temps de travail inconnu : temps plein ou temps partiel.")
	case k.OpenToMilitary != "" && k.OpenToMilitary != "OUI" && k.OpenToMilitary != "NON":
		return FieldError("ouvert_aux_militaires", "Ouvert aux militaires : oui ou non.")
	case tooLong(k.Complements, 1500) || tooLong(k.LegalBases, 1500):
		return FieldError("bases_legales", "Les compléments et les bases légales comptent 1 500 caractères au plus.")
	case k.ContractStart != nil && k.ContractEnd != nil && k.ContractEnd.Before(*k.ContractStart):
		return FieldError("fin_contrat", "La fin du contrat doit suivre son début.")
	}
	if k.OpeningNoteURL != "" {
		if u, err := url.Parse(k.OpeningNoteURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return FieldError("note_ouverture_poste_url", "Le lien vers la note d'ouverture doit être une adresse web (https://…).")
		}
	}
	switch {
	case tooLong(c.Diploma, 300) || anyTooLong(c.Specialisations, 300) || anyTooLong(c.RequiredDocuments, 300) || anyTooLong(c.Skills, 300):
		return FieldError("diplome", "Le diplôme, les spécialités, les pièces et les compétences comptent chacun 300 caractères au plus.")
	case len(c.Specialisations) > 30 || len(c.RequiredDocuments) > 30 || len(c.Skills) > 30 || len(c.Languages) > 20:
		return FieldError("diplome", "Trop d'éléments dans une liste des critères (30 au plus).")
	case checkDocumentLines(c.RequiredDocuments) != nil:
		return checkDocumentLines(c.RequiredDocuments)
	case tooLong(k.ContractDuration, 100):
		return FieldError("duree_contrat", "La durée du contrat compte 100 caractères au plus.")
	case len(o.Contacts.V) > 10:
		return FieldError("contacts", "Une offre a 10 contacts au plus.")
	}
	for i := range o.Contacts.V {
		ct := &o.Contacts.V[i]
		if tooLong(ct.Name, 200) || tooLong(ct.Role, 200) || tooLong(ct.Phone, 30) {
			return FieldError("contacts", fmt.Sprintf("Le contact %d a un nom ou une fonction de plus de 200 caractères, ou un téléphone de plus de 30.", i+1))
		}
		a, err := mail.ParseAddress(strings.TrimSpace(ct.Email))
		if err != nil || a.Name != "" {
			return FieldError("contacts", fmt.Sprintf("L'adresse électronique du contact %d n'est pas valide.", i+1))
		}
		ct.Email = a.Address
	}
	return o.validateDetails()
}

func (o *Offer) validateDetails() error {
	d := &o.Details.V
	if o.Kind == KindConcours && d.NOR != "" {
		nor, err := ParseNOR(d.NOR)
		if err != nil {
			return FieldError("nor", ErrorMessage(err))
		}
		d.NOR = nor
	}
	for _, m := range d.AccessModalities {
		if !oneOf(m, AccessModalities) {
			return FieldError("modalites_acces", "Modalité d'accès au concours inconnue.")
		}
	}
	switch {
	case tooLong(d.Corps, 300) || tooLong(d.Grade, 300) || tooLong(d.Ministry, 300) || tooLong(d.ExamDates, 300):
		return FieldError("corps", "Le corps, le grade, le ministère et les dates des épreuves comptent chacun 300 caractères au plus.")
	case tooLong(d.Duration, 100) || tooLong(d.Gratification, 100) || tooLong(d.StudyLevel, 100):
		return FieldError("duree", "La durée, la gratification et le niveau d'études comptent chacun 100 caractères au plus.")
	case d.Posts < 0:
		return FieldError("nombre_postes", "Le nombre de postes ne peut pas être négatif.")
	case d.RegistrationOpens != nil && d.RegistrationCloses != nil && d.RegistrationCloses.Before(*d.RegistrationOpens):
		return FieldError("cloture_inscriptions", "La clôture des inscriptions doit suivre leur ouverture.")
	case d.WeeklyHours < 0 || d.WeeklyHours > 48:
		return FieldError("heures_hebdomadaires", "La durée hebdomadaire va de 0 à 48 heures.")
	}
	seen := map[string]bool{}
	for i := range o.Questions.V {
		q := &o.Questions.V[i]
		q.Label = strings.TrimSpace(q.Label)
		switch {
		case q.Label == "" || tooLong(q.Label, 300):
			return FieldError("questions", fmt.Sprintf("La question %d doit avoir un libellé (300 caractères au plus).", i+1))
		case !oneOf(q.Kind, QuestionKinds):
			return FieldError("questions", fmt.Sprintf("La question %d a un type inconnu.", i+1))
		case q.Kind == "choice" && len(q.Choices) < 2:
			return FieldError("questions", fmt.Sprintf("La question %d propose au moins deux choix.", i+1))
		case q.ID == "" || seen[q.ID]:
			q.ID = fmt.Sprintf("q%d", i+1)
		}
		seen[q.ID] = true
	}
	if len(o.Questions.V) > 20 {
		return FieldError("questions", "Une offre pose 20 questions au plus.")
	}
	return nil
}
