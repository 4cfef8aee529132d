package vivier

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Publication to Choisir le Service Public (CSP, CSPLab's API): an
// administration that turns it on has its published offers sent there,
// in batches of up to 100, and archived there when they close. The shape
// sent is CSPLabOffer, the one the offers API accepts; what CSP requires and
// Vivier leaves optional is checked here first, so that the recruiter reads
// why an offer did not go without a call.

// CSPBatchSize is the most offers CSP takes in one call.
const CSPBatchSize = 100

// CSPTask is the payload of both tasks.
type CSPTask struct {
	AdministrationID int64 `json:"administration_id"`
}

// CSP states of an offer.
const (
	CSPNotSent  = "not_sent"
	CSPSent     = "sent"
	CSPRejected = "rejected"
	CSPArchived = "archived"
)

// CSPSettings is an administration's publication settings. The API key
// itself is never read back out of the store but by the worker.
type CSPSettings struct {
	AdministrationID int64      `db:"administration_id"`
	Enabled          bool       `db:"enabled"`
	APIURL           string     `db:"api_url"`
	SourceID         *string    `db:"source_id"`
	KeySealed        []byte     `db:"api_key_sealed"`
	KeySetAt         *time.Time `db:"api_key_set_at"`
	AuthError        string     `db:"auth_error"`
	AuthErrorAt      *time.Time `db:"auth_error_at"`
	UpdatedAt        time.Time  `db:"updated_at"`
}

// cspKeyContext binds a sealed key to its administration.
func cspKeyContext(adminID int64) string { return "csp-api-key:" + strconv.FormatInt(adminID, 10) }

// OpenCSPKey returns the administration's API key in clear, for the worker.
func (s *CSPSettings) OpenCSPKey(box *SecretBox) (string, error) {
	if box == nil || len(s.KeySealed) == 0 {
		return "", fmt.Errorf("no CSP key for administration %d", s.AdministrationID)
	}
	return box.Open(s.KeySealed, cspKeyContext(s.AdministrationID))
}

// CSPFieldError is one reason CSP (or Vivier on its behalf) gave for
// refusing an offer: the field in CSP's terms, its French label, and the
// messages.
type CSPFieldError struct {
	Field    string   `json:"field"`
	Label    string   `json:"label"`
	Messages []string `json:"messages"`
}

// CSPOfferState is where an offer stands with CSP.
type CSPOfferState struct {
	OfferID       int64                  `db:"offer_id"`
	State         string                 `db:"state"`
	Pending       *string                `db:"pending"`
	RequestedAt   time.Time              `db:"requested_at"`
	SentReference *string                `db:"sent_reference"`
	SentAt        *time.Time             `db:"sent_at"`
	ArchivedAt    *time.Time             `db:"archived_at"`
	RejectedAt    *time.Time             `db:"rejected_at"`
	Errors        JSONB[[]CSPFieldError] `db:"errors"`
	LastError     string                 `db:"last_error"`
}

// cspFieldLabels names CSP's fields in French, for the recruiter.
var cspFieldLabels = map[string]string{
	"identification": "Identification", "identification.reference": "Référence", "identification.versant": "Versant",
	"titre": "Intitulé", "titre_long": "Intitulé long", "organisation": "Organisation", "organisation.nom": "Nom de l'organisation",
	"organisation.siret": "SIRET de l'organisation", "url_offre": "Adresse de l'offre", "url_candidature": "Adresse de candidature",
	"profession": "Métier", "profession.domaine": "Domaine fonctionnel", "profession.metier": "Métier (code RMFP)",
	"profession.code_emploi_local": "Code d'emploi local", "categories": "Catégories", "type_contrat": "Type de contrat",
	"forme_contrat": "Forme du contrat", "vacance_poste": "Vacance du poste", "description": "Description",
	"description.mission": "Missions", "description.profil": "Profil recherché", "description.employeur": "Présentation de l'employeur",
	"description.complements": "Informations complémentaires", "localisation": "Lieux de travail",
	"localisation.zone_geographique": "Zone géographique", "localisation.pays": "Pays", "localisation.region": "Région",
	"localisation.departement": "Département", "localisation.localisation_label": "Libellé du lieu",
	"localisation.latitude": "Latitude", "localisation.longitude": "Longitude", "criteres": "Critères",
	"criteres.diplome_niveau": "Niveau de diplôme", "criteres.experience": "Expérience", "criteres.diplome": "Diplôme",
	"criteres.specialisations": "Spécialités", "criteres.documents_requis": "Pièces demandées",
	"criteres.competences_requises": "Compétences", "criteres.langues": "Langues", "conditions": "Conditions",
	"conditions.salaire_titulaire": "Rémunération (titulaires)", "conditions.salaire_contractuel": "Rémunération (contractuels)",
	"conditions.temps_travail": "Temps de travail", "conditions.lieu_de_travail": "Lieu de travail (télétravail)",
	"conditions.management": "Management", "conditions.ouvert_aux_militaires": "Ouvert aux militaires",
	"conditions.bases_legales": "Bases légales", "conditions.note_ouverture_poste_url": "Note d'ouverture du poste",
	"contacts": "Contacts", "contacts.email": "Adresse électronique du contact", "publication": "Publication",
	"publication.debut_publication": "Début de publication", "publication.fin_publication": "Fin de publication",
	"publication.fin_candidature": "Date limite de candidature", "publication.debut_vacance_poste": "Début de vacance du poste",
	"": "Offre",
}

var cspIndex = regexp.MustCompile(`\[\d+\]`)

// CSPFieldLabel returns the French label of a CSP field path
// ("localisation[1].departement" is "Département").
func CSPFieldLabel(path string) string {
	if l, ok := cspFieldLabels[cspIndex.ReplaceAllString(path, "")]; ok {
		return l
	}
	return path
}

// drfMessages are the stock English messages of CSPLab's framework (Django
// REST framework), said in French; CSP's own messages are French already.
var drfMessages = []struct {
	re *regexp.Regexp
	fr string
}{
	{regexp.MustCompile(`^This field is required\.$`), "Ce champ est obligatoire."},
	{regexp.MustCompile(`^This field may not be blank\.$`), "Ce champ ne peut pas être vide."},
	{regexp.MustCompile(`^This field may not be null\.$`), "Ce champ ne peut pas être nul."},
	{regexp.MustCompile(`^Ensure this field has no more than (\d+) characters\.$`), "Ce champ compte au plus $1 caractères."},
	{regexp.MustCompile(`^Ensure this value is less than or equal to (\S+)\.$`), "La valeur est au plus $1."},
	{regexp.MustCompile(`^Ensure this value is greater than or equal to (\S+)\.$`), "La valeur est au moins $1."},
	{regexp.MustCompile(`^"(.*)" is not a valid choice\.$`), "« $1 » n'est pas une valeur acceptée."},
	{regexp.MustCompile(`^Enter a valid email address\.$`), "Saisissez une adresse électronique valide."},
	{regexp.MustCompile(`^Enter a valid URL\.$`), "Saisissez une adresse web valide."},
	{regexp.MustCompile(`^A valid integer is required\.$`), "Un nombre entier est attendu."},
	{regexp.MustCompile(`^Datetime has wrong format\..*$`), "La date n'a pas le bon format."},
}

func frenchMessage(m string) string {
	m = strings.TrimSpace(m)
	for _, d := range drfMessages {
		if d.re.MatchString(m) {
			return d.re.ReplaceAllString(m, d.fr)
		}
	}
	return m
}

// CSPErrors flattens the error object CSP returns for a rejected offer
// ({"publication": {"fin_publication": ["…"]}}, lists of messages, lists per
// location) into one entry per field, in French, sorted by field.
func CSPErrors(v any) []CSPFieldError {
	byField := map[string][]string{}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, sub := range t {
				p := k
				if path != "" && k != "non_field_errors" {
					p = path + "." + k
				} else if k == "non_field_errors" {
					p = path
				}
				walk(p, sub)
			}
		case []any:
			for i, sub := range t {
				if _, ok := sub.(string); ok {
					walk(path, sub)
				} else {
					walk(fmt.Sprintf("%s[%d]", path, i), sub)
				}
			}
		case string:
			byField[path] = append(byField[path], frenchMessage(t))
		case nil:
		default:
			byField[path] = append(byField[path], fmt.Sprint(t))
		}
	}
	walk("", v)
	out := make([]CSPFieldError, 0, len(byField))
	for f, msgs := range byField {
		out = append(out, CSPFieldError{Field: f, Label: CSPFieldLabel(f), Messages: msgs})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// NewCSPOffer returns the offer as CSP takes it, with its pages on Vivier
// (baseURL) as url_offre and url_candidature, its referential skills among
// competences_requises, and the defaults CSP's
// required fields need. The errors are what CSP requires that the offer
// lacks: it is not sent until they are fixed.
func NewCSPOffer(o *Offer, metierCode, baseURL string, skills []string) (CSPLabOffer, []CSPFieldError) {
	c := NewCSPLabOffer(o, metierCode)
	// The referential skills join the free-text ones, once each.
	seen := map[string]bool{}
	var all []string
	for _, sk := range append(append([]string{}, c.Criteria.Skills...), skills...) {
		if k := strings.ToLower(strings.TrimSpace(sk)); k != "" && !seen[k] {
			seen[k] = true
			all = append(all, sk)
		}
	}
	c.Criteria.Skills = all
	// CSPLab's offer has no field for internal mobility: the complements
	// say it, in the words the candidates read.
	if note := mobilityNote(o); note != "" && utf8.RuneCountInString(c.Description.Complements)+utf8.RuneCountInString(note)+2 <= 5000 {
		c.Description.Complements = strings.TrimSpace(note + "\n\n" + c.Description.Complements)
	}
	page := strings.TrimSuffix(baseURL, "/") + "/offres/" + strconv.FormatInt(o.ID, 10)
	apply := page + "/postuler"
	c.OfferURL, c.ApplicationURL = &page, &apply
	if c.Conditions.WorkingTime == "" {
		c.Conditions.WorkingTime = "NON_DEFINI"
	}
	if c.Conditions.Workplace == "" {
		c.Conditions.Workplace = "NON_DEFINI"
	}
	for i := range c.Locations {
		l := &c.Locations[i]
		if l.Country == "" {
			l.Country = "FRA"
		}
		if l.Zone == "" && l.Country == "FRA" {
			l.Zone = "EU"
		}
	}
	var errs []CSPFieldError
	need := func(field, msg string) {
		errs = append(errs, CSPFieldError{Field: field, Label: CSPFieldLabel(field), Messages: []string{msg}})
	}
	if c.ContractType == "" {
		need("type_contrat", "Choisir le Service Public exige le type de contrat : choisissez-le dans l'offre.")
	}
	if o.EndAt == nil {
		need("publication.fin_publication", "Choisir le Service Public exige une date de fin de publication : indiquez-la dans l'offre.")
	}
	if c.Publication.Start.IsZero() {
		need("publication.debut_publication", "Choisir le Service Public exige une date de début de publication.")
	}
	for i, l := range c.Locations {
		if l.Zone == "" {
			need(fmt.Sprintf("localisation[%d].zone_geographique", i), "Indiquez la zone géographique de ce lieu hors de France.")
		}
	}
	return c, errs
}

// mobilityNote is what CSP's readers are told of an offer's opening to
// public agents.
func mobilityNote(o *Offer) string {
	switch {
	case o.ReservedToAgents:
		return "Offre réservée aux agents publics (mobilité interne) : candidature depuis l'espace mobilité de Vivier."
	case o.OpenToInternal:
		return "Offre ouverte à la mobilité interne des agents publics."
	}
	return ""
}
