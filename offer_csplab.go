package vivier

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// CSPLabOffer is an offer in the shape of CSPLab's OffersInput (the State's
// "Choisir le Service Public" platform): what the offers API accepts, so
// that an HR system that already pushes there can push here unchanged, and
// what Vivier will send there. The blocks Vivier stores as they come
// (criteres, conditions) keep their JSON names in Criteria and Conditions.
type CSPLabOffer struct {
	Identification CSPLabIdentity     `json:"identification"`
	Title          string             `json:"titre"`
	LongTitle      string             `json:"titre_long"`
	Organisation   CSPLabOrganisation `json:"organisation"`
	OfferURL       *string            `json:"url_offre"`       // accepted, not stored: the offer's page is Vivier's
	ApplicationURL *string            `json:"url_candidature"` // accepted, not stored: candidates apply on Vivier
	Profession     CSPLabProfession   `json:"profession"`
	Categories     []string           `json:"categories"`
	ContractType   string             `json:"type_contrat"`
	ContractForms  []string           `json:"forme_contrat"`
	Vacancy        string             `json:"vacance_poste"` // OUI vacant, NON susceptible d'être vacant
	Description    CSPLabDescription  `json:"description"`
	Locations      []CSPLabLocation   `json:"localisation"`
	Criteria       *CSPLabCriteria    `json:"criteres"`
	Conditions     *CSPLabConditions  `json:"conditions"`
	Contacts       []CSPLabContact    `json:"contacts"`
	Publication    CSPLabPublication  `json:"publication"`
}

// CSPLabIdentity identifies an offer within its source.
type CSPLabIdentity struct {
	Reference string `json:"reference"`
	Versant   string `json:"versant"` // FPE, FPT, FPH
}

// CSPLabOrganisation is the employer named on the offer.
type CSPLabOrganisation struct {
	Name  string `json:"nom"`
	SIRET string `json:"siret"`
}

// CSPLabProfession places the offer in the RMFP.
type CSPLabProfession struct {
	Referential  string  `json:"referentiel,omitempty"`
	Domaine      string  `json:"domaine"`
	Metier       string  `json:"metier"`
	LocalJobCode *string `json:"code_emploi_local,omitempty"`
}

// CSPLabDescription holds the offer's texts.
type CSPLabDescription struct {
	Mission     string `json:"mission"`
	Profile     string `json:"profil"`
	Employer    string `json:"employeur"`
	Complements string `json:"complements"`
}

// CSPLabLocation is one place of work.
type CSPLabLocation struct {
	Zone        string   `json:"zone_geographique"`
	Country     string   `json:"pays"`
	Region      string   `json:"region"`
	Departement string   `json:"departement"`
	Label       string   `json:"localisation_label"`
	Latitude    *float64 `json:"latitude"`
	Longitude   *float64 `json:"longitude"`
}

// CSPLabCriteria is the criteres block: Vivier's Criteria and the
// experience level, which Vivier keeps in a column of its own.
type CSPLabCriteria struct {
	Criteria
	Experience string `json:"experience,omitempty"`
}

// CSPLabConditions is the conditions block: Vivier's Conditions, with the
// workplace and management that Vivier keeps in columns of their own.
type CSPLabConditions struct {
	Conditions
	Workplace  string `json:"lieu_de_travail"`
	Management string `json:"management,omitempty"` // AVEC or SANS
}

// CSPLabContact is a contact: CSPLab knows only the email.
type CSPLabContact struct {
	Email string `json:"email"`
}

// CSPLabPublication gives the offer's dates.
type CSPLabPublication struct {
	Start               time.Time  `json:"debut_publication"`
	End                 time.Time  `json:"fin_publication"`
	ApplicationDeadline *time.Time `json:"fin_candidature"`
	VacancyStart        *time.Time `json:"debut_vacance_poste"`
}

var csplabVersants = map[string]Versant{"FPE": VersantEtat, "FPT": VersantTerritoriale, "FPH": VersantHospitaliere}

// Zones are CSPLab's zones géographiques.
var Zones = []string{"EU", "AF", "AM", "AS", "OC", "AN", "MO"}

var (
	domainePattern = regexp.MustCompile(`^[A-Z]{3}$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

// csplabFields names, in CSPLab's terms, the fields that Offer.Validate
// names in Vivier's: the API answers in the caller's vocabulary.
var csplabFields = map[string]string{
	"title": "titre", "long_title": "titre_long", "reference": "identification.reference",
	"versant": "identification.versant", "contract_type": "type_contrat", "experience": "criteres.experience",
	"workplace": "conditions.lieu_de_travail", "categories": "categories", "contract_forms": "forme_contrat",
	"mission": "description.mission", "employer_text": "description.employeur", "complements": "description.complements",
	"end_at": "publication.fin_publication", "organisation_siret": "organisation.siret",
	"diplome_niveau": "criteres.diplome_niveau", "langues": "criteres.langues", "salaire": "conditions.salaire_titulaire",
	"temps_travail": "conditions.temps_travail", "ouvert_aux_militaires": "conditions.ouvert_aux_militaires",
	"bases_legales": "conditions.bases_legales", "fin_contrat": "conditions.fin_contrat",
	"note_ouverture_poste_url": "conditions.note_ouverture_poste_url", "contacts": "contacts",
}

// Offer maps the CSPLab offer to a Vivier emploi offer (source and status
// are the caller's) and checks it; a rule broken is an EINVALID error whose
// Field is CSPLab's name of the field.
func (c *CSPLabOffer) Offer() (*Offer, error) {
	o := &Offer{Kind: KindEmploi, Reference: strings.TrimSpace(c.Identification.Reference), Title: c.Title,
		LongTitle: c.LongTitle, OrganisationName: strings.TrimSpace(c.Organisation.Name),
		OrganisationSIRET: strings.TrimSpace(c.Organisation.SIRET), ContractType: c.ContractType,
		Mission: c.Description.Mission, Profile: c.Description.Profile, EmployerText: c.Description.Employer,
		Complements: c.Description.Complements, PostVacant: c.Vacancy != "NON"}
	if err := c.checkShape(); err != nil {
		return nil, err
	}
	o.Versant = csplabVersants[c.Identification.Versant]
	if d := strings.TrimSpace(c.Profession.Domaine); d != "" {
		o.DomaineCode = &d
	}
	for _, v := range c.Categories {
		if v != "" {
			o.Categories = append(o.Categories, v)
		}
	}
	for _, v := range c.ContractForms {
		if v != "" {
			o.ContractForms = append(o.ContractForms, v)
		}
	}
	for _, l := range c.Locations {
		l.Label = strings.TrimSpace(l.Label)
		o.Locations = append(o.Locations, Location{Zone: l.Zone, Country: l.Country, Region: l.Region,
			Departement: l.Departement, Label: l.Label, Latitude: l.Latitude, Longitude: l.Longitude})
	}
	if c.Criteria != nil {
		o.Criteria.V, o.Experience = c.Criteria.Criteria, c.Criteria.Experience
	}
	if c.Conditions != nil {
		o.Conditions.V, o.Workplace = c.Conditions.Conditions, c.Conditions.Workplace
		if c.Conditions.Management != "" {
			m := c.Conditions.Management == "AVEC"
			o.Management = &m
		}
	}
	for _, ct := range c.Contacts {
		o.Contacts.V = append(o.Contacts.V, Contact{Email: ct.Email})
	}
	p := c.Publication
	o.PublishAt, o.EndAt = &p.Start, &p.End
	o.ApplicationDeadline, o.VacancyStart = p.ApplicationDeadline, p.VacancyStart
	if err := o.Validate(); err != nil {
		if e, ok := err.(*Error); ok && e.Field != "" {
			if f, ok := csplabFields[e.Field]; ok {
				return nil, FieldError(f, e.Message)
			}
		}
		return nil, err
	}
	return o, nil
}

// checkShape checks what Offer.Validate does not know: CSPLab's own
// spellings and the fields it requires.
func (c *CSPLabOffer) checkShape() error {
	if strings.TrimSpace(c.Identification.Reference) == "" {
		return FieldError("identification.reference", "La référence de l'offre est obligatoire.")
	}
	if _, ok := csplabVersants[c.Identification.Versant]; !ok {
		return FieldError("identification.versant", "Le versant doit être FPE, FPT ou FPH.")
	}
	if d := strings.TrimSpace(c.Profession.Domaine); d != "" && !domainePattern.MatchString(d) {
		return FieldError("profession.domaine", "Le domaine fonctionnel est un code RMFP de trois lettres (ex. NUM).")
	}
	if utf8.RuneCountInString(c.Profession.Metier) > 8 {
		return FieldError("profession.metier", "Le code métier compte 8 caractères au plus.")
	}
	for _, v := range c.Categories {
		if v != "" && !oneOf(v, Categories) {
			return FieldError("categories", "Catégorie inconnue : APLUS, A, B, C ou HORS_CATEGORIE.")
		}
	}
	for _, v := range c.ContractForms {
		if v != "" && !oneOf(v, ContractForms) {
			return FieldError("forme_contrat", "Forme de contrat inconnue : CDD, CDI, PERMANENT ou VACATION.")
		}
	}
	if c.Vacancy != "" && c.Vacancy != "OUI" && c.Vacancy != "NON" {
		return FieldError("vacance_poste", "La vacance du poste vaut OUI (vacant) ou NON (susceptible d'être vacant).")
	}
	for _, l := range c.Locations {
		switch {
		case l.Zone != "" && !oneOf(l.Zone, Zones):
			return FieldError("localisation.zone_geographique", "Zone géographique inconnue : EU, AF, AM, AS, OC, AN ou MO.")
		case l.Country != "" && !countryPattern.MatchString(l.Country):
			return FieldError("localisation.pays", "Le pays est un code ISO 3166 de trois lettres majuscules (ex. FRA).")
		case tooLong(l.Label, 500):
			return FieldError("localisation.localisation_label", "Le libellé du lieu compte 500 caractères au plus.")
		case l.Latitude != nil && (*l.Latitude < -90 || *l.Latitude > 90),
			l.Longitude != nil && (*l.Longitude < -180 || *l.Longitude > 180):
			return FieldError("localisation.latitude", "La latitude va de -90 à 90 et la longitude de -180 à 180.")
		}
	}
	if c.Conditions != nil && c.Conditions.Management != "" && c.Conditions.Management != "AVEC" && c.Conditions.Management != "SANS" {
		return FieldError("conditions.management", "Le management vaut AVEC ou SANS.")
	}
	switch {
	case c.Publication.Start.IsZero():
		return FieldError("publication.debut_publication", "La date de début de publication est obligatoire.")
	case c.Publication.End.IsZero():
		return FieldError("publication.fin_publication", "La date de fin de publication est obligatoire.")
	}
	return nil
}

// NewCSPLabOffer returns the offer in CSPLab's shape; metierCode is the RMFP
// code of its métier, if any.
func NewCSPLabOffer(o *Offer, metierCode string) CSPLabOffer {
	c := CSPLabOffer{
		Identification: CSPLabIdentity{Reference: o.Reference},
		Title:          o.Title, LongTitle: o.LongTitle,
		Organisation:  CSPLabOrganisation{Name: o.OrganisationName, SIRET: o.OrganisationSIRET},
		Profession:    CSPLabProfession{Referential: "RMFPv2", Metier: metierCode},
		Categories:    append([]string{}, o.Categories...),
		ContractType:  o.ContractType,
		ContractForms: append([]string{}, o.ContractForms...),
		Vacancy:       map[bool]string{true: "OUI", false: "NON"}[o.PostVacant],
		Description:   CSPLabDescription{Mission: o.Mission, Profile: o.Profile, Employer: o.EmployerText, Complements: o.Complements},
		Locations:     []CSPLabLocation{},
		Criteria:      &CSPLabCriteria{Criteria: o.Criteria.V, Experience: o.Experience},
		Conditions:    &CSPLabConditions{Conditions: o.Conditions.V, Workplace: o.Workplace},
		Contacts:      []CSPLabContact{},
	}
	for v, code := range csplabVersants {
		if code == o.Versant {
			c.Identification.Versant = v
		}
	}
	if o.DomaineCode != nil {
		c.Profession.Domaine = *o.DomaineCode
	}
	for _, l := range o.Locations {
		c.Locations = append(c.Locations, CSPLabLocation{Zone: l.Zone, Country: l.Country, Region: l.Region,
			Departement: l.Departement, Label: l.Label, Latitude: l.Latitude, Longitude: l.Longitude})
	}
	if o.Management != nil {
		c.Conditions.Management = map[bool]string{true: "AVEC", false: "SANS"}[*o.Management]
	}
	for _, ct := range o.Contacts.V {
		c.Contacts = append(c.Contacts, CSPLabContact{Email: ct.Email})
	}
	if o.PublishAt != nil {
		c.Publication.Start = *o.PublishAt
	} else if o.PublishedAt != nil {
		c.Publication.Start = *o.PublishedAt
	}
	if o.EndAt != nil {
		c.Publication.End = *o.EndAt
	}
	c.Publication.ApplicationDeadline, c.Publication.VacancyStart = o.ApplicationDeadline, o.VacancyStart
	return c
}
