package api

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// tableSchema is a Table Schema (frictionless tableschema) in the shape
// schema.data.gouv.fr publishes.
type tableSchema struct {
	Schema        string          `json:"$schema"`
	Name          string          `json:"name"`
	Title         string          `json:"title"`
	Description   string          `json:"description"`
	CountryCode   string          `json:"countryCode"`
	Homepage      string          `json:"homepage"`
	Path          string          `json:"path"`
	Version       string          `json:"version"`
	Licenses      []schemaLicence `json:"licenses"`
	Fields        []schemaField   `json:"fields"`
	PrimaryKey    string          `json:"primaryKey,omitempty"`
	MissingValues []string        `json:"missingValues"`
}

type schemaLicence struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Path  string `json:"path"`
}

type schemaField struct {
	vivier.OpenDataField
	Constraints *schemaConstraints `json:"constraints,omitempty"`
}

type schemaConstraints struct {
	Required bool     `json:"required,omitempty"`
	Enum     []string `json:"enum,omitempty"`
	Pattern  string   `json:"pattern,omitempty"`
}

// schemaVersion changes when a column is added (minor) or changed (major).
const schemaVersion = "1.0.0"

func (h *Handler) tableSchema(name, title, description, path, primaryKey string, fields []vivier.OpenDataField) ([]byte, error) {
	s := tableSchema{Schema: "https://frictionlessdata.io/schemas/table-schema.json", Name: name, Title: title,
		Description: description, CountryCode: "FR", Homepage: h.BaseURL + "/donnees", Path: h.BaseURL + path,
		Version: schemaVersion, PrimaryKey: primaryKey, MissingValues: []string{""},
		Licenses: []schemaLicence{{Name: vivier.OpenDataLicenceID, Title: vivier.OpenDataLicenceTitle, Path: vivier.OpenDataLicenceURL}}}
	for _, f := range fields {
		sf := schemaField{OpenDataField: f}
		if f.Required || len(f.Enum) > 0 || f.Pattern != "" {
			sf.Constraints = &schemaConstraints{Required: f.Required, Enum: f.Enum, Pattern: f.Pattern}
		}
		s.Fields = append(s.Fields, sf)
	}
	return json.MarshalIndent(s, "", "  ")
}

func (h *Handler) offersSchema(c *fiber.Ctx) error {
	b, err := h.tableSchema("vivier-offres", "Offres publiées sur Vivier",
		"Les offres d'emploi, concours, stages et apprentissage publiées par les employeurs publics sur Vivier, une ligne par offre (fichier /api/v1/donnees/offres.csv).",
		schemaOffersPath, "id", vivier.OfferFields)
	return sendSchema(c, b, err)
}

func (h *Handler) changesSchema(c *fiber.Ctx) error {
	b, err := h.tableSchema("vivier-offres-modifications", "Modifications des offres publiées sur Vivier",
		"Le flux des modifications des offres (/api/v1/donnees/modifications.csv) : une ligne par offre créée, modifiée ou clôturée, et une ligne « suppression » par offre qui quitte le site.",
		schemaChangesPath, "", vivier.ChangeFields)
	return sendSchema(c, b, err)
}

func sendSchema(c *fiber.Ctx, b []byte, err error) error {
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
	c.Set(fiber.HeaderLink, `<`+vivier.OpenDataLicenceURL+`>; rel="license"`)
	c.Set(fiber.HeaderContentType, "application/schema+json; charset=utf-8")
	return c.Send(b)
}
