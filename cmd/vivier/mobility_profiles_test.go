package main

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// saveProfile sends the agent's profile form with one skill, one région,
// a visibility and, for "some", one administration.
func saveProfile(t *testing.T, p *program, c *http.Client, fields map[string]string, cv []byte) {
	t.Helper()
	_, page := get(t, c, p.URL+"/mobilite/profil")
	fields["_csrf"] = csrfToken(t, page)
	files := map[string][]byte{}
	if cv != nil {
		files["cv"] = cv
	}
	resp, body := sendMultipart(t, c, p.URL+"/mobilite/profil", nil, fields, files, func(string) string { return "cv.pdf" })
	if resp.StatusCode != 303 {
		t.Fatalf("profile saved = %d %s", resp.StatusCode, body)
	}
}

// A profile is shown to recruiters only as its owner chose: hidden, to every
// administration, or to the ones chosen; every opening is logged and listed
// on the agent's page, a profile not shown is a 404 that logs nothing, an
// expired one disappears until renewed; invitations go by email and their
// answer comes back to the recruiter; erasure leaves nothing.
func TestAgentProfileVisibility(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil)
	agent := mobilitySignIn(t, p, "ines.moreau@culture.gouv.fr")
	var skill, ville int64
	if err := p.Store().DB().Get(&skill, `SELECT id FROM competences WHERE slug = 'gestion-rh'`); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().DB().Get(&ville, `SELECT id FROM administrations WHERE slug = 'ville-demo'`); err != nil {
		t.Fatal(err)
	}
	resp, page := get(t, agent, p.URL+"/mobilite/profil")
	if resp.StatusCode != 200 || !strings.Contains(page, `id="visibility-hidden" name="visibility" value="hidden" checked`) {
		t.Fatalf("empty profile form = %d, hidden by default?", resp.StatusCode)
	}
	fields := map[string]string{"first_name": "Inès", "last_name": "Moreau", "categorie": "A", "grade": "Attachée",
		"current_employer": "Ministère de la Culture", "competences": itoa(skill), "regions": "84", "visibility": "hidden"}
	// A bad visibility is refused in words, and nothing is saved.
	_, page = get(t, agent, p.URL+"/mobilite/profil")
	bad := map[string]string{"_csrf": csrfToken(t, page), "first_name": "Inès", "last_name": "Moreau", "visibility": "some"}
	if resp, body := sendMultipart(t, agent, p.URL+"/mobilite/profil", nil, bad, nil, nil); resp.StatusCode != 422 || !strings.Contains(body, "au moins une administration") {
		t.Fatalf("'some' without an administration = %d", resp.StatusCode)
	}
	bad = map[string]string{"_csrf": csrfToken(t, page), "first_name": "Inès", "last_name": "Moreau", "visibility": "all", "metier": "999999"}
	if resp, body := sendMultipart(t, agent, p.URL+"/mobilite/profil", nil, bad, nil, nil); resp.StatusCode != 422 || !strings.Contains(body, "Choisissez un métier dans la liste") {
		t.Fatalf("an unknown métier = %d", resp.StatusCode)
	}
	bad["metier"] = ""
	if resp, body := sendMultipart(t, agent, p.URL+"/mobilite/profil", nil, bad, map[string][]byte{"cv": []byte("MZ pas un document")}, func(string) string { return "cv.pdf" }); resp.StatusCode != 422 || !strings.Contains(body, "n&#39;est pas un PDF") {
		t.Fatalf("a CV that is not a document = %d", resp.StatusCode)
	}
	if n := countRows(t, p, "mobility_profiles"); n != 0 {
		t.Fatalf("%d profiles saved by refused forms", n)
	}
	saveProfile(t, p, agent, fields, pdfBytes(t, "", "Inès Moreau, gestion RH"))
	var id int64
	if err := p.Store().DB().Get(&id, `SELECT id FROM mobility_profiles`); err != nil {
		t.Fatal(err)
	}
	profile := "/mobilite/profils/" + itoa(id)
	if n := count(t, p, `SELECT count(*) FROM mobility_profiles WHERE expires_at BETWEEN now() + interval '364 days' AND now() + interval '366 days'`); n != 1 {
		t.Fatal("a saved profile is not kept 12 months")
	}

	ministry, _ := signInAs(t, p, "recruteur@ministere-demo.vivier.test")
	city, _ := signInAs(t, p, "recruteur@ville-demo.vivier.test")
	recruiters := map[string]*http.Client{"ministere-demo": ministry, "ville-demo": city}
	sees := func(slug, query string) (inSearch bool, status int) {
		t.Helper()
		c := recruiters[slug]
		resp, list := get(t, c, p.URL+"/admin/"+slug+"/mobilite/profils"+query)
		if resp.StatusCode != 200 {
			t.Fatalf("%s's search = %d", slug, resp.StatusCode)
		}
		resp, _ = get(t, c, p.URL+"/admin/"+slug+profile)
		return strings.Contains(list, "Inès Moreau"), resp.StatusCode
	}
	views := func() int { return count(t, p, `SELECT count(*) FROM mobility_profile_views`) }

	// Hidden: nobody.
	for slug := range recruiters {
		if in, status := sees(slug, ""); in || status != 404 {
			t.Fatalf("hidden profile: %s sees it in search %v, by URL %d", slug, in, status)
		}
	}
	if views() != 0 {
		t.Fatal("a 404 logged a view")
	}
	// A reader may not search profiles.
	reader, _ := signInAs(t, p, "lecteur@ville-demo.vivier.test")
	if resp, _ := get(t, reader, p.URL+"/admin/ville-demo/mobilite/profils"); resp.StatusCode != 403 {
		t.Fatalf("a reader's search = %d, want 403", resp.StatusCode)
	}

	// All: both, each opening logged.
	fields["visibility"] = "all"
	saveProfile(t, p, agent, fields, nil)
	for slug := range recruiters {
		if in, status := sees(slug, ""); !in || status != 200 {
			t.Fatalf("profile for all: %s sees it in search %v, by URL %d", slug, in, status)
		}
	}
	if views() != 2 {
		t.Fatalf("%d views logged, want 2", views())
	}
	for query, want := range map[string]bool{"?categorie=A": true, "?categorie=B": false, "?region=84": true, "?region=11": false,
		"?competence=" + itoa(skill): true} {
		if in, _ := sees("ville-demo", query); in != want {
			t.Fatalf("search %s lists the profile: %v, want %v", query, in, want)
		}
	}
	if resp, _ := get(t, city, p.URL+"/admin/ville-demo/mobilite/profils?metier=abc"); resp.StatusCode != 400 && resp.StatusCode != 422 {
		t.Fatalf("a malformed métier = %d", resp.StatusCode)
	}
	if resp, body := get(t, city, p.URL+"/admin/ville-demo"+profile+"/cv"); resp.StatusCode != 200 || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("CV download = %d", resp.StatusCode)
	}

	// Some (the city only): the ministry sees nothing, not even by URL.
	fields["visibility"], fields["administrations"] = "some", itoa(ville)
	saveProfile(t, p, agent, fields, nil)
	before := views()
	if in, status := sees("ministere-demo", ""); in || status != 404 {
		t.Fatalf("profile for the city: the ministry sees it in search %v, by URL %d", in, status)
	}
	if resp, _ := get(t, ministry, p.URL+"/admin/ministere-demo"+profile+"/cv"); resp.StatusCode != 404 {
		t.Fatalf("the ministry's CV download = %d", resp.StatusCode)
	}
	if in, status := sees("ville-demo", ""); !in || status != 200 {
		t.Fatalf("profile for the city: the city sees it in search %v, by URL %d", in, status)
	}
	if views() != before+1 {
		t.Fatalf("views %d → %d, want one more (the city's)", before, views())
	}
	_, home := get(t, agent, p.URL+"/mobilite")
	if strings.Count(home, "<td>Ville de Démo-sur-Loire</td>") != views()-1 || strings.Count(home, "<td>Ministère de la Démonstration</td>") != 1 {
		t.Fatalf("the agent's page does not list who viewed the profile: %s", home)
	}

	// An invitation: email to the agent, answer seen by the recruiter.
	offer := publishOffer(t, p, "MOB-INV", "Responsable RH")
	_, page = get(t, city, p.URL+"/admin/ville-demo"+profile)
	invite := p.URL + "/admin/ville-demo" + profile + "/invitations"
	if resp, body := postForm(t, city, invite, url.Values{"_csrf": {csrfToken(t, page)}, "offer": {itoa(offer.ID)}, "message": {""}}); resp.StatusCode != 422 || !strings.Contains(body, "Écrivez un message") {
		t.Fatalf("invitation without a message = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, city, invite, url.Values{"_csrf": {csrfToken(t, page)}, "offer": {itoa(offer.ID)}, "message": {"Votre profil nous intéresse."}}); resp.StatusCode != 303 {
		t.Fatalf("invitation = %d", resp.StatusCode)
	}
	msgs := p.SMTP.Wait(t, 2, 30*time.Second) // the sign-in link, the invitation
	last := msgs[len(msgs)-1]
	if last.To[0] != "ines.moreau@culture.gouv.fr" || !strings.Contains(last.Text, p.Config.BaseURL+"/mobilite") || !strings.Contains(last.Text, "Responsable RH") {
		t.Fatalf("invitation email = %+v", last)
	}
	_, home = get(t, agent, p.URL+"/mobilite")
	if !strings.Contains(home, "Responsable RH") || !strings.Contains(home, "Votre profil nous intéresse.") {
		t.Fatal("the invitation is not in the agent's space")
	}
	var inv int64
	if err := p.Store().DB().Get(&inv, `SELECT id FROM mobility_invitations`); err != nil {
		t.Fatal(err)
	}
	if resp, _ := postForm(t, agent, p.URL+"/mobilite/invitations/"+itoa(inv)+"/reponse", url.Values{"answer": {"interesse"}}); resp.StatusCode != 403 {
		t.Fatalf("answer without CSRF = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, agent, p.URL+"/mobilite/invitations/"+itoa(inv)+"/reponse", url.Values{"_csrf": {csrfToken(t, home)}, "answer": {"interesse"}}); resp.StatusCode != 303 {
		t.Fatalf("answer = %d", resp.StatusCode)
	}
	if _, page := get(t, city, p.URL+"/admin/ville-demo"+profile); !strings.Contains(page, "Intéressé·e") {
		t.Fatal("the recruiter does not see the answer")
	}

	// Expired: gone from search and URL; "Prolonger" brings it back.
	p.Store().DB().MustExec(`UPDATE mobility_profiles SET expires_at = now() - interval '1 day'`)
	if in, status := sees("ville-demo", ""); in || status != 404 {
		t.Fatalf("expired profile: search %v, URL %d", in, status)
	}
	_, home = get(t, agent, p.URL+"/mobilite")
	if !strings.Contains(home, "Votre profil a expiré") {
		t.Fatal("the agent is not told their profile expired")
	}
	if resp, _ := postForm(t, agent, p.URL+"/mobilite/profil/prolongation", url.Values{"_csrf": {csrfToken(t, home)}}); resp.StatusCode != 303 {
		t.Fatalf("renewal = %d", resp.StatusCode)
	}
	if in, status := sees("ville-demo", ""); !in || status != 200 {
		t.Fatalf("renewed profile: search %v, URL %d", in, status)
	}

	// Erasure: nothing of the agent is left, CV file included.
	if resp, _ := postForm(t, agent, p.URL+"/mobilite/suppression", url.Values{"_csrf": {csrfToken(t, home)}}); resp.StatusCode != 422 {
		t.Fatalf("erasure without its box ticked = %d", resp.StatusCode)
	}
	if resp, _ := postForm(t, agent, p.URL+"/mobilite/suppression", url.Values{"_csrf": {csrfToken(t, home)}, "confirm": {"oui"}}); resp.StatusCode != 200 {
		t.Fatalf("erasure = %d", resp.StatusCode)
	}
	for _, table := range []string{"mobility_agents", "mobility_profiles", "mobility_profile_views", "mobility_invitations",
		"mobility_sessions", "mobility_links", "mobility_profile_competences"} {
		if n := countRows(t, p, table); n != 0 {
			t.Errorf("%d rows left in %s after erasure", n, table)
		}
	}
	if _, err := os.Stat(filepath.Join(strings.TrimPrefix(p.Config.FilesURL, "file://"), "mobility")); err == nil {
		entries, _ := os.ReadDir(filepath.Join(strings.TrimPrefix(p.Config.FilesURL, "file://"), "mobility"))
		for _, e := range entries {
			if files, _ := os.ReadDir(filepath.Join(strings.TrimPrefix(p.Config.FilesURL, "file://"), "mobility", e.Name())); len(files) > 0 {
				t.Errorf("CV file left after erasure: mobility/%s", e.Name())
			}
		}
	}
	if resp, _ := get(t, agent, p.URL+"/mobilite"); resp.StatusCode != 303 {
		t.Fatalf("/mobilite after erasure = %d, want the sign-in", resp.StatusCode)
	}
}
