package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"vivier"
)

// An administration's slug names it in /admin/{slug} and /employeurs/{slug}:
// a slug equal to a route's segment there would hide the route, or the
// administration. Every such segment of the running program's routes is
// refused, whoever added the route.
func TestSlugsOfRoutesAreReserved(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", nil)
	ctx := context.Background()
	seen := map[string]bool{}
	for _, r := range p.app.GetRoutes(true) {
		parts := strings.Split(strings.TrimPrefix(r.Path, "/"), "/")
		if len(parts) < 2 || (parts[0] != "admin" && parts[0] != "employeurs") {
			continue
		}
		seg := parts[1]
		if seg == "" || strings.ContainsAny(seg, ":*+?") || seen[seg] {
			continue
		}
		seen[seg] = true
		a := &vivier.Administration{Slug: seg, Name: "Administration " + seg, Versant: vivier.VersantEtat}
		err := p.Store().CreateAdministration(ctx, a, vivier.Actor{Email: "test@vivier.test"})
		if vivier.ErrorCode(err) != vivier.EINVALID || !strings.Contains(vivier.ErrorMessage(err), "réservé") {
			t.Errorf("slug %q (from %s %s) = %v, want refused as reserved", seg, r.Method, r.Path, err)
		}
	}
	for _, must := range []string{"connexion", "plateforme", "desabonnement", "taches"} {
		if !seen[must] {
			t.Errorf("the walk did not meet /admin/%s", must)
		}
	}
	// An ordinary slug is taken.
	if err := p.Store().CreateAdministration(ctx, &vivier.Administration{Slug: "prefecture-demo", Name: "Préfecture",
		Versant: vivier.VersantEtat}, vivier.Actor{Email: "test@vivier.test"}); err != nil {
		t.Fatalf("ordinary slug: %v", err)
	}

	// Through the platform's form: a French message on the slug field.
	seedDemo(t, p)
	c := newClient(t)
	if s, _ := signInForm(t, p, c, "plateforme@demo.vivier.test", DemoPassword); s != 303 {
		t.Fatal("sign-in")
	}
	_, page := get(t, c, p.URL+"/admin/plateforme/administrations")
	resp, body := postForm(t, c, p.URL+"/admin/plateforme/administrations", url.Values{"_csrf": {csrfToken(t, page)},
		"name": {"Désabonnement"}, "slug": {"desabonnement"}, "versant": {"etat"}, "admin_email": {"x@exemple.gouv.fr"}})
	if resp.StatusCode != 422 || !strings.Contains(body, "réservé") {
		t.Fatalf("slug desabonnement through the form = %d", resp.StatusCode)
	}
	if _, err := p.Store().AdministrationBySlug(ctx, "desabonnement"); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("desabonnement was created: %v", err)
	}
}
