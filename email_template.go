package vivier

import (
	"html"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Email templates that recruiters write. Their variables ({{prenom}}, …)
// are replaced as plain text, never run as a Go template: a recruiter's text
// or a candidate's name cannot reach the template engine. The HTML part
// escapes the result, so "<b>" in a name shows as typed.

// TemplateEvent is what an email template is for.
type TemplateEvent string

// The events an administration may write its own email for.
const (
	EventReceived    TemplateEvent = "recue"
	EventRefusal     TemplateEvent = "refus"
	EventInterview   TemplateEvent = "entretien"
	EventProposition TemplateEvent = "proposition"
	EventMessage     TemplateEvent = "message"
)

// TemplateEvents lists the events in the order the screen shows them.
var TemplateEvents = []TemplateEvent{EventReceived, EventRefusal, EventInterview, EventProposition, EventMessage}

// Label names the event for recruiters.
func (e TemplateEvent) Label() string {
	return map[TemplateEvent]string{
		EventReceived:    "Candidature reçue",
		EventRefusal:     "Refus",
		EventInterview:   "Invitation à un entretien",
		EventProposition: "Proposition (candidature retenue)",
		EventMessage:     "Message libre",
	}[e]
}

// ParseTemplateEvent reads an event from a URL.
func ParseTemplateEvent(s string) (TemplateEvent, error) {
	for _, e := range TemplateEvents {
		if string(e) == s {
			return e, nil
		}
	}
	return "", Errorf(ENOTFOUND, "Modèle de courriel introuvable.")
}

// TemplateVariables are the variables a template may use, with what they
// hold.
var TemplateVariables = []struct{ Name, Help string }{
	{"prenom", "prénom de la personne candidate"},
	{"nom", "nom de la personne candidate"},
	{"offre", "intitulé de l'offre (« candidature spontanée » sinon)"},
	{"administration", "nom de l'administration"},
	{"lien_suivi", "lien vers l'espace de suivi de la personne candidate"},
	{"date_entretien", "date et heure de l'entretien"},
	{"lieu_entretien", "lieu ou lien de visioconférence de l'entretien"},
	{"duree_entretien", "durée de l'entretien"},
	{"motif", "motif du refus, en mots choisis pour la personne candidate"},
	{"message", "message écrit par le recruteur"},
}

// EmailTemplate is an administration's email for one event, or the
// platform's default when Custom is false.
type EmailTemplate struct {
	Event   TemplateEvent
	Subject string
	Body    string
	Custom  bool
}

// defaultTemplates are the platform's defaults, reviewed in git.
var defaultTemplates = map[TemplateEvent][2]string{
	EventReceived: {"Votre candidature à {{administration}} est bien reçue",
		"Bonjour {{prenom}},\n\n{{administration}} a bien reçu votre candidature ({{offre}}).\n\n" +
			"Suivez-la à tout moment depuis votre espace personnel (lien personnel, ne le transférez pas) :\n{{lien_suivi}}"},
	EventRefusal: {"Votre candidature ({{offre}}) : non retenue",
		"Bonjour {{prenom}},\n\nNous vous remercions de l'intérêt que vous portez à {{administration}} et du temps consacré à votre candidature ({{offre}}).\n\n" +
			"Après un examen attentif, nous sommes au regret de vous informer qu'elle n'a pas été retenue. {{motif}}\n\n" +
			"Nous vous souhaitons une pleine réussite dans vos recherches."},
	EventInterview: {"Invitation à un entretien : {{offre}}",
		"Bonjour {{prenom}},\n\n{{administration}} vous invite à un entretien pour votre candidature ({{offre}}) :\n\n" +
			"le {{date_entretien}}, durée {{duree_entretien}}\n{{lieu_entretien}}\n\n{{message}}\n\n" +
			"Acceptez ce créneau ou demandez-en un autre depuis votre espace de suivi :\n{{lien_suivi}}\n\n" +
			"L'invitation est jointe à ce courriel pour votre agenda."},
	EventProposition: {"Votre candidature ({{offre}}) est retenue",
		"Bonjour {{prenom}},\n\nBonne nouvelle : {{administration}} retient votre candidature ({{offre}}).\n\n" +
			"Le service recrutement vous contactera pour la suite."},
	EventMessage: {"Votre candidature ({{offre}}) : un message de {{administration}}",
		"Bonjour {{prenom}},\n\n{{message}}\n\nSuivez votre candidature : {{lien_suivi}}"},
}

// DefaultEmailTemplate returns the platform's template for an event.
func DefaultEmailTemplate(e TemplateEvent) EmailTemplate {
	d := defaultTemplates[e]
	return EmailTemplate{Event: e, Subject: d[0], Body: d[1]}
}

var templateVar = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// Validate checks a template a recruiter wrote: lengths, and only known
// variables, so that a typo is caught on saving rather than mailed as is.
func (t *EmailTemplate) Validate() error {
	var errs FormErrors
	t.Subject, t.Body = strings.TrimSpace(t.Subject), strings.TrimSpace(t.Body)
	t.Body = strings.ReplaceAll(t.Body, "\r\n", "\n")
	switch n := utf8.RuneCountInString(t.Subject); {
	case n == 0:
		errs = append(errs, FieldError("subject", "Saisissez l'objet du courriel."))
	case n > 200 || strings.ContainsAny(t.Subject, "\r\n"):
		errs = append(errs, FieldError("subject", "L'objet tient sur une ligne de 200 caractères au plus."))
	}
	switch n := utf8.RuneCountInString(t.Body); {
	case n == 0:
		errs = append(errs, FieldError("body", "Saisissez le texte du courriel."))
	case n > 10000:
		errs = append(errs, FieldError("body", "Le texte compte 10 000 caractères au plus."))
	}
	for field, text := range map[string]string{"subject": t.Subject, "body": t.Body} {
		if unknown := unknownVariables(text); len(unknown) > 0 {
			errs = append(errs, FieldError(field, "Variable inconnue : "+strings.Join(unknown, ", ")+
				". Les variables possibles sont listées sous le formulaire."))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Field > errs[j].Field }) // subject first, as on the form
	return errs
}

func unknownVariables(text string) []string {
	var out []string
	for _, m := range templateVar.FindAllStringSubmatch(text, -1) {
		known := false
		for _, v := range TemplateVariables {
			known = known || v.Name == m[1]
		}
		if !known {
			out = append(out, "{{"+m[1]+"}}")
		}
	}
	return out
}

// TemplateValues are the values of the variables for one email.
type TemplateValues map[string]string

// Substitute replaces each variable by its value, as plain text; a
// variable without value becomes empty.
func Substitute(text string, v TemplateValues) string {
	return templateVar.ReplaceAllStringFunc(text, func(m string) string {
		return v[templateVar.FindStringSubmatch(m)[1]]
	})
}

// RenderedTemplate is a template with its variables replaced: the subject
// and the text part as plain text, the HTML part escaped.
type RenderedTemplate struct {
	Subject string
	Text    string
	HTML    string // safe to put inside an HTML body
}

// Render replaces the variables and builds the HTML part: the text is
// escaped, paragraphs at blank lines, and the tracking link made a link.
func (t EmailTemplate) Render(v TemplateValues) RenderedTemplate {
	subject := strings.Join(strings.Fields(Substitute(t.Subject, v)), " ")
	text := Substitute(t.Body, v)
	var b strings.Builder
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		p := strings.ReplaceAll(html.EscapeString(para), "\n", "<br>\n")
		if link := v["lien_suivi"]; link != "" && (strings.HasPrefix(link, "https://") || strings.HasPrefix(link, "http://")) {
			e := html.EscapeString(link)
			p = strings.ReplaceAll(p, e, `<a href="`+e+`">`+e+`</a>`)
		}
		b.WriteString("<p>" + p + "</p>\n")
	}
	return RenderedTemplate{Subject: subject, Text: text, HTML: b.String()}
}
