package candidate

import (
	"github.com/gofiber/fiber/v2"

	"vivier/templates"
)

// Offers reserved to public agents: anyone reads them, only an agent signed
// in to the mobility space applies. An application sent from the space, to
// any offer, names its mobility agent.

// reservedPage refuses a reserved offer's form to a visitor not signed in
// to the mobility space, with the way in that brings them back.
type reservedPage struct {
	templates.Page
	OfferID   int64
	Title     string
	SignInURL string
	OfferURL  string
}

// reservedGate lets through the applications to an offer not reserved,
// and to a reserved one those of a signed-in mobility agent; it returns the
// signed-in agent's id (nil for none), which the application records.
// Anyone else gets a 403 page (ok false; err is the rendering's) and
// nothing is read nor written.
func (h *Handler) reservedGate(c *fiber.Ctx, t *applyTarget) (agentID *int64, ok bool, err error) {
	agent := h.mobilityAgent(c)
	if t.Offer == nil || !t.Offer.ReservedToAgents || agent != nil {
		if agent == nil {
			return nil, true, nil
		}
		return &agent.ID, true, nil
	}
	private(c)
	ret := offerPath(t.Offer.ID) + "/postuler"
	return nil, false, h.Renderer.Page(c, fiber.StatusForbidden, "candidate/mobility_reserved", &reservedPage{
		OfferID: t.Offer.ID, Title: t.Offer.Title, SignInURL: mobilitySignInURL(ret), OfferURL: offerPath(t.Offer.ID)})
}
