package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The platform's legal pages are edited on one page with a form per legal
// page: a platform administrator sees at once what each still lacks, and
// saves one without retyping the others. The retention periods are only
// shown there: each administration sets its own.

func (h *Handler) legalPage(c *fiber.Ctx) error {
	return h.renderLegal(c, fiber.StatusOK, nil, nil)
}

// renderLegal shows the editor with the stored pages; typed (the refused
// form's values) replaces the stored values of its section, and err, a
// field's error, is shown beside it.
func (h *Handler) renderLegal(c *fiber.Ctx, status int, typed map[string]string, err error) error {
	ctx := c.UserContext()
	pages, lerr := h.Store.LegalPages(ctx)
	if lerr != nil {
		return lerr
	}
	periods, lerr := h.Store.RetentionPeriods(ctx)
	if lerr != nil {
		return lerr
	}
	def, lerr := h.Store.DefaultRetentionMonths(ctx)
	if lerr != nil {
		return lerr
	}
	values := legalFormValues(pages)
	for k, v := range typed {
		values[k] = v
	}
	p := &legalPage{Legal: pages, Values: values, Retention: periods,
		DefaultRetention: vivier.RetentionText(def), Conformances: vivier.Conformances}
	if err != nil {
		p.Refuse("La page n'a pas été enregistrée.", fieldOf(err), err)
	}
	return h.page(c, status, "admin/platform_legal", p)
}

// legalPage edits the platform's legal pages, and shows the retention
// periods that each administration sets.
type legalPage struct {
	templates.Page
	Legal            *vivier.LegalPages
	Values           map[string]string // each field's value: stored, or typed in a refused form
	Retention        []vivier.AdministrationRetention
	DefaultRetention string
	Conformances     []vivier.Conformance
}

// legalDone goes back to the section saved, or shows the form again with
// its error.
func (h *Handler) legalDone(c *fiber.Ctx, section string, typed map[string]string, err error, msg string) error {
	redo := func(err error) error { return h.renderLegal(c, fiber.StatusUnprocessableEntity, typed, err) }
	return h.finish(c, err, redo, platformURL("pages-legales")+"#"+section, msg)
}

func (h *Handler) saveLegalNotice(c *fiber.Ctx) error {
	typed := formValues(c, legalNoticeFields)
	n := vivier.LegalNotice{PublisherName: typed["publisher_name"], PublisherAddress: typed["publisher_address"],
		PublicationDirector: typed["publication_director"], HostName: typed["host_name"], HostAddress: typed["host_address"],
		HostContact: typed["host_contact"]}
	err := h.Store.SetLegalNotice(c.UserContext(), n, actor(c))
	return h.legalDone(c, vivier.LegalPageNotice, typed, err, "Mentions légales enregistrées.")
}

func (h *Handler) savePrivacyNotice(c *fiber.Ctx) error {
	typed := formValues(c, privacyNoticeFields)
	p := vivier.PrivacyNotice{ControllerName: typed["controller_name"], ControllerAddress: typed["controller_address"],
		DPOEmail: typed["dpo_email"], DPOAddress: typed["dpo_address"], Purposes: typed["purposes"], LegalBasis: typed["legal_basis"]}
	err := h.Store.SetPrivacyNotice(c.UserContext(), p, actor(c))
	return h.legalDone(c, vivier.LegalPagePrivacy, typed, err, "Page «\u00a0Données personnelles\u00a0» enregistrée.")
}

func (h *Handler) saveAccessibilityStatement(c *fiber.Ctx) error {
	typed := formValues(c, accessibilityFields)
	a, err := readAccessibility(typed)
	if err == nil {
		err = h.Store.SetAccessibilityStatement(c.UserContext(), a, actor(c))
	}
	return h.legalDone(c, vivier.LegalPageAccessibility, typed, err, "Déclaration d'accessibilité enregistrée.")
}
