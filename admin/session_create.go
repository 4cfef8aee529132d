package admin

import (
	"bytes"
	"io"
	"mime"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"

	"vivier"
	"vivier/templates"
)

// The session form's handlers, and the session's attached document: a PDF
// checked as candidates' PDFs are, or an image re-encoded as brand images
// are, so that what the candidates download is what it says.

// sessionDocumentLimit bounds the attached document, as brand images are.
const sessionDocumentLimit = vivier.MaxImageBytes

// sessionFormPage makes a session for an offer.
type sessionFormPage struct {
	templates.Page
	Offer  *vivier.Offer
	Form   sessionForm
	Modes  []vivier.SessionMode
	Agents []vivier.AgentWithRoles
	Base   string // the offer's back office
	// Action is where the form posts; Session is the session changed, nil
	// for a new one.
	Action  string
	Session *vivier.SessionDetail
}

func (h *Handler) newSessionForm(c *fiber.Ctx) error {
	o, err := h.pipelineOffer(c)
	if err != nil {
		return err
	}
	return h.renderSessionForm(c, fiber.StatusOK, o, nil, defaultSessionForm(c), nil)
}

func defaultSessionForm(c *fiber.Ctx) sessionForm {
	return sessionForm{Mode: string(vivier.SessionIndividual), Duration: "30", SlotCapacity: "1",
		Agents: map[int64]bool{currentAgent(c).ID: true}}
}

func (h *Handler) createSession(c *fiber.Ctx) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	o, err := h.pipelineOffer(c)
	if err != nil {
		return err
	}
	if c.FormValue("ouvrir") != "" {
		// From the bulk convocation: the form opens with the selection kept.
		f := defaultSessionForm(c)
		f.Keep, _ = formIDList(c, "ids", "")
		return h.renderSessionForm(c, fiber.StatusOK, o, nil, f, nil)
	}
	f := readSessionForm(c)
	r, errs := f.request(c)
	show := func(c *fiber.Ctx, status int, err error) error { return h.renderSessionForm(c, status, o, nil, f, err) }
	var sess *vivier.InterviewSession
	if err := h.submitSession(c, &r, errs, func() (err error) {
		sess, err = h.Store.CreateSession(ctx, adm.ID, o.ID, r, actor(c), time.Now())
		return err
	}); err != nil {
		return h.finishOrShow(c, err, show, "", "")
	}
	if len(f.Keep) > 0 {
		return h.convokePreview(c, o, sess.ID, f.Keep, "La session est créée.")
	}
	return h.back(c, sessionURL(adm, o.ID, sess.ID), "La session est créée. Convoquez des candidatures depuis la liste ou le tableau de l'offre.")
}

// submitSession saves a session's form with save once it reads, its rules
// hold and its document, if any, is stored; a document whose session is
// refused is deleted.
func (h *Handler) submitSession(c *fiber.Ctx, r *vivier.SessionRequest, errs vivier.FormErrors, save func() error) error {
	// The request's own rules speak for the fields that did read: the
	// first message of a field is the one shown.
	if errs = append(errs, vivier.AsFormErrors(r.Validate(time.Now()))...); errs != nil {
		return errs
	}
	if err := h.storeSessionDocument(c, r); err != nil {
		return err
	}
	err := save()
	if err != nil && r.DocumentKey != "" {
		_ = h.Files.Delete(c.UserContext(), r.DocumentKey) // refused: the file belongs to nothing
	}
	return err
}

func (h *Handler) renderSessionForm(c *fiber.Ctx, status int, o *vivier.Offer, d *vivier.SessionDetail, f sessionForm, ferr error) error {
	adm := currentAdministration(c)
	agents, err := h.Store.AgentsOfAdministration(c.UserContext(), adm.ID)
	if err != nil {
		return err
	}
	p := &sessionFormPage{Offer: o, Form: f, Modes: sessionModes, Agents: agents, Base: offerURL(adm, o.ID),
		Action: sessionsURL(adm, o.ID) + "/nouvelle", Session: d}
	if d != nil {
		p.Action = sessionURL(adm, o.ID, d.ID) + "/modification"
	}
	if ferr != nil {
		summary := vivier.ErrorMessage(ferr)
		if vivier.ErrorCode(ferr) == vivier.EINVALID {
			summary = "La session n'est pas créée."
			if d != nil {
				summary = "La session n'est pas modifiée."
			}
		}
		p.RefuseFields(summary, vivier.AsFormErrors(ferr).ByField())
	}
	return h.page(c, status, "admin/session_form", p)
}

// storeSessionDocument checks the attached file, if any, and puts it in the
// file store, setting the request's document.
func (h *Handler) storeSessionDocument(c *fiber.Ctx, r *vivier.SessionRequest) error {
	fh, err := c.FormFile("document")
	if err != nil || (fh.Filename == "" && fh.Size == 0) {
		return nil // none: browsers send an empty part for an empty file input
	}
	if fh.Size > sessionDocumentLimit {
		return vivier.FieldError("document", "Le document dépasse la taille autorisée ("+vivier.FormatSize(sessionDocumentLimit)+").")
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, sessionDocumentLimit+1))
	_ = f.Close() // read only: a failed close loses nothing
	if err != nil {
		return err
	}
	// The name keeps what the browser gave, with the extension of what the
	// content is.
	stem := strings.TrimSuffix(filepath.Base(fh.Filename), filepath.Ext(fh.Filename))
	var name, contentType string
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		doc, err := vivier.CheckDocument(fh.Filename, data, sessionDocumentLimit)
		if err != nil {
			return vivier.FieldError("document", vivier.ErrorMessage(err))
		}
		name, contentType = stem+".pdf", doc.ContentType
	} else {
		img, err := vivier.ProcessImage(bytes.NewReader(data), vivier.ImageWidth)
		if err != nil {
			return vivier.FieldError("document", "Le document joint n'est ni un PDF ni une image JPEG, PNG ou WebP lisible.")
		}
		data, contentType = img.Data, img.ContentType
		name = stem + "." + img.Ext()
	}
	key := "sessions/" + uuid.NewString()
	if err := h.Files.Put(c.UserContext(), key, data, contentType); err != nil {
		return err
	}
	r.DocumentKey, r.DocumentName, r.DocumentType = key, name, contentType
	return nil
}

// sessionDocument sends the session's attached document.
func (h *Handler) sessionDocument(c *fiber.Ctx) error {
	_, d, err := h.currentSession(c)
	if err != nil {
		return err
	}
	if d.DocumentKey == "" {
		return vivier.Errorf(vivier.ENOTFOUND, "Cette session n'a pas de document joint.")
	}
	r, err := h.Files.Open(c.UserContext(), d.DocumentKey)
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }() // read only: a failed close loses nothing
	c.Set(fiber.HeaderContentType, d.DocumentType)
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": d.DocumentName}))
	c.Set("X-Content-Type-Options", "nosniff")
	_, err = io.Copy(c.Response().BodyWriter(), r)
	return err
}
