package admin

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// The legal pages' forms, field by field. Every value travels as typed, so
// that a refused form comes back as it was sent.

var (
	legalNoticeFields   = []string{"publisher_name", "publisher_address", "publication_director", "host_name", "host_address", "host_contact"}
	privacyNoticeFields = []string{"controller_name", "controller_address", "dpo_email", "dpo_address", "purposes", "legal_basis"}
	accessibilityFields = []string{"conformance", "conformance_rate", "rgaa_version", "audit_date", "audited_by", "audit_scope",
		"technologies", "non_compliant", "derogations", "exempt", "accessibility_email", "accessibility_other", "declared_on"}
)

// formValues reads the named form values. They are used within the request
// only (stored by the database driver's copy, or shown again at once).
func formValues(c *fiber.Ctx, names []string) map[string]string {
	out := make(map[string]string, len(names))
	for _, n := range names {
		out[n] = c.FormValue(n)
	}
	return out
}

// legalFormValues writes the stored pages as the forms show them.
func legalFormValues(p *vivier.LegalPages) map[string]string {
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format("2006-01-02")
	}
	a := p.AccessibilityStatement
	return map[string]string{
		"publisher_name": p.PublisherName, "publisher_address": p.PublisherAddress, "publication_director": p.PublicationDirector,
		"host_name": p.HostName, "host_address": p.HostAddress, "host_contact": p.HostContact,
		"controller_name": p.ControllerName, "controller_address": p.ControllerAddress, "dpo_email": p.DPOEmail,
		"dpo_address": p.DPOAddress, "purposes": p.Purposes, "legal_basis": p.LegalBasis,
		"conformance": string(a.Conformance), "conformance_rate": a.RateText(), "rgaa_version": a.RGAAVersion,
		"audit_date": date(a.AuditDate), "audited_by": a.AuditedBy, "audit_scope": a.AuditScope,
		"technologies": strings.Join(a.Technologies, "\n"), "non_compliant": strings.Join(a.NonCompliant, "\n"),
		"derogations": strings.Join(a.Derogations, "\n"), "exempt": strings.Join(a.Exempt, "\n"),
		"accessibility_email": a.ContactEmail, "accessibility_other": a.ContactOther, "declared_on": date(a.DeclaredOn),
	}
}

// readAccessibility reads the statement's form: a rate in percent (a comma
// or a point), dates as a date field sends them or as people type them,
// lists one item a line.
func readAccessibility(v map[string]string) (vivier.AccessibilityStatement, error) {
	a := vivier.AccessibilityStatement{Conformance: vivier.Conformance(strings.TrimSpace(v["conformance"])),
		RGAAVersion: v["rgaa_version"], AuditedBy: v["audited_by"], AuditScope: v["audit_scope"],
		ContactEmail: v["accessibility_email"], ContactOther: v["accessibility_other"],
		Technologies: lines(v["technologies"]), NonCompliant: lines(v["non_compliant"]),
		Derogations: lines(v["derogations"]), Exempt: lines(v["exempt"])}
	if s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v["conformance_rate"]), "%")); s != "" {
		r, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		if err != nil {
			return a, vivier.FieldError("conformance_rate", "Saisissez le taux en pourcentage, par exemple 72,5.")
		}
		a.Rate = &r
	}
	var err error
	if a.AuditDate, err = formDate("audit_date", v["audit_date"]); err != nil {
		return a, err
	}
	if a.DeclaredOn, err = formDate("declared_on", v["declared_on"]); err != nil {
		return a, err
	}
	return a, nil
}

func formDate(field, s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return &t, nil
		}
	}
	return nil, vivier.FieldError(field, "Saisissez une date valide, par exemple 12/03/2026.")
}
