package vivier

import (
	"strconv"
	"strings"
	"time"
)

// The licence of the open data: every answer of the feed states it.
const (
	OpenDataLicenceID    = "etalab-2.0"
	OpenDataLicenceTitle = "Licence Ouverte / Open Licence version 2.0"
	OpenDataLicenceURL   = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
)

// OpenDataField is one column of the open-data CSV files, as a Table Schema
// field (frictionless tableschema): the API serves the schema from this list
// and the /donnees page documents the columns from it, so the three cannot
// disagree.
type OpenDataField struct {
	Name        string   `json:"name"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Type        string   `json:"type"`
	Format      string   `json:"format,omitempty"`
	Example     string   `json:"example,omitempty"`
	Required    bool     `json:"-"`
	Enum        []string `json:"-"`
	Pattern     string   `json:"-"`
}

// The values of the statut, evenement and motif columns.
const (
	OpenStatusPublished = "publiee"
	OpenStatusClosed    = "cloturee"
	OpenEventOffer      = "offre"
	OpenEventTombstone  = "suppression"
)

// Tombstone reasons: why an offer left the public site.
var OpenTombstoneReasons = []string{"archivee", "en_validation", "depubliee", "supprimee"}

// OfferFields are the columns of /api/v1/donnees/offres.csv, in order.
var OfferFields = []OpenDataField{
	{Name: "id", Title: "Identifiant", Description: "Identifiant de l'offre sur Vivier, stable.", Type: "integer", Required: true, Example: "1042"},
	{Name: "url", Title: "Adresse de l'offre", Description: "Page publique de l'offre.", Type: "string", Format: "uri", Required: true, Example: "https://vivier.example/offres/1042"},
	{Name: "reference", Title: "Référence", Description: "Référence de l'offre chez son employeur.", Type: "string", Example: "DRH-2027-014"},
	{Name: "statut", Title: "Statut", Description: "publiee : ouverte aux candidatures ; cloturee : visible, mais ne reçoit plus de candidatures.", Type: "string", Required: true, Enum: []string{OpenStatusPublished, OpenStatusClosed}, Example: "publiee"},
	{Name: "type", Title: "Type d'offre", Description: "emploi, concours, stage ou apprentissage.", Type: "string", Required: true, Enum: []string{string(KindEmploi), string(KindConcours), string(KindStage), string(KindApprentissage)}, Example: "emploi"},
	{Name: "titre", Title: "Intitulé", Description: "Intitulé du poste.", Type: "string", Required: true, Example: "Chargé·e d'études statistiques"},
	{Name: "versant", Title: "Versant", Description: "Versant de la fonction publique : etat, territoriale ou hospitaliere.", Type: "string", Required: true, Enum: []string{string(VersantEtat), string(VersantTerritoriale), string(VersantHospitaliere)}, Example: "etat"},
	{Name: "employeur", Title: "Employeur", Description: "Administration qui publie l'offre.", Type: "string", Required: true, Example: "Ministère de démonstration"},
	{Name: "organisation", Title: "Organisme de rattachement", Description: "Service ou établissement où s'exerce le poste, s'il est précisé.", Type: "string"},
	{Name: "siret", Title: "SIRET", Description: "SIRET de l'organisme de rattachement (14 chiffres), s'il est donné.", Type: "string", Pattern: `^[0-9]{14}$`, Example: "11000201100044"},
	{Name: "domaine", Title: "Domaine fonctionnel", Description: "Code du domaine fonctionnel du Répertoire des métiers de la fonction publique (RMFP).", Type: "string", Example: "STA"},
	{Name: "metier", Title: "Métier", Description: "Code du métier au RMFP, s'il est connu.", Type: "string"},
	{Name: "categories", Title: "Catégories", Description: "Catégories statutaires, séparées par des points-virgules : APLUS, A, B, C, HORS_CATEGORIE.", Type: "string", Example: "A;B"},
	{Name: "type_contrat", Title: "Type de contrat", Description: "TITULAIRE_CONTRACTUEL, CONTRACTUELS ou TERRITORIAL (nomenclature de Choisir le service public).", Type: "string"},
	{Name: "formes_contrat", Title: "Formes de contrat", Description: "CDD, CDI, PERMANENT ou VACATION, séparées par des points-virgules.", Type: "string", Example: "CDD;CDI"},
	{Name: "lieu_travail", Title: "Lieu de travail", Description: "NON_DEFINI, SUR_SITE ou TELETRAVAIL.", Type: "string", Enum: Workplaces, Example: "SUR_SITE"},
	{Name: "experience", Title: "Expérience attendue", Description: "DEBUTANT, CONFIRME ou EXPERT, si elle est précisée.", Type: "string"},
	{Name: "regions", Title: "Régions", Description: "Codes INSEE des régions des lieux de travail, séparés par des points-virgules.", Type: "string", Example: "11"},
	{Name: "departements", Title: "Départements", Description: "Codes INSEE des départements des lieux de travail, séparés par des points-virgules.", Type: "string", Example: "75;92"},
	{Name: "lieux", Title: "Lieux", Description: "Libellés des lieux de travail, séparés par des points-virgules.", Type: "string", Example: "Paris"},
	{Name: "salaire_titulaire", Title: "Rémunération (titulaires)", Description: "Rémunération annoncée aux titulaires, en texte libre.", Type: "string"},
	{Name: "salaire_contractuel", Title: "Rémunération (contractuels)", Description: "Rémunération annoncée aux contractuels, en texte libre.", Type: "string"},
	{Name: "date_publication", Title: "Date de publication", Description: "Première mise en ligne, en UTC.", Type: "datetime", Format: "default", Example: "2027-01-15T09:30:00Z"},
	{Name: "fin_publication", Title: "Fin de publication", Description: "Date où l'offre sera clôturée d'elle-même, si elle est fixée (UTC).", Type: "datetime", Format: "default"},
	{Name: "date_limite_candidature", Title: "Date limite de candidature", Description: "Si elle est fixée (UTC).", Type: "datetime", Format: "default"},
	{Name: "date_cloture", Title: "Date de clôture", Description: "Quand l'offre a été clôturée (UTC), pour une offre cloturee.", Type: "datetime", Format: "default"},
	{Name: "modifiee_le", Title: "Dernière modification", Description: "Dernière modification de l'offre (UTC).", Type: "datetime", Format: "default", Required: true, Example: "2027-01-16T14:02:11Z"},
}

// ChangeFields are the columns of /api/v1/donnees/modifications.csv: the
// change's event, its reason and cursor, then the offer's columns (empty on
// a tombstone but for id).
var ChangeFields = append([]OpenDataField{
	{Name: "evenement", Title: "Événement", Description: "offre : l'offre est sur le site, telle que décrite par la ligne (créée, modifiée ou clôturée) ; suppression : l'offre n'est plus sur le site, retirez-la de votre copie.", Type: "string", Required: true, Enum: []string{OpenEventOffer, OpenEventTombstone}, Example: "offre"},
	{Name: "motif", Title: "Motif de suppression", Description: "Pour une suppression : archivee, en_validation (repassée en validation), depubliee (repassée en brouillon) ou supprimee.", Type: "string", Enum: OpenTombstoneReasons, Example: "archivee"},
	{Name: "curseur", Title: "Curseur", Description: "Valeur à passer au paramètre apres pour reprendre le flux juste après cette ligne.", Type: "string", Required: true},
}, changeOfferFields()...)

// changeOfferFields are the offer's columns in the change feed: on a
// tombstone only id is filled, so nothing else is required there.
func changeOfferFields() []OpenDataField {
	out := make([]OpenDataField, len(OfferFields))
	for i, f := range OfferFields {
		f.Required = f.Required && f.Name == "id"
		out[i] = f
	}
	return out
}

// OpenOffer is an offer as the open data shows it: what the CSV columns need.
type OpenOffer struct {
	Offer      *Offer
	URL        string
	Employer   string
	MetierCode string
	Status     string // OpenStatusPublished or OpenStatusClosed
}

// OpenDataStatus says how an offer of this status is on the public site:
// "publiee", "cloturee", or "" when it is not there.
func OpenDataStatus(s OfferStatus) string {
	switch s {
	case OfferPublished:
		return OpenStatusPublished
	case OfferClosed:
		return OpenStatusClosed
	}
	return ""
}

// CSVRow is the offer as a row of OfferFields.
func (o OpenOffer) CSVRow() []string {
	f := o.Offer
	var regions, deps, places []string
	for _, l := range f.Locations {
		regions = appendNew(regions, l.Region)
		deps = appendNew(deps, l.Departement)
		places = appendNew(places, l.Label)
	}
	var domaine string
	if f.DomaineCode != nil {
		domaine = *f.DomaineCode
	}
	k := f.Conditions.V
	return []string{
		strconv.FormatInt(f.ID, 10), o.URL, f.Reference, o.Status, string(f.Kind), f.Title, string(f.Versant), o.Employer,
		f.OrganisationName, f.OrganisationSIRET, domaine, o.MetierCode, strings.Join(f.Categories, ";"), f.ContractType,
		strings.Join(f.ContractForms, ";"), f.Workplace, f.Experience, strings.Join(regions, ";"), strings.Join(deps, ";"),
		strings.Join(places, ";"), k.SalaryTitulaire, k.SalaryContractuel, csvTime(f.PublishedAt), csvTime(f.EndAt),
		csvTime(f.ApplicationDeadline), csvTime(f.ClosedAt), csvTime(&f.UpdatedAt),
	}
}

func appendNew(list []string, v string) []string {
	if v == "" {
		return list
	}
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

func csvTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
