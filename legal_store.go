package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

const legalColumns = `publisher_name, publisher_address, publication_director, host_name, host_address, host_contact,
	controller_name, controller_address, dpo_email, dpo_address, purposes, legal_basis,
	conformance, conformance_rate, rgaa_version, audit_date, audited_by, audit_scope,
	technologies, non_compliant, derogations, exempt, accessibility_email, accessibility_other, declared_on, updated_at`

// LegalPages returns the platform's legal pages; a platform that has never
// had them (the row is written by the migration) reads as not filled in.
func (s *Store) LegalPages(ctx context.Context) (*LegalPages, error) {
	var p LegalPages
	err := s.db.GetContext(ctx, &p, `SELECT `+legalColumns+` FROM legal_pages WHERE id`)
	if errors.Is(err, sql.ErrNoRows) {
		return &LegalPages{}, nil
	}
	if err != nil {
		return nil, wrap("LegalPages", err)
	}
	return &p, nil
}

// SetLegalNotice saves the mentions légales.
func (s *Store) SetLegalNotice(ctx context.Context, n LegalNotice, actor Actor) error {
	if err := n.Validate(); err != nil {
		return err
	}
	return s.saveLegal(ctx, "SetLegalNotice", LegalPageNotice, actor, func(before *LegalPages) []string {
		changed := legalChanges(before.LegalNotice.fields(), n.fields())
		before.LegalNotice = n
		return changed
	})
}

// SetPrivacyNotice saves the données personnelles page.
func (s *Store) SetPrivacyNotice(ctx context.Context, p PrivacyNotice, actor Actor) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.saveLegal(ctx, "SetPrivacyNotice", LegalPagePrivacy, actor, func(before *LegalPages) []string {
		changed := legalChanges(before.PrivacyNotice.fields(), p.fields())
		before.PrivacyNotice = p
		return changed
	})
}

// SetAccessibilityStatement saves the déclaration d'accessibilité.
func (s *Store) SetAccessibilityStatement(ctx context.Context, a AccessibilityStatement, actor Actor) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.saveLegal(ctx, "SetAccessibilityStatement", LegalPageAccessibility, actor, func(before *LegalPages) []string {
		changed := legalChanges(before.AccessibilityStatement.comparable(), a.comparable())
		before.AccessibilityStatement = a
		return changed
	})
}

// saveLegal locks the row, lets change apply one page's fields to it (and
// say which changed), writes it back and the audit log. The platform's
// changes belong to no administration.
func (s *Store) saveLegal(ctx context.Context, op, page string, actor Actor, change func(*LegalPages) []string) error {
	return s.inTx(ctx, op, func(tx *sqlx.Tx) error {
		var p LegalPages
		err := tx.GetContext(ctx, &p, `SELECT `+legalColumns+` FROM legal_pages WHERE id FOR UPDATE`)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		changed := change(&p)
		if _, err := tx.NamedExecContext(ctx, `INSERT INTO legal_pages (id, `+legalColumns+`)
			VALUES (true, :publisher_name, :publisher_address, :publication_director, :host_name, :host_address, :host_contact,
				:controller_name, :controller_address, :dpo_email, :dpo_address, :purposes, :legal_basis,
				:conformance, :conformance_rate, :rgaa_version, :audit_date, :audited_by, :audit_scope,
				:technologies, :non_compliant, :derogations, :exempt, :accessibility_email, :accessibility_other, :declared_on, now())
			ON CONFLICT (id) DO UPDATE SET (`+legalColumns+`) = (EXCLUDED.publisher_name, EXCLUDED.publisher_address,
				EXCLUDED.publication_director, EXCLUDED.host_name, EXCLUDED.host_address, EXCLUDED.host_contact,
				EXCLUDED.controller_name, EXCLUDED.controller_address, EXCLUDED.dpo_email, EXCLUDED.dpo_address, EXCLUDED.purposes,
				EXCLUDED.legal_basis, EXCLUDED.conformance, EXCLUDED.conformance_rate, EXCLUDED.rgaa_version, EXCLUDED.audit_date,
				EXCLUDED.audited_by, EXCLUDED.audit_scope, EXCLUDED.technologies, EXCLUDED.non_compliant, EXCLUDED.derogations,
				EXCLUDED.exempt, EXCLUDED.accessibility_email, EXCLUDED.accessibility_other, EXCLUDED.declared_on, now())`, &p); err != nil {
			return err
		}
		summary := map[string]string{"champs modifiés": "aucun"}
		if len(changed) > 0 {
			summary["champs modifiés"] = strings.Join(changed, ", ")
		}
		return insertAudit(ctx, tx, nil, actor, "legal_page.updated", page, summary)
	})
}

// legalChanges names the fields whose value differs.
func legalChanges(before, after []legalField) []string {
	var out []string
	for i := range before {
		if *before[i].Value != *after[i].Value {
			out = append(out, before[i].Label)
		}
	}
	return out
}

// RetentionPeriods lists every administration with how long it keeps the
// applications it did not retain, for the page that tells candidates. It
// reads across administrations on purpose: the periods are public, and a
// candidate must be able to compare them before applying.
func (s *Store) RetentionPeriods(ctx context.Context) ([]AdministrationRetention, error) {
	var out []AdministrationRetention
	err := s.db.SelectContext(ctx, &out, `SELECT name, retention_months FROM administrations
		ORDER BY unaccent(lower(name)), id`)
	return out, wrap("RetentionPeriods", err)
}

// DefaultRetentionMonths returns the period that an administration gets
// until its administrator sets one: the column's default, so that the page
// cannot drift from the schema.
func (s *Store) DefaultRetentionMonths(ctx context.Context) (int, error) {
	var def string
	if err := s.db.GetContext(ctx, &def, `SELECT column_default FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = 'administrations' AND column_name = 'retention_months'`); err != nil {
		return 0, wrap("DefaultRetentionMonths", err)
	}
	n, err := strconv.Atoi(def)
	if err != nil {
		return 0, wrap("DefaultRetentionMonths", errors.New("retention_months has no integer default: "+def))
	}
	return n, nil
}

// comparable lists every field of the statement as text, in the form's
// order, for the audit log to say which changed.
func (a *AccessibilityStatement) comparable() []legalField {
	date := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format("2006-01-02")
	}
	list := func(l []string) string { return strings.Join(l, "\n") }
	text := []struct{ label, value string }{
		{"État de conformité", string(a.Conformance)}, {"Taux de conformité", a.RateText()}, {"Date de l'audit", date(a.AuditDate)},
		{"Version du RGAA", a.RGAAVersion}, {"Auteur de l'audit", a.AuditedBy}, {"Pages auditées", a.AuditScope},
		{"Technologies utilisées", list(a.Technologies)}, {"Contenus non accessibles", list(a.NonCompliant)},
		{"Dérogations pour charge disproportionnée", list(a.Derogations)}, {"Contenus non soumis à l'obligation", list(a.Exempt)},
		{"Adresse électronique de contact pour l'accessibilité", a.ContactEmail}, {"Autre moyen de contact", a.ContactOther},
		{"Date de la déclaration", date(a.DeclaredOn)},
	}
	out := make([]legalField, len(text))
	for i := range text {
		out[i] = legalField{Label: text[i].label, Value: &text[i].value}
	}
	return out
}
