package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// offerPage is an offer's editor, with its publication moves and its state
// on Choisir le Service Public.
type offerPage struct {
	templates.Page
	Offer      *vivier.Offer
	Form       *offerFormView
	Summary    []summaryItem // the refused form's errors, in the form's order
	CanEdit    bool
	CanPublish bool
	Moves      []vivier.OfferStatus // the statuses the offer may move to
	CSP        *cspView
	Validation *vivier.OfferValidation // nil for a new offer
	// SubstantiveFields are the fields whose change sends a validated offer
	// back to validation (said above the form's button).
	SubstantiveFields string

	// The choices of the form's lists.
	Kinds                                       []struct{ Value, Label string }
	Domaines                                    []vivier.Domaine
	Departements                                []vivier.Departement
	Metiers                                     []vivier.Metier
	SkillFamilies                               []skillFamily
	Categories, ContractTypes, ContractForms    []string
	Workplaces, Experiences                     []string
	Modalities, Languages                       []codeLabel
	LanguageLevels, WorkingTimes, QuestionKinds []string
	DiplomaLevels                               []int
	DiplomaLabels                               map[int]string
	WorkingTimeLabels, QuestionKindLabels       map[string]string
}

// codeLabel is a choice of a list: the code sent, the label shown.
type codeLabel struct{ Code, Label string }

type skillFamily struct {
	Family string
	Skills []vivier.Competence
}

// offerForm renders the offer's editor; fields are the errors to show next
// to their fields and, in order, in the summary at the top.
func (h *Handler) offerForm(c *fiber.Ctx, status int, o *vivier.Offer, fields map[string]string) error {
	ctx := c.UserContext()
	domaines, err := h.Store.Domaines(ctx)
	if err != nil {
		return err
	}
	deps, err := h.Store.Departements(ctx)
	if err != nil {
		return err
	}
	skills, err := h.Store.Competences(ctx, false)
	if err != nil {
		return err
	}
	allMetiers, err := h.Store.Metiers(ctx, false)
	if err != nil {
		return err
	}
	var metiers []vivier.Metier
	for _, m := range allMetiers {
		if m.Active || (o.MetierID != nil && *o.MetierID == m.ID) {
			metiers = append(metiers, m)
		}
	}
	form := offerFormValues(o)
	selected := form.Selected
	// Deactivated skills are offered no more, but stay on the offers that
	// have them.
	var families []skillFamily
	for _, s := range skills {
		if !s.Active && !selected["skill:"+strconv.FormatInt(s.ID, 10)] {
			continue
		}
		if len(families) == 0 || families[len(families)-1].Family != s.Family {
			families = append(families, skillFamily{Family: s.Family})
		}
		f := &families[len(families)-1]
		f.Skills = append(f.Skills, s)
	}
	raw := form.raw()
	for f := range fields {
		if dst, ok := raw[f]; ok {
			*dst = c.FormValue(f)
		}
	}
	var modalities []codeLabel
	for _, m := range vivier.AccessModalities {
		modalities = append(modalities, codeLabel{m, vivier.AccessModalityLabels[m]})
	}
	var languages []codeLabel
	for _, l := range vivier.LanguageCodes {
		languages = append(languages, codeLabel{l, vivier.LanguageNames[l]})
	}
	p := &offerPage{Offer: o, Kinds: offerKinds, Domaines: domaines, Departements: deps,
		Categories: vivier.Categories, ContractTypes: vivier.ContractTypes, ContractForms: vivier.ContractForms,
		Workplaces: vivier.Workplaces, Experiences: vivier.Experiences,
		CanEdit: h.can(c, policies.OffersEdit), CanPublish: h.can(c, policies.OffersPublish), Form: form,
		SkillFamilies: families, Metiers: metiers, Modalities: modalities, Languages: languages, LanguageLevels: vivier.LanguageLevels,
		DiplomaLevels: []int{1, 2, 3, 4, 5, 6, 7, 8}, DiplomaLabels: vivier.DiplomaLevelLabels,
		WorkingTimes: vivier.WorkingTimes, WorkingTimeLabels: vivier.WorkingTimeLabels,
		QuestionKinds: vivier.QuestionKinds, QuestionKindLabels: vivier.QuestionKindLabels}
	p.RefuseFields("", fields)
	if len(fields) > 0 {
		p.Summary = errorSummary(fields)
	}
	if p.CSP, err = h.cspView(c, o); err != nil {
		return err
	}
	if o.ID != 0 {
		if p.Validation, err = h.Store.OfferValidation(ctx, o.AdministrationID, o.ID); err != nil {
			return err
		}
		p.Moves = p.Validation.Moves(o.Status, offerStatuses)
		p.SubstantiveFields = vivier.SubstantiveFields
	}
	return h.page(c, status, "admin/offer", p)
}
