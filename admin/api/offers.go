package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// maxBatch is how many offers one call may push, as on CSPLab.
const maxBatch = 100

// apiSource is the source of the offers pushed through the API: the same
// reference pushed again, with any token of the administration, updates the
// same offer. A caller feeding several systems into one administration
// tells them apart with source_id.
const apiSource = "api"

var sourceIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,64}$`)

func sourceFor(sourceID string) (string, error) {
	if sourceID == "" {
		return apiSource, nil
	}
	if !sourceIDPattern.MatchString(sourceID) {
		return "", &vivier.Error{Code: vivier.EMALFORMED, Field: "source_id",
			Message: "source_id compte 1 à 64 caractères : lettres sans accent, chiffres, « . », « _ », « : » ou « - »."}
	}
	return apiSource + ":" + sourceID, nil
}

// apiOffer is an offer as the API shows it: CSPLab's shape, with Vivier's
// id, status, source and dates.
type apiOffer struct {
	ID          int64              `json:"id"`
	Status      vivier.OfferStatus `json:"statut"`
	Source      string             `json:"source"`
	URL         string             `json:"url"`
	PublishedAt *time.Time         `json:"publiee_le"`
	UpdatedAt   time.Time          `json:"modifiee_le"`
	vivier.CSPLabOffer
}

func (h *Handler) present(c *fiber.Ctx, offers []vivier.Offer) ([]apiOffer, error) {
	codes, err := h.Store.MetierCodes(c.UserContext(), offers)
	if err != nil {
		return nil, err
	}
	out := make([]apiOffer, 0, len(offers))
	for i := range offers {
		o := &offers[i]
		var code string
		if o.MetierID != nil {
			code = codes[*o.MetierID]
		}
		out = append(out, apiOffer{ID: o.ID, Status: o.Status, Source: o.Source, URL: h.offerURL(o.ID),
			PublishedAt: o.PublishedAt, UpdatedAt: o.UpdatedAt, CSPLabOffer: vivier.NewCSPLabOffer(o, code)})
	}
	return out, nil
}

func (h *Handler) offerURL(id int64) string {
	return h.BaseURL + "/offres/" + strconv.FormatInt(id, 10)
}

// upsertRequest is CSPLab's UpsertOffersRequest; source_id is optional here.
type upsertRequest struct {
	SourceID string            `json:"source_id"`
	Offers   []json.RawMessage `json:"offres"`
}

type itemError struct {
	Field   string `json:"champ,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// upsertError is CSPLab's UpsertOfferError, with the offer's place in the
// batch.
type upsertError struct {
	Index int                   `json:"index"`
	Offer vivier.CSPLabIdentity `json:"offer"`
	Error itemError             `json:"error"`
}

type upsertResult struct {
	Index     int                `json:"index"`
	Reference string             `json:"reference"`
	Result    string             `json:"result"` // created, updated or error
	ID        int64              `json:"id,omitempty"`
	Status    vivier.OfferStatus `json:"statut,omitempty"`
	Message   string             `json:"message,omitempty"`
}

// upsertResponse is CSPLab's UpsertOffersResponse, with one result per
// offer sent, in order.
type upsertResponse struct {
	Created int            `json:"created"`
	Updated int            `json:"updated"`
	Errors  []upsertError  `json:"errors"`
	Results []upsertResult `json:"results"`
}

// upsertOffers creates or updates 1 to 100 offers; each is checked and
// answered on its own, so that one invalid offer does not stop the others.
func (h *Handler) upsertOffers(c *fiber.Ctx) error {
	var req upsertRequest
	if err := decodeStrict(c.Body(), &req); err != nil {
		return err
	}
	if len(req.Offers) == 0 || len(req.Offers) > maxBatch {
		return &vivier.Error{Code: vivier.EMALFORMED, Field: "offres",
			Message: fmt.Sprintf("Envoyez de 1 à %d offres dans le tableau « offres » (reçu\u00a0: %d).", maxBatch, len(req.Offers))}
	}
	source, err := sourceFor(req.SourceID)
	if err != nil {
		return err
	}
	adm, tok := currentAdministration(c), currentToken(c)
	actor := tok.Actor(templates.ClientIP(c))
	resp := upsertResponse{Errors: []upsertError{}, Results: make([]upsertResult, 0, len(req.Offers))}
	for i, raw := range req.Offers {
		var in vivier.CSPLabOffer
		err := decodeStrict(raw, &in)
		var o *vivier.Offer
		if err == nil {
			o, err = in.Offer()
		}
		created := false
		if err == nil {
			o.Source = source
			created, err = h.Store.PushOffer(c.UserContext(), adm.ID, o, strings.TrimSpace(in.Profession.Metier), actor)
		}
		res := upsertResult{Index: i, Reference: in.Identification.Reference}
		if err != nil {
			res.Result = "error"
			resp.Errors = append(resp.Errors, upsertError{Index: i, Offer: in.Identification, Error: h.itemError(c, err)})
		} else {
			res.ID, res.Status, res.Result = o.ID, o.Status, "updated"
			if o.Status == vivier.OfferPending {
				res.Message = "En attente de validation par l'administration : l'offre sera publiée une fois validée."
			}
			if created {
				res.Result = "created"
				resp.Created++
			} else {
				resp.Updated++
			}
		}
		resp.Results = append(resp.Results, res)
	}
	status := fiber.StatusOK
	if resp.Created > 0 {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(resp)
}

// itemError describes why one offer was refused; an internal error is
// logged and told in general words, like the error handler does.
func (h *Handler) itemError(c *fiber.Ctx, err error) itemError {
	code := vivier.ErrorCode(err)
	if code == vivier.EINTERNAL {
		h.Log.ErrorContext(c.UserContext(), "api: push offer", "err", err)
	}
	var e *vivier.Error
	field := ""
	if errors.As(err, &e) {
		field = e.Field
	}
	return itemError{Field: field, Code: code, Message: vivier.ErrorMessage(err)}
}

// decodeStrict reads JSON into v, refusing unknown fields: a misspelt field
// would otherwise be dropped without a word. Its errors say, in French,
// which field is at fault.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		return nil
	}
	bad := func(field, format string, args ...any) error {
		return &vivier.Error{Code: vivier.EMALFORMED, Field: field, Message: fmt.Sprintf(format, args...)}
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var timeErr *time.ParseError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return bad("", "Le corps de la requête (ou l'offre) doit être un objet JSON.")
	case errors.As(err, &typeErr):
		return bad(typeErr.Field, "Le champ « %s » n'a pas le bon type : %s attendu.", typeErr.Field, jsonType(typeErr.Type.Kind().String()))
	case errors.As(err, &timeErr):
		return bad("", "Une date n'est pas au format attendu (RFC 3339, par exemple 2026-05-01T09:00:00+02:00)\u00a0: « %s ».", timeErr.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return bad(f, "Le champ « %s » est inconnu.", f)
	case errors.As(err, &syntaxErr):
		return bad("", "Le corps de la requête n'est pas un JSON valide (octet %d).", syntaxErr.Offset)
	}
	return bad("", "Le corps de la requête n'est pas un JSON valide ou est incomplet.")
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "une chaîne"
	case "slice", "array":
		return "un tableau"
	case "struct", "map", "ptr":
		return "un objet"
	case "bool":
		return "un booléen"
	}
	return "un nombre"
}

func (h *Handler) listOffers(c *fiber.Ctx) error {
	status := vivier.OfferStatus(c.Query("statut"))
	switch status {
	case "", vivier.OfferDraft, vivier.OfferPending, vivier.OfferScheduled, vivier.OfferPublished, vivier.OfferClosed, vivier.OfferArchived:
	default:
		return &vivier.Error{Code: vivier.EMALFORMED, Field: "statut",
			Message: "statut vaut draft, pending, scheduled, published, closed ou archived."}
	}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	var after int64
	if cur := c.Query("apres"); cur != "" {
		b, err := base64.RawURLEncoding.DecodeString(cur)
		if err == nil {
			after, err = strconv.ParseInt(strings.TrimPrefix(string(b), "id:"), 10, 64)
		}
		if err != nil || !strings.HasPrefix(string(b), "id:") {
			return badCursor()
		}
	}
	offers, err := h.Store.OffersAfter(c.UserContext(), currentAdministration(c).ID, status, after, limit+1)
	if err != nil {
		return err
	}
	var next *string
	if len(offers) > limit {
		offers = offers[:limit]
		s := base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(offers[limit-1].ID, 10)))
		next = &s
	}
	list, err := h.present(c, offers)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"offres": list, "suivant": next})
}

func limitParam(c *fiber.Ctx) (int, error) {
	s := c.Query("limite", "50")
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 100 {
		return 0, &vivier.Error{Code: vivier.EMALFORMED, Field: "limite", Message: "limite est un nombre de 1 à 100."}
	}
	return n, nil
}

func badCursor() error {
	return &vivier.Error{Code: vivier.EMALFORMED, Field: "apres",
		Message: "Le curseur « apres » n'est pas valide : reprenez avec la valeur « suivant » d'une réponse, ou depuis la première page."}
}

// referenceParam reads the reference in the path, where it is escaped.
func referenceParam(c *fiber.Ctx) (string, error) {
	ref, err := url.PathUnescape(c.Params("reference"))
	if err != nil || ref == "" {
		return "", &vivier.Error{Code: vivier.EMALFORMED, Field: "reference", Message: "La référence dans l'adresse n'est pas valide."}
	}
	return ref, nil
}

func (h *Handler) getOffer(c *fiber.Ctx) error {
	source, err := sourceFor(c.Query("source_id"))
	if err != nil {
		return err
	}
	ref, err := referenceParam(c)
	if err != nil {
		return err
	}
	o, err := h.Store.OfferByReference(c.UserContext(), currentAdministration(c).ID, source, ref)
	if err != nil {
		return err
	}
	list, err := h.present(c, []vivier.Offer{*o})
	if err != nil {
		return err
	}
	return c.JSON(list[0])
}

// archiveRequest is CSPLab's ArchiveOfferRequest; source_id is optional
// here, as in the push.
type archiveRequest struct {
	Reference string `json:"reference"`
	SourceID  string `json:"source_id"`
}

// archiveOffer closes an offer named in the body, as CSPLab's archiver does.
func (h *Handler) archiveOffer(c *fiber.Ctx) error {
	var req archiveRequest
	if err := decodeStrict(c.Body(), &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.Reference) == "" {
		return &vivier.Error{Code: vivier.EMALFORMED, Field: "reference", Message: "La référence de l'offre à clôturer est obligatoire."}
	}
	return h.close(c, req.SourceID, strings.TrimSpace(req.Reference))
}

// closeOffer closes the offer named in the path.
func (h *Handler) closeOffer(c *fiber.Ctx) error {
	ref, err := referenceParam(c)
	if err != nil {
		return err
	}
	return h.close(c, c.Query("source_id"), ref)
}

func (h *Handler) close(c *fiber.Ctx, sourceID, reference string) error {
	source, err := sourceFor(sourceID)
	if err != nil {
		return err
	}
	o, err := h.Store.CloseOfferByReference(c.UserContext(), currentAdministration(c).ID, source, reference,
		currentToken(c).Actor(templates.ClientIP(c)))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"status": "ok", "reference": o.Reference, "statut": o.Status})
}
