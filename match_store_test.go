package vivier_test

import (
	"context"
	"testing"

	"vivier"
)

// An offer's skills are found from its text at once (in the ranking) and
// kept by the sweep; an edit of the text or of the referential makes them
// stale, and the next ranking and sweep read them again.
func TestOfferMatchFollowsEdits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	o := sampleOffer("MATCH-1")
	o.Title, o.Mission, o.Profile = "Infirmier·ère en soins généraux", "Soins infirmiers de nuit en service de médecine.", "Diplôme d'État infirmier."
	if err := s.CreateOffer(ctx, a.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOffer(ctx, a.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	skills, err := s.SkillMatcher(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Competences(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	bySlug := map[string]vivier.Competence{}
	for _, c := range all {
		bySlug[c.Slug] = c
	}
	rank := func(p vivier.MatchProfile, m *vivier.SkillMatcher) []vivier.MatchResult {
		t.Helper()
		got, err := s.MatchOffers(ctx, p, vivier.MatchFilter{}, m, 10)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	nurse := vivier.MatchProfile{Skills: []vivier.Competence{bySlug["soins-infirmiers"]}}
	if got := rank(nurse, skills); len(got) != 1 || got[0].ID != o.ID || len(got[0].Common) != 1 {
		t.Fatalf("before the sweep: %+v", got)
	}
	if n, err := s.RefreshOfferMatches(ctx, skills, 100); err != nil || n != 1 {
		t.Fatalf("sweep = %d, %v", n, err)
	}
	if n, err := s.RefreshOfferMatches(ctx, skills, 100); err != nil || n != 0 {
		t.Fatalf("second sweep = %d, %v: nothing changed", n, err)
	}
	if got := rank(nurse, skills); len(got) != 1 || got[0].ID != o.ID {
		t.Fatalf("after the sweep: %+v", got)
	}
	// The offer now asks for a buyer: the nurse no longer finds it.
	o.Title, o.Mission, o.Profile = "Acheteur·se public·que", "Passation des marchés publics.", ""
	if err := s.UpdateOffer(ctx, a.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if got := rank(nurse, skills); len(got) != 0 {
		t.Fatalf("after the edit, the nurse still finds %+v", got)
	}
	buyer := vivier.MatchProfile{Skills: []vivier.Competence{bySlug["achat-public"]}}
	if got := rank(buyer, skills); len(got) != 1 {
		t.Fatalf("after the edit, the buyer finds %+v", got)
	}
	if n, err := s.RefreshOfferMatches(ctx, skills, 100); err != nil || n != 1 {
		t.Fatalf("sweep after the edit = %d, %v", n, err)
	}
	// A synonym added to the referential: every offer is read again.
	if err := s.SetCompetenceSynonyms(ctx, bySlug["gestion-de-projet"].ID, "passation", vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	fresh, err := s.SkillMatcher(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Version() == skills.Version() {
		t.Fatal("the referential's version did not change")
	}
	project := vivier.MatchProfile{Skills: []vivier.Competence{bySlug["gestion-de-projet"]}}
	if got := rank(project, fresh); len(got) != 1 {
		t.Fatalf("the new synonym is not read before the sweep: %+v", got)
	}
	if n, err := s.RefreshOfferMatches(ctx, fresh, 100); err != nil || n != 1 {
		t.Fatalf("sweep after the referential's edit = %d, %v", n, err)
	}
}
