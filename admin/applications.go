package admin

import (
	"io"
	"mime"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// Applications as the back-office first sees them: the list, the
// spontaneous ones with "attach to an offer", one application, and its files
// served through the app, to agents of its administration only.

func (h *Handler) applicationsPage(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	spontaneous := c.Query("type") == "spontanees"
	offerID, err := templates.QueryID(c, "offre")
	if err != nil {
		return err
	}
	apps, err := h.Store.ApplicationsOf(c.UserContext(), adm.ID, spontaneous, offerID, 500, h.scope(c))
	if err != nil {
		return err
	}
	recruited, err := h.recruitedBadges(c, apps)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/applications", templates.Map{"Apps": apps, "Spontaneous": spontaneous, "Recruited": recruited})
}

func (h *Handler) applicationPage(c *fiber.Ctx) error {
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	d, err := h.Store.ApplicationForAgents(c.UserContext(), currentAdministration(c).ID, id)
	if err != nil {
		return err
	}
	data := templates.Map{"App": d, "CanDecide": h.can(c, policies.ApplicationsDecide)}
	if err := h.pipelineOfApplication(c, d, data); err != nil {
		return err
	}
	if err := h.transferOfApplication(c, d, data); err != nil {
		return err
	}
	if err := h.interviewsOfApplication(c, d, data); err != nil {
		return err
	}
	if err := h.applicationNotifications(c, d, data); err != nil {
		return err
	}
	if err := h.collabOfApplication(c, d, data); err != nil {
		return err
	}
	if d.OfferID == nil && h.can(c, policies.ApplicationsDecide) {
		offers, err := h.Store.OffersOf(c.UserContext(), currentAdministration(c).ID, vivier.OfferPublished, 200)
		if err != nil {
			return err
		}
		data["Offers"] = offers
	}
	status := fiber.StatusOK
	if c.Response().StatusCode() == fiber.StatusUnprocessableEntity {
		status = fiber.StatusUnprocessableEntity // a refused message, shown again
	}
	return h.page(c, status, "admin/application", data)
}

// downloadFile streams a candidate's file as an attachment: never shown
// inline from our origin, whatever it contains.
func (h *Handler) downloadFile(c *fiber.Ctx) error {
	appID, err := currentApplication(c)
	if err != nil {
		return err
	}
	fileID, err := templates.ParamID(c, "file")
	if err != nil {
		return err
	}
	f, err := h.Store.ApplicationFile(c.UserContext(), currentAdministration(c).ID, appID, fileID)
	if err != nil {
		return err
	}
	r, err := h.Files.Open(c.UserContext(), f.Key)
	if err != nil {
		return err
	}
	defer r.Close()
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	c.Set("X-Content-Type-Options", "nosniff")
	_, err = io.Copy(c.Response().BodyWriter(), r)
	return err
}

func (h *Handler) attachToOffer(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	appID, err := currentApplication(c)
	if err != nil {
		return err
	}
	offerID, err := templates.FormID(c, "offer")
	if err != nil {
		return err
	}
	if err := h.Store.AttachToOffer(c.UserContext(), adm.ID, appID, offerID, actor(c)); err != nil {
		return err
	}
	return h.back(c, applicationURL(adm, appID), "La candidature est rattachée à l'offre.")
}
