package vivier_test

import (
	"context"
	"strings"
	"testing"

	"vivier"
)

// The referential's skills recognised in a CV's text: by label or synonym,
// whatever the case, accents, punctuation or plural; the longest phrase
// wins; a skill deactivated, or a word inside another, is not found.
func TestSkillMatcherFindsTheReferentialsSkills(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	skills, err := s.Competences(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(skills) < 120 {
		t.Fatalf("the referential has %d skills, want the shipped 130 or so", len(skills))
	}
	families := map[string]bool{}
	for _, c := range skills {
		families[c.Family] = true
	}
	for _, f := range []string{"Numérique", "Santé", "Éducation et formation", "Social", "Technique", "Finances", "Ressources humaines", "Juridique"} {
		if !families[f] {
			t.Errorf("no skill in the family %q", f)
		}
	}
	m := vivier.NewSkillMatcher(skills)
	cv := `Infirmière diplômée d'État, 6 ans en EHPAD puis aux urgences.
		Compétences : soins infirmiers, gestes d'urgence (AFGSU 2), hygiène hospitalière.
		Outils : EXCEL, Word. Langues : anglais courant (B2). Permis B.
		J'ai participé aux marchés publics de l'établissement.`
	got := map[string]vivier.SkillHit{}
	for _, h := range m.Find(cv) {
		got[h.Slug] = h
	}
	for slug, term := range map[string]string{"soins-infirmiers": "infirmière", "accompagnement-des-personnes-agees": "ehpad",
		"premiers-secours": "gestes d'urgence", "hygiene-hospitaliere": "Hygiène hospitalière", "bureautique": "excel",
		"maitrise-de-l-anglais": "anglais", "achat-public": "marchés publics"} {
		if h, ok := got[slug]; !ok {
			t.Errorf("%s not found", slug)
		} else if !strings.EqualFold(h.Term, term) {
			t.Errorf("%s found by %q, want %q", slug, h.Term, term)
		}
	}
	if h := got["soins-infirmiers"]; h.Count != 2 {
		t.Errorf("soins infirmiers named %d times, want 2 (infirmière, soins infirmiers)", h.Count)
	}
	for _, slug := range []string{"developpement", "donnees", "enseignement"} {
		if _, ok := got[slug]; ok {
			t.Errorf("%s found in a nurse's CV", slug)
		}
	}
	// The longest phrase wins: "Excel avancé" is data, not office software.
	if hits := m.Find("Excel avancé"); len(hits) != 1 || hits[0].Slug != "donnees" {
		t.Errorf("advanced Excel: %+v", hits)
	}
	// "analyse de données" is one skill, not "analyse" then "données".
	if hits := m.Find("Analyse de données et tableaux de bord"); len(hits) != 1 || hits[0].Slug != "donnees" || hits[0].Count != 2 {
		t.Errorf("data analysis: %+v", hits)
	}
	// A word inside another is not a skill: "IA" in "social", "RH" in nothing.
	if hits := m.Find("Travail social auprès des familles"); len(hits) != 1 || hits[0].Slug != "accompagnement-social" {
		t.Errorf("social work: %+v", hits)
	}
	// A deactivated skill is not recognised.
	for i := range skills {
		if skills[i].Slug == "bureautique" {
			skills[i].Active = false
		}
	}
	for _, h := range vivier.NewSkillMatcher(skills).Find(cv) {
		if h.Slug == "bureautique" {
			t.Error("a deactivated skill was recognised")
		}
	}
}

// Platform administrators edit a skill's synonyms: trimmed, without
// duplicates nor the label, audited; too long refused in French.
func TestSetCompetenceSynonyms(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	skills, err := s.Competences(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	for _, c := range skills {
		if c.Slug == "achat-public" {
			id = c.ID
		}
	}
	if err := s.SetCompetenceSynonyms(ctx, id, " commande publique ,Commande  publique\nAchat public; acheteur ", vivier.Actor{Email: "p@vivier.test"}); err != nil {
		t.Fatal(err)
	}
	skills, _ = s.Competences(ctx, false)
	for _, c := range skills {
		if c.ID == id && strings.Join(c.Synonyms, "|") != "commande publique|acheteur" {
			t.Errorf("synonyms = %q", c.Synonyms)
		}
	}
	if err := s.SetCompetenceSynonyms(ctx, id, strings.Repeat("x", 101), vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID ||
		!strings.Contains(vivier.ErrorMessage(err), "100 caractères") {
		t.Errorf("a synonym too long: %v", err)
	}
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'competence.synonyms'`); err != nil || n != 1 {
		t.Errorf("audit: %d, %v", n, err)
	}
}
