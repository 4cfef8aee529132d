package api

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// change is one entry of the change feed in JSON: the offer as it now is
// on the site, or a tombstone.
type change struct {
	Event     string     `json:"evenement"` // offre or suppression
	ID        int64      `json:"id"`
	Cursor    string     `json:"curseur"`
	ChangedAt time.Time  `json:"modifiee_le"`
	Status    string     `json:"statut,omitempty"`
	Reason    string     `json:"motif,omitempty"`
	Offer     *openOffer `json:"offre,omitempty"`
}

// changes is /api/v1/donnees/modifications: every change of the public
// offers since the cursor, the offers that left the site as tombstones, so
// that replaying it from the start, then from the last cursor now and then,
// mirrors the site. An offer changed several times appears once, at its
// latest change, with its state of now.
func (h *Handler) changes(c *fiber.Ctx) error {
	h.openDataHeaders(c, schemaChangesPath)
	if err := checkFormat(c); err != nil {
		return err
	}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	after, err := vivier.ParseChangeCursor(c.Query("apres"))
	if err != nil {
		return &vivier.Error{Code: vivier.EMALFORMED, Field: "apres", Message: vivier.ErrorMessage(err)}
	}
	list, last, more, err := h.Store.OfferChangesAfter(c.UserContext(), after, limit)
	if err != nil {
		return err
	}
	var offers []vivier.Offer
	for _, ch := range list {
		if !ch.Tombstone() {
			offers = append(offers, *ch.Offer)
		}
	}
	codes, err := h.Store.MetierCodes(c.UserContext(), offers)
	if err != nil {
		return err
	}
	resume := last.String()
	if last == (vivier.ChangeCursor{}) {
		resume = ""
	}
	var next *string
	if more {
		next = &resume
	}
	if wantsCSV(c) {
		rows := make([][]string, 0, len(list))
		for i := range list {
			rows = append(rows, h.changeRow(&list[i], codes))
		}
		return h.sendCSV(c, vivier.ChangeFields, rows, next, resume)
	}
	out := make([]change, 0, len(list))
	for i := range list {
		ch := &list[i]
		e := change{Event: vivier.OpenEventTombstone, ID: ch.OfferID, Cursor: ch.Cursor.String(), ChangedAt: ch.ChangedAt,
			Reason: ch.Reason}
		if !ch.Tombstone() {
			oo := h.openOffer(ch.Offer, codes)
			e.Event, e.Status, e.Offer = vivier.OpenEventOffer, ch.Status, &oo
		}
		out = append(out, e)
	}
	return c.JSON(fiber.Map{"modifications": out, "suivant": next, "reprise": resume, "licence": licence()})
}

// changeRow is a change as a row of vivier.ChangeFields.
func (h *Handler) changeRow(ch *vivier.OfferChange, codes map[int64]string) []string {
	if ch.Tombstone() {
		row := make([]string, len(vivier.ChangeFields))
		row[0], row[1], row[2], row[3] = vivier.OpenEventTombstone, ch.Reason, ch.Cursor.String(), strconv.FormatInt(ch.OfferID, 10)
		return row
	}
	o := vivier.OpenOffer{Offer: ch.Offer, URL: h.offerURL(ch.OfferID), Employer: ch.Employer,
		MetierCode: metierCode(ch.Offer, codes), Status: ch.Status}
	return append([]string{vivier.OpenEventOffer, "", ch.Cursor.String()}, o.CSVRow()...)
}
