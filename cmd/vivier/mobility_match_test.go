package main

import (
	"html"
	"regexp"
	"strings"
	"testing"
)

// An agent's saved profile leads from the mobility space to the offers and
// concours ranked for its skills and métier, with their reasons.
func TestMobilityProfileRanksOffers(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", nil) // the worker sends the sign-in link
	publishOffers(t, p)
	var skill, metier int64
	if err := p.Store().DB().Get(&skill, `SELECT id FROM competences WHERE slug = 'developpement'`); err != nil {
		t.Fatal(err)
	}
	if err := p.Store().DB().Get(&metier, `INSERT INTO metiers (code, domaine_code, label) VALUES ('ERNUM001', 'NUM', 'Développeur / Développeuse')
		RETURNING id`); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Store().DB().Exec(`UPDATE offers SET metier_id = $1 WHERE reference = 'M-1'`, metier); err != nil {
		t.Fatal(err)
	}
	agent := mobilitySignIn(t, p, "camille.durand@numerique.gouv.fr")
	_, home := get(t, agent, p.URL+"/mobilite")
	if strings.Contains(home, "/offres/suggestions/resultats") {
		t.Fatal("a link to a ranking without a profile")
	}
	saveProfile(t, p, agent, map[string]string{"first_name": "Camille", "last_name": "Durand", "categorie": "A",
		"metier": itoa(metier), "competences": itoa(skill), "regions": "11", "visibility": "hidden"}, nil)
	_, home = get(t, agent, p.URL+"/mobilite")
	m := regexp.MustCompile(`href="(/offres/suggestions/resultats\?[^"]+)">Les offres et concours qui correspondent à mon profil`).FindStringSubmatch(home)
	if m == nil {
		t.Fatalf("no link to the profile's ranking:\n%s", home)
	}
	resp, body := get(t, agent, p.URL+html.UnescapeString(m[1]))
	first := strings.Index(body, `class="fr-card__title`)
	if resp.StatusCode != 200 || first < 0 || !strings.Contains(body[first:first+200], "Développeur·se back-end") ||
		!strings.Contains(body, "<li>Votre métier</li>") || !strings.Contains(body, "compétence en commun : Développement logiciel") {
		t.Fatalf("the profile's ranking = %d\n%s", resp.StatusCode, body)
	}
}
