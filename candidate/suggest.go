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

// suggestPage is the form that takes a CV, and the offers it found.
type suggestPage struct {
	templates.Page
	Kinds       []option
	Regions     []option
	Teletravail bool
	Terms       []vivier.CVTerm // the words read in the CV
	Found       []vivier.Suggestion
	Sent        bool // a CV was read, even if no word was
	UploadLimit string
	UploadBytes int64
}

func (h *Handler) suggestForm(c *fiber.Ctx) error {
	p, err := h.suggestPage(c, vivier.OfferSearch{})
	if err != nil {
		return err
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/suggest", p)
}

// suggestPage fills the form with the filters of q.
func (h *Handler) suggestPage(c *fiber.Ctx, q vivier.OfferSearch) (*suggestPage, error) {
	regions, err := h.Store.Regions(c.UserContext())
	if err != nil {
		return nil, err
	}
	var kinds, regs []option
	for _, k := range []string{"emploi", "concours", "stage", "apprentissage"} {
		kinds = append(kinds, option{Value: k, Label: kindLabels[k], Selected: q.Kind == k})
	}
	for _, r := range regions {
		regs = append(regs, option{Value: r.Code, Label: r.Name, Selected: q.Region == r.Code})
	}
	return &suggestPage{Kinds: kinds, Regions: regs, Teletravail: q.Teletravail,
		UploadLimit: vivier.FormatSize(h.UploadLimit), UploadBytes: h.UploadLimit}, nil
}

// limitSuggestions refuses a client that sends CVs faster than a person
// would: each one is a PDF to parse and a text search to run, for anyone,
// without an account.
func (h *Handler) limitSuggestions(c *fiber.Ctx) error {
	if err := h.allow(c, time.Minute, "Trop de demandes de suggestions en peu de temps. Patientez une minute avant d'envoyer un autre CV.",
		clientLimit(c, "suggest", h.SuggestPerMinute)); err != nil {
		return err
	}
	return c.Next()
}

func (h *Handler) suggest(c *fiber.Ctx) error {
	q := vivier.OfferSearch{Kind: c.FormValue("type"), Region: c.FormValue("region"), Teletravail: ticked(c, "teletravail")}
	up, err := h.readUpload(c, "cv")
	if err == nil && up == nil {
		err = vivier.FieldError("cv", "Choisissez le fichier de votre CV.")
	}
	f := form{name: "candidate/suggest", field: "cv", page: func() (templates.Model, error) { return h.suggestPage(c, q) }}
	return h.finish(c, err, f, func() error {
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
		p, err := h.suggestPage(c, q)
		if err != nil {
			return err
		}
		p.Terms, p.Found, p.Sent = terms, found, true
		return h.Renderer.Page(c, fiber.StatusOK, "candidate/suggest", p)
	})
}
