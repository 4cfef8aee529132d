package admin

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"vivier"
	"vivier/templates"
)

// The offer form works without JavaScript: repeatable blocks (languages,
// contacts, questions) come with a few blank rows, a row left blank is
// dropped, and the blocks proper to concours and stages are shown once the
// offer has that kind.

const (
	// dateLayout is the value of an <input type="datetime-local">, in Paris time.
	dateLayout = "2006-01-02T15:04"
	// dayLayout is the value of an <input type="date">; days are kept as
	// midnight UTC.
	dayLayout = "2006-01-02"
	maxRows   = 30 // repeatable rows read from one form
)

// readOfferForm copies the form into o and returns the errors of fields
// that do not parse; the domain checks the rest.
func readOfferForm(c *fiber.Ctx, o *vivier.Offer, resolve func(field, typed string) (*vivier.Commune, error)) (map[string]string, error) {
	fields := map[string]string{}
	args := c.Request().PostArgs()
	text := func(name string) string { return strings.TrimSpace(string(args.Peek(name))) }
	o.Kind = vivier.OfferKind(text("kind"))
	o.Reference = text("reference")
	o.Title = text("title")
	o.Versant = vivier.Versant(text("versant"))
	o.OrganisationName = text("organisation_name")
	o.DomaineCode = nil
	if d := text("domaine"); d != "" {
		o.DomaineCode = &d
	}
	o.MetierID = nil
	if v := text("metier"); v != "" {
		if id, ok := templates.ParseID(v); ok {
			o.MetierID = &id
		} else {
			fields["metier"] = "Choisissez un métier dans la liste."
		}
	}
	o.Categories = multi(args, "categories")
	o.ContractForms = multi(args, "contract_forms")
	o.ContractType = text("contract_type")
	o.Mission = string(args.Peek("mission"))
	o.Profile = string(args.Peek("profile"))
	o.EmployerText = string(args.Peek("employer_text"))
	o.Workplace = text("workplace")
	o.Experience = text("experience")
	o.CVPolicy = text("cv_policy")
	o.LetterPolicy = text("letter_policy")
	o.OpenToInternal = args.Has("open_to_internal")
	o.OpenToContractuals = args.Has("open_to_contractuals")
	reserved := args.Has("reserved_to_agents")
	o.ReserveToAgents = &reserved
	for name, dst := range map[string]**time.Time{"publish_at": &o.PublishAt, "end_at": &o.EndAt} {
		*dst = readTime(fields, name, text(name), dateLayout, "Date et heure au format JJ/MM/AAAA HH:MM.")
	}
	o.CompetenceIDs = []int64{}
	for _, v := range multi(args, "competences") {
		id, ok := templates.ParseID(v)
		if !ok {
			fields["competences"] = "Choisissez les compétences dans la liste."
			continue
		}
		o.CompetenceIDs = append(o.CompetenceIDs, id)
	}
	readCriteria(args, text, fields, &o.Criteria.V)
	readConditions(text, fields, &o.Conditions.V, string(args.Peek("conditions_complements")), string(args.Peek("bases_legales")))
	readContacts(args, text, o)
	// A block absent from the form (the offer had another kind) is kept.
	if args.Has("nor") {
		readConcours(args, text, fields, &o.Details.V)
	}
	if args.Has("duree") {
		readStage(text, fields, &o.Details.V)
	}
	readQuestions(args, text, o)
	return fields, readPlaces(args, fields, o, resolve)
}

func multi(args *fasthttp.Args, name string) []string {
	var out []string
	for _, v := range args.PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}

// lines splits a textarea into its non-blank lines.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func readTime(fields map[string]string, name, v, layout, msg string) *time.Time {
	if v == "" {
		return nil
	}
	loc := time.UTC
	if layout == dateLayout {
		loc = vivier.Paris()
	}
	t, err := time.ParseInLocation(layout, v, loc)
	if err != nil {
		fields[name] = msg
		return nil
	}
	return &t
}

func readDay(fields map[string]string, name, v string) *time.Time {
	return readTime(fields, name, v, dayLayout, "Date au format JJ/MM/AAAA.")
}

func readInt(fields map[string]string, name, v, msg string) int {
	if v == "" {
		return 0
	}
	n, ok := templates.ParseCount(v)
	if !ok {
		fields[name] = msg
	}
	return n
}

func readCriteria(args *fasthttp.Args, text func(string) string, fields map[string]string, k *vivier.Criteria) {
	k.DiplomaLevel = readInt(fields, "diplome_niveau", text("diplome_niveau"), "Choisissez un niveau de diplôme dans la liste.")
	k.Diploma = text("diplome")
	k.Specialisations = lines(string(args.Peek("specialisations")))
	k.RequiredDocuments = lines(string(args.Peek("documents_requis")))
	k.Skills = lines(string(args.Peek("competences_requises")))
	k.Languages = nil
	for i := 0; i < maxRows && args.Has(fmt.Sprintf("langue_code_%d", i)); i++ {
		code, level := text(fmt.Sprintf("langue_code_%d", i)), text(fmt.Sprintf("langue_niveau_%d", i))
		if code != "" || level != "" {
			k.Languages = append(k.Languages, vivier.Language{ISOCode: code, Level: level})
		}
	}
}

func readConditions(text func(string) string, fields map[string]string, k *vivier.Conditions, complements, legal string) {
	k.SalaryTitulaire = text("salaire_titulaire")
	k.SalaryContractuel = text("salaire_contractuel")
	k.ContractStart = readDay(fields, "debut_contrat", text("debut_contrat"))
	k.ContractEnd = readDay(fields, "fin_contrat", text("fin_contrat"))
	k.ContractDuration = text("duree_contrat")
	k.WorkingTime = text("temps_travail")
	k.OpenToMilitary = text("ouvert_aux_militaires")
	k.Complements = strings.TrimSpace(complements)
	k.LegalBases = strings.TrimSpace(legal)
	k.OpeningNoteURL = text("note_ouverture_poste_url")
}

func readContacts(args *fasthttp.Args, text func(string) string, o *vivier.Offer) {
	o.Contacts.V = nil
	for i := 0; i < maxRows && args.Has(fmt.Sprintf("contact_email_%d", i)); i++ {
		ct := vivier.Contact{Name: text(fmt.Sprintf("contact_nom_%d", i)), Role: text(fmt.Sprintf("contact_fonction_%d", i)),
			Email: text(fmt.Sprintf("contact_email_%d", i)), Phone: text(fmt.Sprintf("contact_telephone_%d", i))}
		if ct != (vivier.Contact{}) {
			o.Contacts.V = append(o.Contacts.V, ct)
		}
	}
}

func readConcours(args *fasthttp.Args, text func(string) string, fields map[string]string, d *vivier.Details) {
	d.NOR, d.Corps, d.Grade, d.Ministry = text("nor"), text("corps"), text("grade"), text("ministere")
	d.AccessModalities = multi(args, "modalites_acces")
	d.RegistrationOpens = readDay(fields, "ouverture_inscriptions", text("ouverture_inscriptions"))
	d.RegistrationCloses = readDay(fields, "cloture_inscriptions", text("cloture_inscriptions"))
	d.ExamDates = text("dates_epreuves")
	d.Posts = readInt(fields, "nombre_postes", text("nombre_postes"), "Le nombre de postes est un nombre entier.")
}

func readStage(text func(string) string, fields map[string]string, d *vivier.Details) {
	d.Duration, d.Gratification, d.StudyLevel = text("duree"), text("gratification"), text("niveau_etudes")
	d.Start = readDay(fields, "date_debut", text("date_debut"))
	d.WeeklyHours = readInt(fields, "heures_hebdomadaires", text("heures_hebdomadaires"), "La durée hebdomadaire est un nombre entier d'heures.")
}

func readQuestions(args *fasthttp.Args, text func(string) string, o *vivier.Offer) {
	o.Questions.V = nil
	for i := 0; i < maxRows && args.Has(fmt.Sprintf("question_label_%d", i)); i++ {
		q := vivier.Question{ID: text(fmt.Sprintf("question_id_%d", i)), Label: text(fmt.Sprintf("question_label_%d", i)),
			Kind: text(fmt.Sprintf("question_kind_%d", i)), Required: args.Has(fmt.Sprintf("question_required_%d", i))}
		if q.Label == "" {
			continue // emptying the label removes the question
		}
		if q.Kind == "choice" {
			q.Choices = lines(string(args.Peek(fmt.Sprintf("question_choices_%d", i))))
		}
		o.Questions.V = append(o.Questions.V, q)
	}
}

// fieldOrder is the order of the fields in the form, for the error summary;
// each error links to the element of that id.
var fieldOrder = []string{"kind", "title", "reference", "versant", "domaine", "metier", "organisation_siret", "categories", "contract_type",
	"contract_forms", "mission", "employer_text", "complements", "departement", "workplace", "experience",
	"diplome_niveau", "diplome", "langues", "salaire", "salaire_titulaire", "debut_contrat", "fin_contrat", "duree_contrat", "temps_travail",
	"ouvert_aux_militaires", "bases_legales", "note_ouverture_poste_url", "contacts", "nor", "corps", "modalites_acces",
	"ouverture_inscriptions", "cloture_inscriptions", "nombre_postes", "duree", "date_debut", "heures_hebdomadaires",
	"competences", "cv_policy", "questions", "publish_at", "end_at"}

// fieldAnchors maps an error's field to the id of the element it is about,
// where they differ.
var fieldAnchors = map[string]string{"salaire": "salaire_titulaire"}

type summaryItem struct{ Anchor, Message string }

// errorSummary lists the errors in the order of the form.
func errorSummary(fields map[string]string) []summaryItem {
	rank := map[string]int{}
	for i, f := range fieldOrder {
		rank[f] = i + 1
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Slice(names, func(i, j int) bool {
		ri, rj := rank[names[i]], rank[names[j]]
		if ri == 0 || rj == 0 || ri == rj {
			return ri > rj || (ri == rj && names[i] < names[j])
		}
		return ri < rj
	})
	var out []summaryItem
	for _, f := range names {
		anchor := f
		if a, ok := fieldAnchors[f]; ok {
			anchor = a
		}
		out = append(out, summaryItem{Anchor: anchor, Message: fields[f]})
	}
	return out
}

func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(dayLayout)
}

// offerFormView is what the offer's inputs show that the offer does not
// hold as text: choices ticked, dates and numbers written out, and the
// repeatable blocks' rows with blank ones to fill in.
type offerFormView struct {
	Selected map[string]bool // "cat:A", "form:CDD", "mod:EXTERNE", "skill:12"
	Domaine  string
	Metier   int64
	Places   []placeRow
	// One item a line.
	Specialisations, Documents, Skills string
	// Written out, or as typed when a refused form's value did not parse
	// (raw).
	ContractStart, ContractEnd, RegistrationOpens, RegistrationCloses, Start string
	PublishAt, EndAt                                                         string
	Posts, WeeklyHours                                                       string
	Concours, Stage                                                          bool // the kind's blocks are shown
	Languages                                                                []langRow
	Contacts                                                                 []contactRow
	Questions                                                                []questionRow
}

// raw names the inputs shown back as typed when they do not parse, by the
// input's name.
func (v *offerFormView) raw() map[string]*string {
	return map[string]*string{"nombre_postes": &v.Posts, "heures_hebdomadaires": &v.WeeklyHours,
		"debut_contrat": &v.ContractStart, "fin_contrat": &v.ContractEnd, "ouverture_inscriptions": &v.RegistrationOpens,
		"cloture_inscriptions": &v.RegistrationCloses, "date_debut": &v.Start, "publish_at": &v.PublishAt, "end_at": &v.EndAt}
}

// Rows carry their index (in the inputs' names) and their number (in the
// labels).
type langRow struct {
	vivier.Language
	I, N int
}

type contactRow struct {
	vivier.Contact
	I, N int
}

type questionRow struct {
	vivier.Question
	Choices string
	I, N    int
}

// offerFormValues prepares what the form shows of an offer, with the blank
// rows of the repeatable blocks.
func offerFormValues(o *vivier.Offer) *offerFormView {
	selected := map[string]bool{}
	for _, v := range o.Categories {
		selected["cat:"+v] = true
	}
	for _, v := range o.ContractForms {
		selected["form:"+v] = true
	}
	for _, v := range o.Details.V.AccessModalities {
		selected["mod:"+v] = true
	}
	for _, id := range o.CompetenceIDs {
		selected["skill:"+strconv.FormatInt(id, 10)] = true
	}
	k, cond, d := o.Criteria.V, o.Conditions.V, o.Details.V
	m := &offerFormView{Selected: selected,
		Specialisations: strings.Join(k.Specialisations, "\n"), Documents: strings.Join(k.RequiredDocuments, "\n"),
		Skills: strings.Join(k.Skills, "\n"), ContractStart: day(cond.ContractStart), ContractEnd: day(cond.ContractEnd),
		RegistrationOpens: day(d.RegistrationOpens), RegistrationCloses: day(d.RegistrationCloses), Start: day(d.Start),
		Concours: o.Kind == vivier.KindConcours, Stage: o.Kind == vivier.KindStage || o.Kind == vivier.KindApprentissage}
	if d.Posts != 0 {
		m.Posts = strconv.Itoa(d.Posts)
	}
	if d.WeeklyHours != 0 {
		m.WeeklyHours = strconv.Itoa(d.WeeklyHours)
	}
	var langs []langRow
	for i, l := range append(append([]vivier.Language{}, k.Languages...), make([]vivier.Language, 2)...) {
		langs = append(langs, langRow{Language: l, I: i, N: i + 1})
	}
	var contacts []contactRow
	for i, ct := range append(append([]vivier.Contact{}, o.Contacts.V...), make([]vivier.Contact, 2)...) {
		contacts = append(contacts, contactRow{Contact: ct, I: i, N: i + 1})
	}
	var qs []questionRow
	for i, q := range append(append([]vivier.Question{}, o.Questions.V...), make([]vivier.Question, 3)...) {
		if q.Kind == "" {
			q.Kind = "short"
		}
		qs = append(qs, questionRow{Question: q, Choices: strings.Join(q.Choices, "\n"), I: i, N: i + 1})
	}
	m.Languages, m.Contacts, m.Questions = langs, contacts, qs
	if o.DomaineCode != nil {
		m.Domaine = *o.DomaineCode
	}
	if o.MetierID != nil {
		m.Metier = *o.MetierID
	}
	m.Places = placeRows(o)
	for _, t := range []struct {
		at  *time.Time
		dst *string
	}{{o.PublishAt, &m.PublishAt}, {o.EndAt, &m.EndAt}} {
		if t.at != nil {
			*t.dst = t.at.In(vivier.Paris()).Format(dateLayout)
		}
	}
	return m
}
