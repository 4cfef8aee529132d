package admin

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// Transfers from the application page, and the "recruited on another offer"
// badge of the lists and the application page.

// transferView is the application page's transfer part: where the
// application came from, the "recruited elsewhere" badge, and the transfer
// form's choices while it is pending.
type transferView struct {
	Pending     bool
	Recruited   bool
	From        *vivier.TransferOrigin
	Transfers   []vivier.Transfer
	Offers      []vivier.Offer
	CanTransfer bool
}

// transferOfApplication adds the transfer part to the application page.
func (h *Handler) transferOfApplication(c *fiber.Ctx, d *vivier.ApplicationDetail, p *applicationPage) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	t := &transferView{Pending: d.Category == vivier.CategoryNew || d.Category == vivier.CategoryReview}
	flags, err := h.Store.RecruitedElsewhere(ctx, adm.ID, []int64{d.ID})
	if err != nil {
		return err
	}
	t.Recruited = flags[d.ID]
	if from, err := h.Store.TransferredFrom(ctx, adm.ID, d.ID); err == nil {
		t.From = from
	} else if vivier.ErrorCode(err) != vivier.ENOTFOUND {
		return err
	}
	if t.Transfers, err = h.Store.ApplicationTransfers(ctx, adm.ID, d.ID); err != nil {
		return err
	}
	if t.Pending && h.can(c, policies.ApplicationsDecide) {
		offers, err := h.Store.TransferOffers(ctx, adm.ID, d.OfferID)
		if err != nil {
			return err
		}
		t.Offers, t.CanTransfer = offers, true
	}
	p.Transfer = t
	return nil
}

// transferApplication moves an application to another offer (offer) or
// sends it to another administration (administration, a slug).
func (h *Handler) transferApplication(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	page := applicationURL(adm, id)
	switch c.FormValue("vers") {
	case "offre":
		offerID, err := templates.FormID(c, "offer")
		if err != nil {
			return err
		}
		if err := h.Store.TransferToOffer(c.UserContext(), adm.ID, id, offerID, actor(c)); err != nil {
			return err
		}
		return h.back(c, page, "La candidature est transférée sur l'autre offre ; son historique la suit.")
	case "administration":
		slug := strings.ToLower(strings.TrimSpace(c.FormValue("administration")))
		if slug == "" {
			return vivier.FieldError("administration", "Saisissez l'identifiant de l'administration destinataire (par exemple ville-demo).")
		}
		if _, err := h.Store.ProposeTransfer(c.UserContext(), adm.ID, id, slug, actor(c)); err != nil {
			return err
		}
		return h.back(c, page, "Le transfert est proposé à la personne candidate, par courriel : l'autre administration ne reçoit la candidature que si elle l'accepte, dans les 15 jours.")
	}
	return vivier.FieldError("vers", "Choisissez de transférer vers une offre ou vers une autre administration.")
}
