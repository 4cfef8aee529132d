package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"vivier"
)

// The legal pages filled in, and the editor showing an error, pass axe (the
// pages as shipped, not filled in, are in the foundation pages' walk).
func TestLegalPagesAccessibility(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	ctx := context.Background()
	s, who := p.Store(), vivier.Actor{Email: "plateforme@demo.vivier.test"}
	if err := s.SetLegalNotice(ctx, vivier.LegalNotice{PublisherName: "DINUM", PublisherAddress: "20 avenue de Ségur\n75007 Paris",
		PublicationDirector: "Camille Directrice", HostName: "Hébergeur", HostAddress: "Lille", HostContact: "01 23 45 67 89"}, who); err != nil {
		t.Fatal(err)
	}
	if err := s.SetPrivacyNotice(ctx, vivier.PrivacyNotice{ControllerName: "Ministère", ControllerAddress: "Paris", DPOEmail: "dpd@exemple.gouv.fr",
		DPOAddress: "DPD\nParis", Purposes: "Recruter.", LegalBasis: "Mission d'intérêt public."}, who); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)
	if err := s.SetAccessibilityStatement(ctx, vivier.AccessibilityStatement{Conformance: vivier.ConformancePartial, Rate: ptr(72.5),
		RGAAVersion: "4.1.2", AuditDate: &day, AuditedBy: "Cabinet", AuditScope: "Accueil", Technologies: []string{"HTML5", "CSS"},
		NonCompliant: []string{"Le graphique"}, Derogations: []string{"Les anciennes offres"}, ContactEmail: "a11y@exemple.gouv.fr",
		ContactOther: "Formulaire en ligne", DeclaredOn: &day}, who); err != nil {
		t.Fatal(err)
	}

	bctx, console := browser(t)
	for _, path := range []string{"/mentions-legales", "/donnees-personnelles", "/accessibilite"} {
		if err := chromedp.Do(bctx, chromedp.Navigate(p.URL+path), chromedp.WaitVisible("footer")); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
		if n := read(t, bctx, chromedp.Evaluate[int](`document.querySelectorAll('#page-incomplete').length`)); n != 0 {
			t.Errorf("%s filled in says it is incomplete", path)
		}
		axeCheck(t, bctx, path+" filled in")
	}

	if err := chromedp.Do(bctx, signInUntil(p, "plateforme@demo.vivier.test", `a[href="/admin/plateforme/administrations"]`,
		chromedp.Navigate(p.URL+"/admin/plateforme/pages-legales"),
		chromedp.WaitVisible("#conformance_rate"),
		chromedp.SetValue("#conformance_rate", "beaucoup"),
		chromedp.Click(`form[action$="/accessibilite"] button[type="submit"]`),
		chromedp.WaitVisible("#conformance_rate-error"),
	)...); err != nil {
		t.Fatal(err)
	}
	axeCheck(t, bctx, "legal pages' editor with an error")
	noConsoleErrors(t, console)
}
