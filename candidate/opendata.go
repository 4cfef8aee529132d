package candidate

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// openDataPage is /donnees: how to reuse the offers, the columns of the
// files taken from the same list as the Table Schemas the API serves.
type openDataPage struct {
	templates.Page
	BaseURL       string
	PerMinute     int
	LicenceID     string
	LicenceTitle  string
	LicenceURL    string
	OfferFields   []vivier.OpenDataField
	ChangeFields  []vivier.OpenDataField // those the change feed adds
	TombstoneWhys []string
}

func (h *Handler) openData(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/opendata", &openDataPage{
		BaseURL: h.BaseURL, PerMinute: h.OpenDataPerMinute, LicenceID: vivier.OpenDataLicenceID,
		LicenceTitle: vivier.OpenDataLicenceTitle, LicenceURL: vivier.OpenDataLicenceURL, OfferFields: vivier.OfferFields,
		ChangeFields: vivier.ChangeFields[:len(vivier.ChangeFields)-len(vivier.OfferFields)], TombstoneWhys: vivier.OpenTombstoneReasons,
	})
}
