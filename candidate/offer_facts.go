package candidate

import (
	"strings"

	"vivier"
)

// offerFact is one line of the summary an offer page opens with.
type offerFact struct {
	Label, Value string
	URL          string // the employer's page, when it has one
}

var contractFormLabels = map[string]string{"CDD": "CDD", "CDI": "CDI", "PERMANENT": "emploi permanent", "VACATION": "vacation"}

// offerFacts is what a candidate on a phone decides on before reading on:
// who, where, what kind and contract, catégorie, pay when given, until
// when, and remote work.
func offerFacts(o *vivier.Offer, adm *vivier.Administration, kind, brandURL string) []offerFact {
	var facts []offerFact
	add := func(label, value string) {
		if value != "" {
			facts = append(facts, offerFact{Label: label, Value: value})
		}
	}
	employer := adm.Name
	if o.OrganisationName != "" {
		employer = o.OrganisationName
	}
	facts = append(facts, offerFact{Label: "Employeur", Value: employer, URL: brandURL})
	var places []string
	for _, l := range o.Locations {
		if l.Label != "" {
			places = append(places, l.Label)
		}
	}
	label := "Lieu"
	if len(places) > 1 {
		label = "Lieux"
	}
	add(label, strings.Join(places, ", "))
	contract := []string{kind}
	if l := contratLabels[o.ContractType]; l != "" {
		contract = append(contract, strings.ToLower(l[:1])+l[1:])
	}
	for _, f := range o.ContractForms {
		if l := contractFormLabels[f]; l != "" {
			contract = append(contract, l)
		}
	}
	add("Type et contrat", strings.Join(contract, " · "))
	var cats []string
	for _, c := range o.Categories {
		cats = append(cats, categorieLabels[c])
	}
	add("Catégorie", strings.Join(cats, ", "))
	c := o.Conditions.V
	switch {
	case c.SalaryTitulaire != "" && c.SalaryContractuel != "" && c.SalaryTitulaire != c.SalaryContractuel:
		add("Rémunération", "titulaire : "+c.SalaryTitulaire+" ; contractuel : "+c.SalaryContractuel)
	case c.SalaryTitulaire != "":
		add("Rémunération", c.SalaryTitulaire)
	default:
		add("Rémunération", c.SalaryContractuel)
	}
	if o.EndAt != nil {
		add("Date limite de candidature", o.EndAt.In(vivier.Paris()).Format("02/01/2006"))
	}
	switch o.Workplace {
	case "TELETRAVAIL":
		add("Télétravail", "possible")
	case "SUR_SITE":
		add("Télétravail", "non, sur site")
	}
	return facts
}
