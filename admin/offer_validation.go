package admin

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// validationQueuePage lists the offers waiting for the administration's
// validators, its directions' included.
type validationQueuePage struct {
	templates.Page
	Offers []vivier.PendingOffer
}

func (h *Handler) validationQueue(c *fiber.Ctx) error {
	offers, err := h.Store.PendingOffers(c.UserContext(), currentAdministration(c).ID)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/offer_validation", &validationQueuePage{Offers: offers})
}

// validationReviewPage shows a pending offer's content to its validator,
// with the two decisions: approve, or return with a comment.
type validationReviewPage struct {
	templates.Page
	Pending    *vivier.PendingOffer
	Offer      *vivier.Offer
	Validation *vivier.OfferValidation
	Comment    string // typed in a refused return
}

func (h *Handler) validationReview(c *fiber.Ctx) error {
	return h.renderReview(c, fiber.StatusOK, &validationReviewPage{})
}

func (h *Handler) renderReview(c *fiber.Ctx, status int, p *validationReviewPage) error {
	id, err := offerParam(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	if p.Pending, err = h.Store.PendingOffer(ctx, currentAdministration(c).ID, id); err != nil {
		return err
	}
	// The store found it within the validator's reach: it is read in its
	// own administration.
	if p.Offer, err = h.Store.OfferByID(ctx, p.Pending.AdminID, id); err != nil {
		return err
	}
	if p.Validation, err = h.Store.OfferValidation(ctx, p.Pending.AdminID, id); err != nil {
		return err
	}
	return h.page(c, status, "admin/offer_review", p)
}

func (h *Handler) approveOffer(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := offerParam(c)
	if err != nil {
		return err
	}
	// The version read on the review page; a malformed one matches none,
	// and the page is shown again as it stands.
	version, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	to, err := h.Store.ApproveOffer(c.UserContext(), adm.ID, id, time.UnixMicro(version), actor(c))
	if vivier.ErrorCode(err) == vivier.ECONFLICT {
		p := &validationReviewPage{}
		p.Error = vivier.ErrorMessage(err)
		return h.renderReview(c, templates.StatusFor(vivier.ECONFLICT), p)
	}
	if err != nil {
		return err
	}
	msg := "Offre validée : elle est en ligne."
	if to == vivier.OfferScheduled {
		msg = "Offre validée : elle sera en ligne à sa date de début de publication."
	}
	return h.back(c, admURL(adm, "/offres/validation"), msg+" Son auteur en est informé.")
}

func (h *Handler) returnOffer(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := offerParam(c)
	if err != nil {
		return err
	}
	err = h.Store.ReturnOffer(c.UserContext(), adm.ID, id, c.FormValue("comment"), actor(c))
	redo := func(err error) error {
		p := &validationReviewPage{Comment: c.FormValue("comment")}
		p.Refuse("L'offre n'a pas été retournée.", fieldOf(err), err)
		return h.renderReview(c, fiber.StatusUnprocessableEntity, p)
	}
	return h.finish(c, err, redo, admURL(adm, "/offres/validation"),
		"Offre retournée à son auteur, avec votre commentaire.")
}

// setValidationSettings saves the administration's two settings.
func (h *Handler) setValidationSettings(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	v := vivier.ValidationSettings{Directions: c.FormValue("validate_directions") == "1", Own: c.FormValue("validate_own") == "1"}
	if err := h.Store.SetValidationSettings(c.UserContext(), adm.ID, v, actor(c)); err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/administration"), "Règles de validation des offres enregistrées.")
}

// dashboardValidation fills the dashboard's validation tiles: the queue's
// count for validators, and the decisions on the agent's own submissions.
func (h *Handler) dashboardValidation(c *fiber.Ctx, p *dashboardPage) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	if h.can(c, policies.OffersValidate) {
		n, err := h.Store.PendingOfferCount(ctx, adm.ID)
		if err != nil {
			return err
		}
		p.PendingOffers, p.ShowPending = n, true
	}
	var err error
	p.Decisions, err = h.Store.ValidationNotices(ctx, adm.ID, currentAgent(c).ID)
	return err
}
