package api

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// The Table Schemas of the two CSV files: stable URLs, linked from every
// answer of the feed and from the /donnees page.
const (
	schemaOffersPath  = "/api/v1/donnees/schemas/offres.json"
	schemaChangesPath = "/api/v1/donnees/schemas/modifications.json"
)

// licenceInfo is the licence as stated in each JSON answer.
type licenceInfo struct {
	ID    string `json:"id"`
	Title string `json:"titre"`
	URL   string `json:"url"`
}

func licence() licenceInfo {
	return licenceInfo{ID: vivier.OpenDataLicenceID, Title: vivier.OpenDataLicenceTitle, URL: vivier.OpenDataLicenceURL}
}

// openDataHeaders states the licence and the schema of the answer in its
// headers (RFC 8288 links), whatever its format, and lets any site read it.
func (h *Handler) openDataHeaders(c *fiber.Ctx, schema string) {
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	c.Set(fiber.HeaderAccessControlExposeHeaders, "Link, X-Licence, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset")
	c.Set("X-Licence", vivier.OpenDataLicenceID+" ("+vivier.OpenDataLicenceTitle+")")
	c.Set(fiber.HeaderLink, `<`+vivier.OpenDataLicenceURL+`>; rel="license", <`+h.BaseURL+schema+`>; rel="describedby"; type="application/schema+json", <`+h.BaseURL+`/donnees>; rel="help"`)
}

// wantsCSV says whether the client asked for CSV: a .csv path, format=csv,
// or an Accept header that prefers text/csv to JSON.
func wantsCSV(c *fiber.Ctx) bool {
	if strings.HasSuffix(c.Path(), ".csv") {
		return true
	}
	if f := c.Query("format"); f != "" {
		return strings.EqualFold(f, "csv")
	}
	return c.Accepts(fiber.MIMEApplicationJSON, "text/csv") == "text/csv"
}

// checkFormat refuses a format other than json and csv.
func checkFormat(c *fiber.Ctx) error {
	if f := strings.ToLower(c.Query("format")); f != "" && f != "csv" && f != "json" {
		return &vivier.Error{Code: vivier.EMALFORMED, Field: "format", Message: "format vaut json ou csv."}
	}
	return nil
}

// sendCSV writes the header row and the rows (RFC 4180: commas, CRLF, quotes
// where needed) and links the next page, if any.
func (h *Handler) sendCSV(c *fiber.Ctx, fields []vivier.OpenDataField, rows [][]string, next *string, resume string) error {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	header := make([]string, len(fields))
	for i, f := range fields {
		header[i] = f.Name
	}
	_ = w.Write(header)
	_ = w.WriteAll(rows) // writes to memory: only a field error, which strings cannot have
	if err := w.Error(); err != nil {
		return err
	}
	if next != nil {
		q := c.Request().URI().QueryArgs()
		v := url.Values{}
		q.VisitAll(func(k, val []byte) { v.Set(string(k), string(val)) })
		v.Set("apres", *next)
		c.Append(fiber.HeaderLink, `<`+h.BaseURL+c.Path()+"?"+v.Encode()+`>; rel="next"`)
	}
	c.Set("X-Reprise", resume)
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8; header=present")
	return c.Send(buf.Bytes())
}

// offersCSV is a page of published offers as rows of vivier.OfferFields.
func (h *Handler) offersCSV(c *fiber.Ctx, offers []vivier.Offer, codes map[int64]string, next *string, resume string) error {
	ids := make([]int64, 0, len(offers))
	for _, o := range offers {
		ids = append(ids, o.AdministrationID)
	}
	names, err := h.Store.AdministrationNames(c.UserContext(), ids)
	if err != nil {
		return err
	}
	rows := make([][]string, 0, len(offers))
	for i := range offers {
		o := &offers[i]
		rows = append(rows, vivier.OpenOffer{Offer: o, URL: h.offerURL(o.ID), Employer: names[o.AdministrationID],
			MetierCode: metierCode(o, codes), Status: vivier.OpenStatusPublished}.CSVRow())
	}
	return h.sendCSV(c, vivier.OfferFields, rows, next, resume)
}
