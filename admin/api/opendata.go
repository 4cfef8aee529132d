package api

import (
	"context"
	_ "embed"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gofiber/fiber/v2"

	"vivier"
)

//go:embed openapi.yaml
var specYAML []byte

// specJSON loads and checks the OpenAPI document and returns it as JSON.
func specJSON() ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(specYAML)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	return doc.MarshalJSON()
}

// openOffer is a published offer in the open-data feed: CSPLab's shape
// without the contacts (people's addresses are not open data).
type openOffer struct {
	ID          int64     `json:"id"`
	URL         string    `json:"url"`
	PublishedAt time.Time `json:"publiee_le"`
	vivier.CSPLabOffer
}

// openData pages through every published offer, oldest publication first.
// The cursor holds the (published_at, id) of the last offer given, so that
// offers published meanwhile come at the end and none is given twice or
// skipped; "reprise" lets a harvester come back later for the new ones.
// The same page comes as CSV (offres.csv, format=csv or Accept: text/csv),
// its columns described by the Table Schema at schemaOffersPath.
func (h *Handler) openData(c *fiber.Ctx) error {
	h.openDataHeaders(c, schemaOffersPath)
	if err := checkFormat(c); err != nil {
		return err
	}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	at, id, err := decodeCursor(c.Query("apres"))
	if err != nil {
		return err
	}
	offers, err := h.Store.PublishedOffersAfter(c.UserContext(), at, id, limit+1)
	if err != nil {
		return err
	}
	more := len(offers) > limit
	if more {
		offers = offers[:limit]
	}
	codes, err := h.Store.MetierCodes(c.UserContext(), offers)
	if err != nil {
		return err
	}
	resume := c.Query("apres")
	if n := len(offers); n > 0 {
		resume = encodeCursor(*offers[n-1].PublishedAt, offers[n-1].ID)
	}
	var next *string
	if more {
		next = &resume
	}
	if wantsCSV(c) {
		return h.offersCSV(c, offers, codes, next, resume)
	}
	list := make([]openOffer, 0, len(offers))
	for i := range offers {
		list = append(list, h.openOffer(&offers[i], codes))
	}
	return c.JSON(fiber.Map{"offres": list, "suivant": next, "reprise": resume, "licence": licence()})
}

func (h *Handler) openOffer(o *vivier.Offer, codes map[int64]string) openOffer {
	co := vivier.NewCSPLabOffer(o, metierCode(o, codes))
	co.Contacts = []vivier.CSPLabContact{}
	published := o.UpdatedAt // never nil for an offer that was public; kept safe all the same
	if o.PublishedAt != nil {
		published = *o.PublishedAt
	}
	return openOffer{ID: o.ID, URL: h.offerURL(o.ID), PublishedAt: published, CSPLabOffer: co}
}

func metierCode(o *vivier.Offer, codes map[int64]string) string {
	if o.MetierID == nil {
		return ""
	}
	return codes[*o.MetierID]
}

// The cursor is opaque to clients: base64 of "microseconds.id".
func encodeCursor(at time.Time, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(at.UnixMicro(), 10) + "." + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (time.Time, int64, error) {
	if s == "" {
		return time.Time{}, 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, 0, badCursor()
	}
	us, idText, ok := strings.Cut(string(b), ".")
	micros, err1 := strconv.ParseInt(us, 10, 64)
	id, err2 := strconv.ParseInt(idText, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return time.Time{}, 0, badCursor()
	}
	return time.UnixMicro(micros), id, nil
}
