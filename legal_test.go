package vivier_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"vivier"
)

func TestConformanceFollowsTheRGAAThresholds(t *testing.T) {
	t.Parallel()
	for rate, want := range map[float64]vivier.Conformance{0: vivier.ConformanceNone, 49.99: vivier.ConformanceNone,
		50: vivier.ConformancePartial, 99.99: vivier.ConformancePartial, 100: vivier.ConformanceFull} {
		if got := vivier.ConformanceOf(rate); got != want {
			t.Errorf("ConformanceOf(%v) = %s, want %s", rate, got, want)
		}
	}
	a := vivier.AccessibilityStatement{Conformance: vivier.ConformanceFull, Rate: ptr(99.5)}
	if err := a.Validate(); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("totally conforming at 99,5 %% = %v", err)
	}
	a = vivier.AccessibilityStatement{Conformance: "a-moitie"}
	if err := a.Validate(); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("an unknown state = %v", err)
	}
}

// A statement without an audit needs less than one with; an audit brings
// its date, rate, technologies and the contents that fail.
func TestAccessibilityStatementMissing(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	noAudit := vivier.AccessibilityStatement{Conformance: vivier.ConformanceNone, ContactEmail: "a11y@exemple.gouv.fr", DeclaredOn: &day}
	if m := noAudit.Missing(); len(m) != 0 {
		t.Errorf("a statement without an audit lacks %v", m)
	}
	audited := noAudit
	audited.Conformance, audited.Rate = vivier.ConformancePartial, ptr(60.0)
	want := []string{"Date de l'audit", "Technologies utilisées", "Contenus non accessibles", "Version du RGAA", "Auteur de l'audit", "Pages auditées"}
	if m := audited.Missing(); !reflect.DeepEqual(m, want) {
		t.Errorf("an audit without its details lacks %v, want %v", m, want)
	}
	if got := vivier.FrenchDate(day); got != "1er mars 2026" {
		t.Errorf("FrenchDate = %q", got)
	}
}

func TestLegalPagesStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	p, err := s.LegalPages(ctx)
	if err != nil || len(p.LegalNotice.Missing()) != 6 {
		t.Fatalf("fresh legal pages = %+v, %v", p, err)
	}
	n := vivier.LegalNotice{PublisherName: "  Éditeur\r\n", PublisherAddress: "1 rue\r\n75000 Paris", HostName: "Hôte"}
	if err := s.SetLegalNotice(ctx, n, vivier.Actor{Email: "plateforme@exemple.gouv.fr"}); err != nil {
		t.Fatal(err)
	}
	// Saving one page leaves the others alone.
	if err := s.SetPrivacyNotice(ctx, vivier.PrivacyNotice{DPOEmail: "DPD@Exemple.gouv.fr"}, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPrivacyNotice(ctx, vivier.PrivacyNotice{DPOEmail: "pas une adresse"}, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("a bad DPO address = %v", err)
	}
	p, err = s.LegalPages(ctx)
	if err != nil || p.PublisherName != "Éditeur" || p.PublisherAddress != "1 rue\n75000 Paris" || p.HostName != "Hôte" ||
		p.DPOEmail != "dpd@exemple.gouv.fr" {
		t.Fatalf("stored = %+v, %v", p, err)
	}
	var summary string
	if err := s.DB().Get(&summary, `SELECT summary->>'champs modifiés' FROM audit_log WHERE action = 'legal_page.updated' AND target = 'mentions-legales'`); err != nil ||
		summary != "Nom de l'éditeur, Adresse de l'éditeur, Nom de l'hébergeur" {
		t.Fatalf("audit summary = %q, %v", summary, err)
	}
	if def, err := s.DefaultRetentionMonths(ctx); err != nil || def != 24 {
		t.Fatalf("DefaultRetentionMonths = %d, %v", def, err)
	}
}
