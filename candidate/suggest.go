package candidate

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// Offers for a CV: the candidate sends a CV, which is read in memory and
// never stored, and gets the published offers that match it best, with the
// words that matched. The search's main filters still apply.

func (h *Handler) suggestForm(c *fiber.Ctx) error {
	return h.renderSuggest(c, fiber.StatusOK, vivier.OfferSearch{}, nil, nil, "")
}

func (h *Handler) renderSuggest(c *fiber.Ctx, status int, q vivier.OfferSearch, terms []vivier.CVTerm, found []vivier.Suggestion, errMsg string) error {
	regions, err := h.Store.Regions(c.UserContext())
	if err != nil {
		return err
	}
	var kinds, regs []option
	for _, k := range []string{"emploi", "concours", "stage", "apprentissage"} {
		kinds = append(kinds, option{Value: k, Label: kindLabels[k], Selected: q.Kind == k})
	}
	for _, r := range regions {
		regs = append(regs, option{Value: r.Code, Label: r.Name, Selected: q.Region == r.Code})
	}
	data := templates.Map{"Kinds": kinds, "Regions": regs, "Teletravail": q.Teletravail, "Terms": terms, "Found": found,
		"Sent": terms != nil, "UploadLimit": vivier.FormatSize(h.UploadLimit), "UploadBytes": h.UploadLimit}
	if errMsg != "" {
		data["Error"] = errMsg
		data["Fields"] = map[string]string{"cv": errMsg}
	}
	return h.Renderer.Page(c, status, "candidate/suggest", data)
}

// limitSuggestions refuses a client that sends CVs faster than a person
// would: each one is a PDF to parse and a text search to run, for anyone,
// without an account.
func (h *Handler) limitSuggestions(c *fiber.Ctx) error {
	ok, retry, err := h.Limiter.Allow(c.UserContext(), "suggest:ip:"+templates.ClientIP(c), h.SuggestPerMinute, time.Minute)
	if err != nil {
		return err
	}
	if !ok {
		return templates.TooMany(c, retry, "Trop de demandes de suggestions en peu de temps. Patientez une minute avant d'envoyer un autre CV.")
	}
	return c.Next()
}

func (h *Handler) suggest(c *fiber.Ctx) error {
	q := vivier.OfferSearch{Kind: c.FormValue("type"), Region: c.FormValue("region"), Teletravail: c.FormValue("teletravail") == "oui"}
	up, err := h.readUpload(c, "cv")
	if err == nil && up == nil {
		err = vivier.FieldError("cv", "Choisissez le fichier de votre CV.")
	}
	if err != nil {
		return h.renderSuggest(c, templates.StatusFor(vivier.ErrorCode(err)), q, nil, nil, vivier.ErrorMessage(err))
	}
	terms, err := h.Store.CVTerms(c.UserContext(), up.Text, 30)
	if err != nil {
		return err
	}
	if terms == nil {
		terms = []vivier.CVTerm{} // sent, but nothing to read (a scanned CV)
	}
	found, err := h.Store.SuggestOffers(c.UserContext(), q, terms, 20)
	if err != nil {
		return err
	}
	return h.renderSuggest(c, fiber.StatusOK, q, terms, found, "")
}
