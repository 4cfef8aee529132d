package main

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"vivier"
)

// An offer reserved to public agents is listed and searched by anyone with
// its badge, but its form and its POST refuse whoever is not signed in to
// the mobility space (403, a way in that comes back to the form, nothing
// written); a signed-in agent applies as anyone does, and the application
// names the mobility space.
func TestReservedOffersOnlyForAgents(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil)
	ctx := context.Background()
	adm, err := p.Store().AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	reserve := true
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "MOB-1", Versant: adm.Versant, Title: "Chargé de mission mobilité",
		Mission: "Accompagner les agents.", CVPolicy: "optional", ReserveToAgents: &reserve}
	if err := p.Store().CreateOffer(ctx, adm.ID, o, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{Email: "t@t"}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, p, `SELECT count(*) FROM offers WHERE id = $1 AND reserved_to_agents AND open_to_internal`, o.ID); n != 1 {
		t.Fatal("a reserved offer is not stored reserved and open to internal mobility")
	}
	open := publishOffer(t, p, "MOB-2", "Jardinier des parcs")

	// Anyone reads and finds it, with its badge.
	anon := newClient(t)
	if resp, page := get(t, anon, p.URL+"/offres/"+itoa(o.ID)); resp.StatusCode != 200 || !strings.Contains(page, "Offre réservée aux agents publics") {
		t.Fatalf("reserved offer page = %d", resp.StatusCode)
	}
	if _, page := get(t, anon, p.URL+"/offres/"+itoa(open.ID)); strings.Contains(page, "réservée aux agents publics") {
		t.Fatal("an offer not reserved shows the badge")
	}
	for _, q := range []string{"/offres?q=mission", "/offres?mobilite=oui"} {
		resp, page := get(t, anon, p.URL+q)
		if resp.StatusCode != 200 || !strings.Contains(page, `href="/offres/`+itoa(o.ID)+`"`) || !strings.Contains(page, "Réservée aux agents publics") {
			t.Fatalf("%s does not list the reserved offer with its badge (%d)", q, resp.StatusCode)
		}
	}

	// Anonymous: the form and its POST are refused, and nothing is written.
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	resp, page := get(t, anon, formURL)
	signIn := `/mobilite/connexion?retour=%2Foffres%2F` + itoa(o.ID) + `%2Fpostuler`
	if resp.StatusCode != 403 || !strings.Contains(page, "réservée aux agents publics") || !strings.Contains(page, `href="`+signIn+`"`) {
		t.Fatalf("anonymous form = %d", resp.StatusCode)
	}
	_, other := get(t, anon, p.URL+"/suivi") // a CSRF token of this visitor's
	fields := map[string]string{"_csrf": csrfToken(t, other), "idempotency_key": "0b6f4c5e-2f7a-4a47-9a1a-2d0f2d0e9c11",
		"first_name": "Camille", "last_name": "Martin", "email": "camille@exemple.fr", "consent": "oui"}
	resp, body := postApplication(t, anon, formURL, fields, map[string][]byte{"cv": pdfBytes(t, "", "CV")})
	if resp.StatusCode != 403 || !strings.Contains(body, "réservée aux agents publics") {
		t.Fatalf("anonymous POST = %d", resp.StatusCode)
	}
	if n := countRows(t, p, "applications"); n != 0 {
		t.Fatalf("%d applications written by refused requests", n)
	}
	// The offer open to all takes the same anonymous application.
	if resp, _ := applyAs(t, anon, p, open, "camille@exemple.fr", pdfBytes(t, "", "CV")); resp.StatusCode != 303 {
		t.Fatalf("application to an offer not reserved = %d", resp.StatusCode)
	}

	// A public agent signs in from the refusal's link, comes back to the
	// form and applies.
	agent := newClient(t)
	ret, err := url.QueryUnescape(strings.TrimPrefix(signIn, "/mobilite/connexion?retour="))
	if err != nil {
		t.Fatal(err)
	}
	link := mobilityLinkTo(t, p, agent, "ines.moreau@culture.gouv.fr", ret)
	_, page = get(t, agent, p.URL+link)
	resp, _ = postForm(t, agent, p.URL+link, url.Values{"_csrf": {csrfToken(t, page)}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/offres/"+itoa(o.ID)+"/postuler" {
		t.Fatalf("sign-in from the offer = %d → %s, want back to the form", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, page := get(t, agent, formURL); resp.StatusCode != 200 || !strings.Contains(page, `value="ines.moreau@culture.gouv.fr"`) {
		t.Fatalf("signed-in agent's form = %d, filled in with the address?", resp.StatusCode)
	}
	if resp, body := applyAs(t, agent, p, o, "ines.moreau@culture.gouv.fr", pdfBytes(t, "", "CV")); resp.StatusCode != 303 {
		t.Fatalf("signed-in agent's application = %d %s", resp.StatusCode, body)
	}
	if n := count(t, p, `SELECT count(*) FROM applications a JOIN mobility_agents m ON m.id = a.mobility_agent_id
		WHERE a.offer_id = $1 AND m.email = 'ines.moreau@culture.gouv.fr'`, o.ID); n != 1 {
		t.Fatalf("%d applications of the agent through the mobility space, want 1", n)
	}
	if n := count(t, p, `SELECT count(*) FROM applications WHERE offer_id = $1 AND mobility_agent_id IS NULL`, open.ID); n != 1 {
		t.Fatal("the anonymous application names a mobility agent")
	}
	// Its recruiters see where it came from.
	var appID int64
	if err := p.Store().DB().Get(&appID, `SELECT id FROM applications WHERE offer_id = $1`, o.ID); err != nil {
		t.Fatal(err)
	}
	rc, _ := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	if resp, page := get(t, rc, p.URL+"/admin/ville-demo/candidatures/"+itoa(appID)); resp.StatusCode != 200 || !strings.Contains(page, "Envoyée depuis l'espace mobilité") {
		t.Fatalf("the application page (%d) does not say it came from the mobility space", resp.StatusCode)
	}
}
