package vivier_test

import (
	"strings"
	"testing"

	"vivier"
)

// The score of an offer for a profile, and its reasons: skills in common
// (capped), the domaine, the diploma against the offer's level and its
// catégorie, the distance; the ranking keeps what has something in common,
// best first, the more recent of equals first.
func TestScoreMatchSaysWhy(t *testing.T) {
	t.Parallel()
	skill := func(id int64, label string, domaines ...string) vivier.Competence {
		return vivier.Competence{ID: id, Label: label, Active: true, Domaines: domaines}
	}
	soins, hygiene, urgence, excel, marches := skill(1, "Soins infirmiers", "MED"), skill(2, "Hygiène hospitalière", "MED", "SAN"),
		skill(3, "Premiers secours", "SEC", "MED"), skill(4, "Bureautique", "USA"), skill(5, "Achat public", "ACH")
	lyon, villeurbanne, marseille := vivier.GeoPoint{Lat: 45.758, Lng: 4.835}, vivier.GeoPoint{Lat: 45.771, Lng: 4.880}, vivier.GeoPoint{Lat: 43.296, Lng: 5.370}
	nurse := vivier.MatchProfile{Skills: []vivier.Competence{soins, hygiene, urgence, excel}, DiplomaLevel: 6, Near: &lyon, RadiusKm: 30}

	near := vivier.MatchOffer{ID: 1, Skills: []vivier.Competence{soins, hygiene, soins}, DomaineCode: "MED", DiplomaLevel: 6,
		Categories: []string{"A"}, Places: []vivier.GeoPoint{villeurbanne}}
	s := vivier.ScoreMatch(nurse, near)
	want := []string{"2 compétences en commun : Soins infirmiers, Hygiène hospitalière", "Dans le domaine de vos compétences",
		"Votre diplôme (niveau 6) répond au niveau demandé (6)", "À 4 km"}
	if s.Score != 2*3+2+2+2 || strings.Join(s.Reasons, " | ") != strings.Join(want, " | ") {
		t.Errorf("near: %d %q", s.Score, s.Reasons)
	}
	far := near
	far.ID, far.Places = 2, []vivier.GeoPoint{marseille}
	if s := vivier.ScoreMatch(nurse, far); s.Score != 2*3+2+2-10 || !strings.HasPrefix(s.Reasons[3], "À 277 km, au-delà de 30 km") {
		t.Errorf("far: %d %q", s.Score, s.Reasons)
	}
	// A buyer's post in catégorie A+ asking a master: nothing in common,
	// a diploma two levels short, a catégorie too high.
	buyer := vivier.MatchOffer{ID: 3, Skills: []vivier.Competence{marches}, DomaineCode: "ACH", DiplomaLevel: 8, Categories: []string{"APLUS"}}
	if s := vivier.ScoreMatch(nurse, buyer); s.Score != -4-2 || len(s.Common) != 0 ||
		strings.Join(s.Reasons, " | ") != "Niveau de diplôme demandé : 8 (le vôtre : 6) | Catégorie A+ : un diplôme de niveau 7 est en général attendu" {
		t.Errorf("buyer: %d %q", s.Score, s.Reasons)
	}
	// Open to B as well: a level-4 diploma suits through B.
	if s := vivier.ScoreMatch(vivier.MatchProfile{DiplomaLevel: 4}, vivier.MatchOffer{Categories: []string{"A", "B"}}); s.Score != 0 || len(s.Reasons) != 0 {
		t.Errorf("A or B with a bac: %d %q", s.Score, s.Reasons)
	}
	// Skills count up to five.
	many := vivier.MatchProfile{}
	var offer vivier.MatchOffer
	for i := int64(10); i < 17; i++ {
		many.Skills = append(many.Skills, skill(i, "S"))
		offer.Skills = append(offer.Skills, skill(i, "S"))
	}
	if s := vivier.ScoreMatch(many, offer); s.Score != 15 || len(s.Common) != 7 || !strings.HasPrefix(s.Reasons[0], "7 compétences en commun") {
		t.Errorf("seven skills: %d %q", s.Score, s.Reasons)
	}
	// The person's main skill, named by the post's title: each counts.
	core := nurse
	core.Core = []int64{soins.ID}
	titled := near
	titled.TitleSkills = []int64{soins.ID}
	if s := vivier.ScoreMatch(core, titled); s.Score != 2*3+3+3+2+2+2 || s.Reasons[1] != "Votre compétence principale : Soins infirmiers" ||
		s.Reasons[2] != "Le cœur du poste : Soins infirmiers" {
		t.Errorf("main skill in the title: %d %q", s.Score, s.Reasons)
	}
	// An apprenticeship, for a nurse of ten years; a post of level 3 for a
	// master: each says why it loses.
	senior := vivier.MatchProfile{Skills: nurse.Skills, DiplomaLevel: 7, YearsExperience: 10}
	apprentice := vivier.MatchOffer{Kind: vivier.KindApprentissage, Skills: []vivier.Competence{soins}, DiplomaLevel: 3}
	if s := vivier.ScoreMatch(senior, apprentice); s.Score != 3-6-3 ||
		strings.Join(s.Reasons[1:], " | ") != "Un apprentissage, pour qui se forme : vous avez 10 ans d'expérience | Un poste de niveau 3, bien en deçà de votre diplôme (niveau 7)" {
		t.Errorf("apprenticeship for a senior: %d %q", s.Score, s.Reasons)
	}
	// The ranking: best first, the buyer's post left out, equals in order.
	twin := near
	twin.ID = 4
	ranked := vivier.RankMatches(nurse, []vivier.MatchOffer{buyer, far, near, twin})
	var ids []int64
	for _, r := range ranked {
		ids = append(ids, r.OfferID)
	}
	if len(ids) != 3 || ids[0] != 1 || ids[1] != 4 || ids[2] != 2 {
		t.Errorf("ranking = %v, want [1 4 2]", ids)
	}
}
