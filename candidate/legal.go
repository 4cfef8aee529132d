package candidate

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The legal pages show what the platform's operator wrote in the back-office,
// and say so when something the law asks for is still missing; the retention
// periods come from each administration's own setting.

var legalPages = []string{vivier.LegalPageAccessibility, vivier.LegalPageNotice, vivier.LegalPagePrivacy}

// legalPage is one of the legal pages.
type legalPage struct {
	templates.Page
	Legal   *vivier.LegalPages
	BaseURL string
	Missing []string // what the law asks for that the operator has not written yet
	// The privacy notice's retention periods: each administration's, and
	// the platform's default.
	Retention        []vivier.AdministrationRetention
	DefaultRetention string
}

func (h *Handler) legalPage(page string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		legal, err := h.Store.LegalPages(ctx)
		if err != nil {
			return err
		}
		p := &legalPage{Legal: legal, BaseURL: h.BaseURL}
		switch page {
		case vivier.LegalPageNotice:
			p.Missing = legal.LegalNotice.Missing()
		case vivier.LegalPagePrivacy:
			p.Missing = legal.PrivacyNotice.Missing()
			if p.Retention, err = h.Store.RetentionPeriods(ctx); err != nil {
				return err
			}
			def, err := h.Store.DefaultRetentionMonths(ctx)
			if err != nil {
				return err
			}
			p.DefaultRetention = vivier.RetentionText(def)
		case vivier.LegalPageAccessibility:
			p.Missing = legal.AccessibilityStatement.Missing()
		}
		return h.Renderer.Page(c, fiber.StatusOK, "legal/"+page, p)
	}
}

// retentionOf returns, for the apply form, how long the target keeps an
// application it does not retain. A spontaneous application may go to one
// of the administration's directions, which set their own: the form says the
// longest, since it promises "au plus".
func (h *Handler) retentionOf(ctx context.Context, t *applyTarget) (string, error) {
	longest, err := h.Store.RetentionMonths(ctx, t.Adm.ID)
	if err != nil {
		return "", err
	}
	for _, d := range t.Directions {
		m, err := h.Store.RetentionMonths(ctx, d.ID)
		if err != nil {
			return "", err
		}
		longest = max(longest, m)
	}
	return vivier.RetentionText(longest), nil
}
