package admin

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// The applications lists' filters about what waits for the agent ("Ma
// file"), their form's choices, and the parameters a list keeps in its links.

// queueParams are the filters about what waits, each with the one value it
// takes (the checkbox's) and its label on the form; "assigne=moi" is a
// choice of the "assigned to" select.
var queueParams = []struct{ Name, Value, Label string }{
	{"decision", "attente", "Sans décision finale"},
	{"mention", "moi", "Une note me mentionne (non vue)"},
	{"messages", "non-lus", "Message de la personne candidate sans réponse"},
	{"entretiens", "a-confirmer", "Entretien à confirmer"},
	{"delai", "proche", "Délai de réponse dans moins de 7 jours"},
	{"dossier", "incomplet", "Dossier incomplet (pièce manquante ou demandée)"},
}

// offerListParams are the parameters of an offer's list and of its board;
// adminListParams, those of the administration's list.
var (
	offerListParams = []string{"q", "etape", "source", "du", "au", "tri", "etiquette", "assigne", "note",
		"decision", "mention", "messages", "entretiens", "delai", "dossier"}
	adminListParams = append([]string{"offre", "type", "direction"}, offerListParams...)
)

// parseQueueFilter reads the filters about what waits: each takes one
// value, and any other is a malformed address (the form offers checkboxes).
func parseQueueFilter(c *fiber.Ctx, f *vivier.PipelineFilter) error {
	if a := currentAgent(c); a != nil { // always on the lists' routes, which require a signed-in agent
		f.Me = a.ID
	}
	f.Spontaneous = c.Query("type") == "spontanees"
	if c.Query("assigne") == "moi" {
		f.AssigneeID = f.Me
	}
	on := map[string]*bool{"decision": &f.Pending, "mention": &f.Mentioned, "messages": &f.UnreadMessages,
		"entretiens": &f.ToConfirm, "delai": &f.DueSoon, "dossier": &f.Incomplete}
	for _, q := range queueParams {
		switch v := c.Query(q.Name); v {
		case "":
		case q.Value:
			*on[q.Name] = true
		default:
			return &vivier.Error{Code: vivier.EMALFORMED, Field: q.Name,
				Message: "Le paramètre « " + q.Name + " » de l'adresse n'est pas valide : il ne prend que la valeur « " + q.Value + " »."}
		}
	}
	return nil
}

// listFilters is what an applications list's filter form shows and keeps.
type listFilters struct {
	Filter vivier.PipelineFilter
	Errors map[string]string // the filters' errors, by query parameter
	Query  map[string]string // filters shown as typed: du, au, note, assigne
	Action string            // the form's address
	Queue  []queueChoice
	Active int // filters set among those folded under "plus de filtres"

	// The choices (collabOfPipeline).
	Sources     []string
	AllTags     []vivier.Tag
	Members     []vivier.Member
	Scores      []vivier.ScoreChoice
	SeesRatings bool

	// The administration's list only.
	AdminList  bool
	Directions []vivier.Administration // a parent's: itself and its directions
	ByOffer    *vivier.Offer           // the offer filtered on
}

// queueChoice is a checkbox of the form's "à traiter" group.
type queueChoice struct {
	Name, Value, Label string
	Checked            bool
}

// filterForm fills the form's state from the request.
func (l *listFilters) filterForm(c *fiber.Ctx, action string) {
	l.Action, l.Sources = action, vivier.Sources
	l.Query = map[string]string{"du": c.Query("du"), "au": c.Query("au"), "note": c.Query("note"), "assigne": c.Query("assigne")}
	l.Queue, l.Active = nil, 0
	for _, k := range []string{"type", "direction", "etape", "source", "etiquette", "assigne", "note", "du", "au"} {
		if c.Query(k) != "" {
			l.Active++
		}
	}
	for _, q := range queueParams {
		l.Queue = append(l.Queue, queueChoice{Name: q.Name, Value: q.Value, Label: q.Label, Checked: c.Query(q.Name) == q.Value})
	}
}

// pageLinks are a list's previous and next pages' addresses.
func pageLinks(base string, q url.Values, page, total int) (prev, next string) {
	at := func(n int) string {
		q := cloneValues(q)
		q.Set("page", strconv.Itoa(n))
		return base + "?" + q.Encode()
	}
	if page > 1 {
		prev = at(page - 1)
	}
	if page*vivier.PipelinePageSize < total {
		next = at(page + 1)
	}
	return prev, next
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}
