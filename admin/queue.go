package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
)

// "Ma file" on the dashboard: what waits for the agent in the
// administration (and its directions), each kind counted with the very
// filter of the list its link opens, so that the count is what the list
// shows.

// queueKinds are the words and the list parameters of each kind.
var queueKinds = map[vivier.QueueKind]struct{ Label, Hint, Params string }{
	vivier.QueueAssigned:  {"Assignées à moi", "Sans décision finale", "assigne=moi&decision=attente"},
	vivier.QueueMentions:  {"Notes qui me mentionnent", "Pas encore vues", "mention=moi"},
	vivier.QueueMessages:  {"Messages de candidats", "Sans réponse d'un recruteur", "messages=non-lus"},
	vivier.QueueToConfirm: {"Entretiens à confirmer", "Sans réponse, ou autre créneau demandé", "entretiens=a-confirmer"},
	vivier.QueueDueSoon:   {"Délai de réponse proche", "Promis dans moins de 7 jours", "delai=proche"},
}

// queueTile is one kind of "Ma file", as the dashboard shows it.
type queueTile struct {
	Label, Hint, URL string
	N                int
}

// dashboardQueue adds "Ma file" to the dashboard of an agent who reads
// applications (all of them, or a jury member's assigned ones).
func (h *Handler) dashboardQueue(c *fiber.Ctx, p *dashboardPage) error {
	if !h.can(c, policies.ApplicationsReadAssigned) {
		return nil
	}
	ctx, adm := c.UserContext(), currentAdministration(c)
	adms, err := h.Store.Subtree(ctx, adm.ID)
	if err != nil {
		return err
	}
	f := vivier.PipelineFilter{Scope: h.scope(c), Within: within(adms)}
	counts, err := h.Store.QueueCounts(ctx, adm.ID, f, currentAgent(c).ID)
	if err != nil {
		return err
	}
	p.Queue = make([]queueTile, 0, len(counts))
	for _, n := range counts {
		k := queueKinds[n.Kind]
		p.Queue = append(p.Queue, queueTile{Label: k.Label, Hint: k.Hint, N: n.N, URL: admURL(adm, "/candidatures?"+k.Params)})
	}
	p.ShowQueue = true
	return nil
}

// within is the Within of a list over adms (Subtree's answer): nil for an
// administration without directions, whose lists keep their single-tenant
// plan.
func within(adms []vivier.Administration) []int64 {
	if len(adms) < 2 {
		return nil
	}
	ids := make([]int64, len(adms))
	for i, a := range adms {
		ids[i] = a.ID
	}
	return ids
}
