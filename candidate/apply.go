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
	return &applyTarget{Offer: o, Adm: adm, Action: "/offres/" + strconv.FormatInt(o.ID, 10) + "/postuler"}, nil
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

func (h *Handler) applyForm(target func(*fiber.Ctx) (*applyTarget, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := target(c)
		if err != nil {
			return err
		}
		if t.Offer != nil && !vivier.OfferOpen(t.Offer, time.Now()) {
			return vivier.ErrOfferClosed
		}
		return h.renderApply(c, fiber.StatusOK, t, &vivier.Submission{IdempotencyKey: uuid.NewString()}, nil, "")
	}
}

func (h *Handler) renderApply(c *fiber.Ctx, status int, t *applyTarget, sub *vivier.Submission, fields map[string]string, msg string) error {
	domaines, err := h.Store.Domaines(c.UserContext())
	if err != nil {
		return err
	}
	var sources []option
	for _, s := range vivier.Sources {
		sources = append(sources, option{Value: s, Label: sourceLabels[s], Selected: s == sub.Source})
	}
	var order []string // the error summary lists fields in the form's order
	if fields["form"] != "" {
		msg = fields["form"]
	}
	for _, f := range []string{"first_name", "last_name", "email", "phone", "cv", "letter"} {
		if fields[f] != "" {
			order = append(order, f)
		}
	}
	if t.Offer != nil {
		for _, q := range t.Offer.Questions.V {
			if fields["q_"+q.ID] != "" {
				order = append(order, "q_"+q.ID)
			}
		}
	}
	if fields["consent"] != "" {
		order = append(order, "consent")
	}
	retention, err := h.retentionOf(c.UserContext(), t)
	if err != nil {
		return err
	}
	return h.Renderer.Page(c, status, "candidate/apply", templates.Map{
		"T": t, "Sub": sub, "Retention": retention, "Fields": fields, "ErrorOrder": order, "Error": msg, "Sources": sources, "Domaines": domaines,
		"UploadLimit": vivier.FormatSize(h.UploadLimit), "UploadBytes": h.UploadLimit,
	})
}

func (h *Handler) apply(target func(*fiber.Ctx) (*applyTarget, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := target(c)
		if err != nil {
			return err
		}
		// Counted before the files are read and checked: a flood costs
		// a counter, not a document parse per request.
		if err := h.limitApply(c, c.FormValue("email")); err != nil {
			return err
		}
		sub, fields := h.readSubmission(c, t)
		if err := sub.Validate(t.Offer); err != nil {
			for f, m := range vivier.AsFormErrors(err).ByField() {
				if fields[f] == "" {
					fields[f] = m
				}
			}
		}
		if len(fields) > 0 {
			return h.renderApply(c, fiber.StatusUnprocessableEntity, t, sub, fields,
				"Votre candidature n'est pas encore envoyée : corrigez les champs signalés.")
		}
		// A second application to the offer with the same address gets the
		// same answer as a first one: the page never says whether an address
		// applied; the address's owner is told by email.
		if _, _, err = h.Store.Apply(c.UserContext(), sub, t.Offer, h.Files); err != nil && !errors.Is(err, vivier.ErrAlreadyApplied) {
			return err
		}
		return c.Redirect(t.Action+"/envoyee", fiber.StatusSeeOther)
	}
}

// limitApply slows down floods from one address or to one email. An
// address that does not parse is not counted by email (the form refuses it
// anyway), so that the forms sent without one do not share a count.
func (h *Handler) limitApply(c *fiber.Ctx, rawEmail string) error {
	type limit struct {
		key  string
		rate int
	}
	limits := []limit{{"apply:ip:" + templates.ClientIP(c), h.ApplyPerHour}}
	if email, err := vivier.ParseEmail(rawEmail); err == nil {
		limits = append(limits, limit{"apply:email:" + email, max(h.ApplyPerHour/3, 1)})
	}
	for _, k := range limits {
		ok, retry, err := h.Limiter.Allow(c.UserContext(), k.key, k.rate, time.Hour)
		if err != nil {
			return err
		}
		if !ok {
			return templates.TooMany(c, retry, "Trop de candidatures envoyées en peu de temps. Patientez une heure avant de réessayer.")
		}
	}
	return nil
}

func (h *Handler) applySent(target func(*fiber.Ctx) (*applyTarget, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := target(c)
		if err != nil {
			return err
		}
		return h.Renderer.Page(c, fiber.StatusOK, "candidate/apply_sent", templates.Map{"T": t})
	}
}

// readSubmission reads the form; errors about the files are returned by
// field, since a file that fails its check is not kept.
func (h *Handler) readSubmission(c *fiber.Ctx, t *applyTarget) (*vivier.Submission, map[string]string) {
	sub := &vivier.Submission{
		Civility: c.FormValue("civility"), FirstName: c.FormValue("first_name"), LastName: c.FormValue("last_name"),
		Email: c.FormValue("email"), Phone: c.FormValue("phone"), Source: c.FormValue("source"),
		LetterText: c.FormValue("letter_text"), Consent: c.FormValue("consent") == "oui",
		TalentPool: c.FormValue("talent_pool") == "oui", IdempotencyKey: c.FormValue("idempotency_key"),
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
	fields := map[string]string{}
	for field, dst := range map[string]**vivier.Upload{"cv": &sub.CV, "letter": &sub.Letter} {
		up, err := h.readUpload(c, field)
		if err != nil {
			fields[field] = vivier.ErrorMessage(err) + " Joignez de nouveau un fichier valide."
			continue
		}
		*dst = up
	}
	return sub, fields
}

// readUpload reads and checks one file field; no file is not an error.
func (h *Handler) readUpload(c *fiber.Ctx, field string) (*vivier.Upload, error) {
	fh, err := c.FormFile(field)
	if err != nil || (fh.Filename == "" && fh.Size == 0) {
		return nil, nil // not sent: browsers send an empty part for an empty file input
	}
	if fh.Size > h.UploadLimit {
		return nil, vivier.Errorf(vivier.ETOOLARGE, "Le fichier « %s » dépasse la taille autorisée (%s).", fh.Filename, vivier.FormatSize(h.UploadLimit))
	}
	data, err := readFileHeader(fh, h.UploadLimit)
	if err != nil {
		return nil, err
	}
	doc, err := vivier.CheckDocument(fh.Filename, data, h.UploadLimit)
	if err != nil {
		return nil, err
	}
	return &vivier.Upload{Document: *doc, Data: data}, nil
}

func readFileHeader(fh *multipart.FileHeader, limit int64) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}
