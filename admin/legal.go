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
	data := templates.Map{"Legal": pages, "Values": values, "Fields": map[string]string{}, "Retention": periods,
		"DefaultRetention": vivier.RetentionText(def), "Conformances": vivier.Conformances}
	if err != nil {
		data["Error"] = "La page n'a pas été enregistrée."
		data["Fields"] = map[string]string{fieldOf(err): vivier.ErrorMessage(err)}
	}
	return h.page(c, status, "admin/platform_legal", data)
}

// legalDone goes back to the section saved, or shows the form again with
// its error.
func (h *Handler) legalDone(c *fiber.Ctx, section string, typed map[string]string, err error, msg string) error {
	if fieldOf(err) != "" {
		return h.renderLegal(c, fiber.StatusUnprocessableEntity, typed, err)
	}
	if err != nil {
		return err
	}
	return h.back(c, platformURL("pages-legales")+"#"+section, msg)
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
