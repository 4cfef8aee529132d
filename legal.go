package vivier

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lib/pq"
)

// The legal pages of the platform are written by its operator, not by the
// code: who publishes and hosts the site, who controls the personal data and
// how to reach their data protection officer, and the accessibility statement
// that the RGAA asks for. A page may be saved half filled in; until every
// field that the law asks for is there, the public page says so (Missing).

// LegalNotice is what the mentions légales name: publisher and host.
type LegalNotice struct {
	PublisherName       string `db:"publisher_name"`
	PublisherAddress    string `db:"publisher_address"`
	PublicationDirector string `db:"publication_director"`
	HostName            string `db:"host_name"`
	HostAddress         string `db:"host_address"`
	HostContact         string `db:"host_contact"`
}

// PrivacyNotice is what the données personnelles page says beyond the
// retention periods, which each administration sets.
type PrivacyNotice struct {
	ControllerName    string `db:"controller_name"`
	ControllerAddress string `db:"controller_address"`
	DPOEmail          string `db:"dpo_email"`
	DPOAddress        string `db:"dpo_address"`
	Purposes          string `db:"purposes"`
	LegalBasis        string `db:"legal_basis"`
}

// Conformance is the state of the site against the RGAA.
type Conformance string

const (
	ConformanceNone    Conformance = "non"
	ConformancePartial Conformance = "partielle"
	ConformanceFull    Conformance = "totale"
)

// Conformances lists the states in the order a form offers them.
var Conformances = []Conformance{ConformanceNone, ConformancePartial, ConformanceFull}

// Label returns the words the RGAA uses for the state.
func (c Conformance) Label() string {
	switch c {
	case ConformanceNone:
		return "non conforme"
	case ConformancePartial:
		return "partiellement conforme"
	case ConformanceFull:
		return "totalement conforme"
	}
	return string(c)
}

// Choice returns the label as a form offers it, capitalised.
func (c Conformance) Choice() string {
	l := c.Label()
	return strings.ToUpper(l[:1]) + l[1:]
}

// ConformanceOf returns the state that the RGAA gives to an audit's rate:
// every criterion met, half of them at least, or fewer.
func ConformanceOf(rate float64) Conformance {
	switch {
	case rate >= 100:
		return ConformanceFull
	case rate >= 50:
		return ConformancePartial
	}
	return ConformanceNone
}

// AccessibilityStatement is the déclaration d'accessibilité, in the order of
// the RGAA's model. The recourse to the Défenseur des droits is fixed text.
type AccessibilityStatement struct {
	Conformance  Conformance    `db:"conformance"`
	Rate         *float64       `db:"conformance_rate"` // percent of criteria met; nil without an audit
	RGAAVersion  string         `db:"rgaa_version"`
	AuditDate    *time.Time     `db:"audit_date"`
	AuditedBy    string         `db:"audited_by"`
	AuditScope   string         `db:"audit_scope"`
	Technologies pq.StringArray `db:"technologies"`
	NonCompliant pq.StringArray `db:"non_compliant"`
	Derogations  pq.StringArray `db:"derogations"` // disproportionate burden
	Exempt       pq.StringArray `db:"exempt"`      // contents outside the law's scope
	ContactEmail string         `db:"accessibility_email"`
	ContactOther string         `db:"accessibility_other"` // a form's address, a postal address
	DeclaredOn   *time.Time     `db:"declared_on"`
}

// Audited says whether the statement rests on an audit (a rate was given).
func (a AccessibilityStatement) Audited() bool { return a.Rate != nil }

// RateText writes the rate as French readers do: "72,5".
func (a AccessibilityStatement) RateText() string {
	if a.Rate == nil {
		return ""
	}
	return strings.Replace(strconv.FormatFloat(*a.Rate, 'f', -1, 64), ".", ",", 1)
}

// LegalPages is the platform's one set of legal pages.
type LegalPages struct {
	LegalNotice
	PrivacyNotice
	AccessibilityStatement
	UpdatedAt time.Time `db:"updated_at"`
}

// Legal pages, as the audit log and the editor name them.
const (
	LegalPageNotice        = "mentions-legales"
	LegalPagePrivacy       = "donnees-personnelles"
	LegalPageAccessibility = "accessibilite"
)

// legalField is one text field of a page: its column (the form's field
// too), its label, whether the law asks for it, its longest length.
type legalField struct {
	Column, Label string
	Required      bool
	Max           int
	Value         *string
}

func (n *LegalNotice) fields() []legalField {
	return []legalField{
		{"publisher_name", "Nom de l'éditeur", true, 300, &n.PublisherName},
		{"publisher_address", "Adresse de l'éditeur", true, 1000, &n.PublisherAddress},
		{"publication_director", "Directeur ou directrice de la publication", true, 300, &n.PublicationDirector},
		{"host_name", "Nom de l'hébergeur", true, 300, &n.HostName},
		{"host_address", "Adresse de l'hébergeur", true, 1000, &n.HostAddress},
		{"host_contact", "Contact de l'hébergeur", true, 300, &n.HostContact},
	}
}

func (p *PrivacyNotice) fields() []legalField {
	return []legalField{
		{"controller_name", "Responsable du traitement", true, 300, &p.ControllerName},
		{"controller_address", "Adresse du responsable du traitement", true, 1000, &p.ControllerAddress},
		{"dpo_email", "Adresse électronique du délégué à la protection des données", true, 254, &p.DPOEmail},
		{"dpo_address", "Adresse postale du délégué à la protection des données", false, 1000, &p.DPOAddress},
		{"purposes", "Finalités du traitement", true, 5000, &p.Purposes},
		{"legal_basis", "Base légale du traitement", true, 5000, &p.LegalBasis},
	}
}

func (a *AccessibilityStatement) fields() []legalField {
	// An audit (a rate or a date) brings the fields that describe it.
	audited := a.Rate != nil || a.AuditDate != nil
	return []legalField{
		{"rgaa_version", "Version du RGAA", audited, 20, &a.RGAAVersion},
		{"audited_by", "Auteur de l'audit", audited, 300, &a.AuditedBy},
		{"audit_scope", "Pages auditées", audited, 3000, &a.AuditScope},
		{"accessibility_email", "Adresse électronique de contact pour l'accessibilité", true, 254, &a.ContactEmail},
		{"accessibility_other", "Autre moyen de contact", false, 1000, &a.ContactOther},
	}
}

// Missing lists the labels of the fields the law asks for and that are
// still empty.
func (n LegalNotice) Missing() []string { return missing(n.fields()) }

// Missing lists the labels of the fields the law asks for and that are
// still empty.
func (p PrivacyNotice) Missing() []string { return missing(p.fields()) }

// Missing lists what the statement still lacks, in the form's order.
func (a AccessibilityStatement) Missing() []string {
	var out []string
	if a.Conformance == "" {
		out = append(out, "État de conformité")
	}
	if a.Rate != nil || a.AuditDate != nil {
		if a.Rate == nil {
			out = append(out, "Taux de conformité")
		}
		if a.AuditDate == nil {
			out = append(out, "Date de l'audit")
		}
		if len(a.Technologies) == 0 {
			out = append(out, "Technologies utilisées")
		}
	}
	if a.Audited() && a.Conformance != "" && a.Conformance != ConformanceFull && len(a.NonCompliant) == 0 {
		out = append(out, "Contenus non accessibles")
	}
	out = append(out, missing(a.fields())...)
	if a.DeclaredOn == nil {
		out = append(out, "Date de la déclaration")
	}
	return out
}

func missing(fields []legalField) []string {
	var out []string
	for _, f := range fields {
		if f.Required && *f.Value == "" {
			out = append(out, f.Label)
		}
	}
	return out
}

// clean trims the fields, with the line breaks of a browser's text area
// made plain, and checks their lengths.
func clean(fields []legalField) error {
	for _, f := range fields {
		*f.Value = strings.TrimSpace(strings.ReplaceAll(*f.Value, "\r\n", "\n"))
		if utf8.RuneCountInString(*f.Value) > f.Max {
			return FieldError(f.Column, fmt.Sprintf("%s : %d caractères au plus.", f.Label, f.Max))
		}
	}
	return nil
}

// checkEmail checks an optional address of a field.
func checkEmail(field string, s *string) error {
	if *s == "" {
		return nil
	}
	e, err := ParseEmail(*s)
	if err != nil {
		return FieldError(field, ErrorMessage(err))
	}
	*s = e
	return nil
}

// Validate trims the mentions légales and checks their lengths.
func (n *LegalNotice) Validate() error { return clean(n.fields()) }

// Validate trims the privacy notice and checks the DPO's address.
func (p *PrivacyNotice) Validate() error {
	if err := clean(p.fields()); err != nil {
		return err
	}
	return checkEmail("dpo_email", &p.DPOEmail)
}

// Validate trims the statement and checks that its state agrees with the
// rate, as the RGAA defines them.
func (a *AccessibilityStatement) Validate() error {
	if err := clean(a.fields()); err != nil {
		return err
	}
	switch a.Conformance {
	case "", ConformanceNone, ConformancePartial, ConformanceFull:
	default:
		return FieldError("conformance", "Choisissez un état de conformité : non, partiellement ou totalement conforme.")
	}
	if a.Rate != nil {
		if *a.Rate < 0 || *a.Rate > 100 {
			return FieldError("conformance_rate", "Le taux de conformité est un pourcentage, de 0 à 100.")
		}
		if want := ConformanceOf(*a.Rate); a.Conformance != "" && a.Conformance != want {
			return FieldError("conformance", fmt.Sprintf("Avec un taux de %s %%, l'état est «\u00a0%s\u00a0» : le RGAA dit totalement conforme "+
				"à 100 %%, partiellement conforme à partir de 50 %%, non conforme en dessous.", a.RateText(), want.Label()))
		}
	}
	for _, l := range []struct {
		col, label string
		list       *pq.StringArray
	}{
		{"technologies", "Technologies utilisées", &a.Technologies}, {"non_compliant", "Contenus non accessibles", &a.NonCompliant},
		{"derogations", "Dérogations pour charge disproportionnée", &a.Derogations}, {"exempt", "Contenus non soumis à l'obligation", &a.Exempt},
	} {
		items := pq.StringArray{}
		for _, it := range *l.list {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		if len(items) > 100 {
			return FieldError(l.col, l.label+" : 100 lignes au plus.")
		}
		for _, it := range items {
			if utf8.RuneCountInString(it) > 500 {
				return FieldError(l.col, l.label+" : 500 caractères au plus par ligne.")
			}
		}
		*l.list = items
	}
	return checkEmail("accessibility_email", &a.ContactEmail)
}

// AdministrationRetention is one line of the retention table shown to
// candidates.
type AdministrationRetention struct {
	Name   string `db:"name"`
	Months int    `db:"retention_months"`
}

// RetentionText writes a retention period for candidates: "9 mois".
func RetentionText(months int) string { return strconv.Itoa(months) + " mois" }

// Text writes the line's period for candidates.
func (r AdministrationRetention) Text() string { return RetentionText(r.Months) }

// FrenchDate writes a day as French readers do: "12 mars 2026", "1er mai 2026".
func FrenchDate(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %d", day, frenchMonths[t.Month()-1], t.Year())
}

// AuditDateText writes the audit's date, "" without one.
func (a AccessibilityStatement) AuditDateText() string { return optionalDate(a.AuditDate) }

// DeclaredOnText writes the statement's date, "" without one.
func (a AccessibilityStatement) DeclaredOnText() string { return optionalDate(a.DeclaredOn) }

func optionalDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return FrenchDate(*t)
}
