package candidate

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// The documents an offer asks for, sent with the application (one upload
// field each on the apply form) or later from the space, where the
// candidate also answers the recruiters' requests. Every file is checked by
// its content (vivier.CheckPiece), as CVs are.

// readPieces reads the apply form's document fields: the checked pieces,
// and a refusal on its own field for each file that fails its check (a
// missing required one is the domain's refusal, Submission.Validate).
func (h *Handler) readPieces(c *fiber.Ctx, docs []vivier.OfferDocument) ([]vivier.Piece, vivier.FormErrors) {
	var pieces []vivier.Piece
	var refused vivier.FormErrors
	for i, d := range docs {
		field := vivier.PieceField(i)
		up, err := h.readPiece(c, field, d)
		switch {
		case err != nil:
			refused = append(refused, vivier.FieldError(field, vivier.ErrorMessage(err)+" Joignez de nouveau un fichier valide."))
		case up != nil:
			pieces = append(pieces, vivier.Piece{Label: d.Label, Upload: up})
		}
	}
	return pieces, refused
}

// readPiece reads and checks one document's field; no file is not an error.
func (h *Handler) readPiece(c *fiber.Ctx, field string, d vivier.OfferDocument) (*vivier.Upload, error) {
	name, data, err := h.readFile(c, field)
	if data == nil || err != nil {
		return nil, err
	}
	return vivier.CheckPiece(d, name, data, h.UploadLimit)
}

// addPiece adds a document to one of the candidate's applications from the
// space: the field names which of the documents the space lists for it, so
// that only what the offer or a recruiter asks for is received.
func (h *Handler) addPiece(c *fiber.Ctx, cand *vivier.TrackingAccess, appID int64) error {
	docs, err := h.Store.CandidateDocuments(c.UserContext(), cand.ID)
	if err != nil {
		return err
	}
	list, ok := docs[appID]
	if !ok {
		return vivier.Errorf(vivier.ENOTFOUND, "Cette candidature n'attend aucune pièce.")
	}
	i, err := strconv.Atoi(c.FormValue("document"))
	if err != nil || i < 0 || i >= len(list) {
		return vivier.Errorf(vivier.EINVALID, "Cette pièce n'est pas demandée : rechargez la page puis réessayez.")
	}
	d := list[i]
	up, err := h.readPiece(c, "piece", d.OfferDocument)
	if err != nil {
		return vivier.FieldError(d.Field, vivier.ErrorMessage(err))
	}
	if up == nil {
		return vivier.FieldError(d.Field, "Choisissez le fichier de « "+d.Label+" ».")
	}
	return h.Store.AddPiece(c.UserContext(), cand.ID, appID, vivier.Piece{Label: d.Label, Upload: up}, h.Files)
}
