package candidate

import (
	"errors"
	"io"
	"mime/multipart"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"vivier"
	"vivier/templates"
)

// Applying takes no account: the form, one transaction, an email with the
// link to follow it. The form works without JavaScript; a refused form comes
// back filled in, with every error listed at the top and beside its field.

var sourceLabels = map[string]string{
	"site_vivier": "Ce site", "choisir_service_public": "Choisir le Service Public", "site_employeur": "Le site de l'employeur",
	"france_travail": "France Travail", "linkedin": "LinkedIn", "reseaux_sociaux": "Un autre réseau social",
	"bouche_a_oreille": "Le bouche-à-oreille", "salon": "Un salon ou un forum", "ecole": "Mon école ou mon université", "autre": "Autre",
}

// applyTarget is what the form applies to: an offer, or an administration
// for a spontaneous application.
type applyTarget struct {
	Offer      *vivier.Offer
	Adm        *vivier.Administration
	Action     string                  // the form's URL
	Directions []vivier.Administration // spontaneous: the active directions one may choose
}

func (h *Handler) offerTarget(c *fiber.Ctx) (*applyTarget, error) {
	id, err := templates.PathID(strings.SplitN(c.Params("id"), "-", 2)[0])
	if err != nil {
		return nil, err
	}
	o, adm, err := h.Store.PublicOffer(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	return &applyTarget{Offer: o, Adm: adm, Action: offerPath(o.ID) + "/postuler"}, nil
}

func (h *Handler) spontaneousTarget(c *fiber.Ctx) (*applyTarget, error) {
	adm, err := h.Store.AdministrationBySlug(c.UserContext(), c.Params("slug"))
	if err != nil || adm.Status != "active" {
		return nil, vivier.Errorf(vivier.ENOTFOUND, "Cet employeur n'existe pas.")
	}
	children, err := h.Store.ChildAdministrations(c.UserContext(), adm.ID)
	if err != nil {
		return nil, err
	}
	t := &applyTarget{Adm: adm, Action: "/employeurs/" + adm.Slug + "/candidature-spontanee"}
	for _, ch := range children {
		if ch.Status == "active" {
			t.Directions = append(t.Directions, ch)
		}
	}
	return t, nil
}

// applyPage is the application form, filled in with what was sent when it
// comes back refused.
type applyPage struct {
	templates.Page
	T           *applyTarget
	Sub         *vivier.Submission
	Retention   string // how long an application not retained is kept
	Sources     []option
	Domaines    []vivier.Domaine
	UploadLimit string                 // in words
	UploadBytes int64                  // for the script that checks a file's size before sending it
	Documents   []vivier.OfferDocument // the offer's, one upload field each (vivier.PieceField)
}

// ErrorOrder lists the refused fields in the form's order, for the summary
// at the top.
func (p *applyPage) ErrorOrder() []string {
	var order []string
	fields := []string{"first_name", "last_name", "email", "phone", "cv", "letter"}
	for i := range p.Documents {
		fields = append(fields, vivier.PieceField(i))
	}
	for _, f := range fields {
		if p.Fields[f] != "" {
			order = append(order, f)
		}
	}
	if p.T.Offer != nil {
		for _, q := range p.T.Offer.Questions.V {
			if p.Fields["q_"+q.ID] != "" {
				order = append(order, "q_"+q.ID)
			}
		}
	}
	if p.Fields["consent"] != "" {
		order = append(order, "consent")
	}
	return order
}

func (h *Handler) applyForm(target func(*fiber.Ctx) (*applyTarget, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := target(c)
		if err != nil {
			return err
		}
		if t.Offer != nil && !vivier.OfferOpen(t.Offer, time.Now()) {
			return vivier.ErrOfferClosed
		}
		agentID, ok, err := h.reservedGate(c, t)
		if !ok {
			return err
		}
		sub := &vivier.Submission{IdempotencyKey: uuid.NewString()}
		if agentID != nil {
			sub.Email = h.mobilityAgent(c).Email // a public agent applies with their professional address
		}
		p, err := h.applyPage(c, t, sub)
		if err != nil {
			return err
		}
		return h.Renderer.Page(c, fiber.StatusOK, "candidate/apply", p)
	}
}

func (h *Handler) applyPage(c *fiber.Ctx, t *applyTarget, sub *vivier.Submission) (*applyPage, error) {
	domaines, err := h.Store.Domaines(c.UserContext())
	if err != nil {
		return nil, err
	}
	var sources []option
	for _, s := range vivier.Sources {
		sources = append(sources, option{Value: s, Label: sourceLabels[s], Selected: s == sub.Source})
	}
	retention, err := h.retentionOf(c.UserContext(), t)
	if err != nil {
		return nil, err
	}
	p := &applyPage{T: t, Sub: sub, Retention: retention, Sources: sources, Domaines: domaines,
		UploadLimit: vivier.FormatSize(h.UploadLimit), UploadBytes: h.UploadLimit}
	if t.Offer != nil {
		p.Documents = t.Offer.Criteria.V.Documents()
	}
	return p, nil
}

func (h *Handler) apply(target func(*fiber.Ctx) (*applyTarget, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := target(c)
		if err != nil {
			return err
		}
		agentID, ok, err := h.reservedGate(c, t)
		if !ok {
			return err
		}
		// Counted before the files are read and checked: a flood costs
		// a counter, not a document parse per request.
		if err := h.limitApply(c, c.FormValue("email")); err != nil {
			return err
		}
		sub, refused := h.readSubmission(c, t)
		sub.MobilityAgentID = agentID
		f := form{name: "candidate/apply", summary: "Votre candidature n'est pas encore envoyée : corrigez les champs signalés.",
			page: func() (templates.Model, error) { return h.applyPage(c, t, sub) }}
		if m := vivier.AsFormErrors(refused).ByField()["form"]; m != "" {
			f.summary = m // the form itself expired: what to do comes first
		}
		return h.finish(c, refused, f, func() error {
			// A second application to the offer with the same address gets
			// the same answer as a first one: the page never says whether an
			// address applied; the address's owner is told by email.
			if _, _, err := h.Store.Apply(c.UserContext(), sub, t.Offer, h.Files); err != nil && !errors.Is(err, vivier.ErrAlreadyApplied) {
				return err
			}
			return c.Redirect(t.Action+"/envoyee", fiber.StatusSeeOther)
		})
	}
}

// limitApply slows down floods from one address or to one email. An
// address that does not parse is not counted by email (the form refuses it
// anyway), so that the forms sent without one do not share a count.
func (h *Handler) limitApply(c *fiber.Ctx, rawEmail string) error {
	limits := []limit{clientLimit(c, "apply", h.ApplyPerHour)}
	if email, err := vivier.ParseEmail(rawEmail); err == nil {
		limits = append(limits, emailLimit("apply", email, max(h.ApplyPerHour/3, 1)))
	}
	return h.allow(c, time.Hour, "Trop de candidatures envoyées en peu de temps. Patientez une heure avant de réessayer.", limits...)
}

// applySentPage confirms that an application was sent.
type applySentPage struct {
	templates.Page
	T *applyTarget
}

func (h *Handler) applySent(target func(*fiber.Ctx) (*applyTarget, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := target(c)
		if err != nil {
			return err
		}
		return h.Renderer.Page(c, fiber.StatusOK, "candidate/apply_sent", &applySentPage{T: t})
	}
}

// readSubmission reads the form, and what it refuses: the files that fail
// their check (they are not kept, so the candidate joins them again), then
// what the domain's rules refuse.
func (h *Handler) readSubmission(c *fiber.Ctx, t *applyTarget) (*vivier.Submission, error) {
	sub := &vivier.Submission{
		Civility: c.FormValue("civility"), FirstName: c.FormValue("first_name"), LastName: c.FormValue("last_name"),
		Email: c.FormValue("email"), Phone: c.FormValue("phone"), Source: c.FormValue("source"),
		LetterText: c.FormValue("letter_text"), Consent: ticked(c, "consent"),
		TalentPool: ticked(c, "talent_pool"), IdempotencyKey: c.FormValue("idempotency_key"),
		Answers: map[string]string{},
	}
	if t.Offer == nil {
		sub.AdministrationID = t.Adm.ID
		for _, d := range t.Directions { // only one of its own directions
			if strconv.FormatInt(d.ID, 10) == c.FormValue("direction") {
				sub.AdministrationID = d.ID
			}
		}
		if d := c.FormValue("domaine"); d != "" {
			sub.DomaineCode = &d
		}
	} else {
		for _, q := range t.Offer.Questions.V {
			sub.Answers[q.ID] = c.FormValue("q_" + q.ID)
		}
	}
	var refused vivier.FormErrors
	for _, file := range []struct {
		field string
		dst   **vivier.Upload
	}{{"cv", &sub.CV}, {"letter", &sub.Letter}} {
		up, err := h.readUpload(c, file.field)
		if err != nil {
			refused = append(refused, vivier.FieldError(file.field, vivier.ErrorMessage(err)+" Joignez de nouveau un fichier valide."))
			continue
		}
		*file.dst = up
	}
	if t.Offer != nil {
		var bad vivier.FormErrors
		sub.Pieces, bad = h.readPieces(c, t.Offer.Criteria.V.Documents())
		refused = append(refused, bad...)
	}
	refused = append(refused, vivier.AsFormErrors(sub.Validate(t.Offer))...)
	if len(refused) == 0 {
		return sub, nil
	}
	return sub, refused
}

// readUpload reads and checks one file field; no file is not an error.
func (h *Handler) readUpload(c *fiber.Ctx, field string) (*vivier.Upload, error) {
	name, data, err := h.readFile(c, field)
	if data == nil || err != nil {
		return nil, err
	}
	doc, err := vivier.CheckDocument(name, data, h.UploadLimit)
	if err != nil {
		return nil, err
	}
	return &vivier.Upload{Document: *doc, Data: data}, nil
}

// readFile reads one file field within the upload limit; nil data when
// none was sent. What the bytes are is for the caller's check.
func (h *Handler) readFile(c *fiber.Ctx, field string) (string, []byte, error) {
	fh, err := c.FormFile(field)
	if err != nil || (fh.Filename == "" && fh.Size == 0) {
		return "", nil, nil // not sent: browsers send an empty part for an empty file input
	}
	if fh.Size > h.UploadLimit {
		return "", nil, vivier.Errorf(vivier.ETOOLARGE, "Le fichier « %s » dépasse la taille autorisée (%s).", fh.Filename, vivier.FormatSize(h.UploadLimit))
	}
	data, err := readFileHeader(fh, h.UploadLimit)
	return fh.Filename, data, err
}

func readFileHeader(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	return data, errors.Join(err, f.Close())
}
