package vivier_test

import (
	"context"
	"fmt"
	"testing"

	"vivier"
)

// TestPublicOfferPage reads in one query what the offer page shows: the
// offer, its administration, its skills in order and its employer page's
// theme, and nothing of a draft.
func TestPublicOfferPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	skills, err := s.Competences(ctx, true)
	if err != nil || len(skills) < 3 {
		t.Fatalf("Competences = %d, %v", len(skills), err)
	}
	who := vivier.Actor{Email: "r@a.fr"}
	withSkills := sampleOffer("REF-P1")
	withSkills.CompetenceIDs = []int64{skills[2].ID, skills[0].ID}
	bare, draft := sampleOffer("REF-P2"), sampleOffer("REF-P3")
	for _, c := range []struct {
		adm *vivier.Administration
		o   *vivier.Offer
	}{{a, withSkills}, {b, bare}, {a, draft}} {
		if err := s.CreateOffer(ctx, c.adm.ID, c.o, who); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		adm *vivier.Administration
		o   *vivier.Offer
	}{{a, withSkills}, {b, bare}} {
		if err := s.MoveOffer(ctx, c.adm.ID, c.o.ID, vivier.OfferPublished, who); err != nil {
			t.Fatal(err)
		}
	}
	err = s.EditBrandDraft(ctx, a.ID, who, "brand.block_added", "x", func(c *vivier.BrandContent) error {
		c.Accent = "#b34000"
		return setHero("Nous rejoindre")(c)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishBrand(ctx, a.ID, who); err != nil {
		t.Fatal(err)
	}

	v, err := s.PublicOfferPage(ctx, withSkills.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Offer.ID != withSkills.ID || v.Offer.Title != withSkills.Title || len(v.Offer.Locations) != len(withSkills.Locations) {
		t.Fatalf("offer = %+v", v.Offer)
	}
	if v.Adm.ID != a.ID || v.Adm.Slug != "a" || v.Adm.Name != "A" || v.Adm.Versant != vivier.VersantEtat {
		t.Fatalf("administration = %+v", v.Adm)
	}
	want, err := s.OfferCompetences(ctx, a.ID, withSkills.ID)
	if err != nil || len(want) != 2 || len(v.Skills) != 2 || fmt.Sprint(v.Skills) != fmt.Sprint(want) {
		t.Fatalf("skills = %+v, want %+v (%v)", v.Skills, want, err)
	}
	if v.Brand == nil || v.Brand.Accent != "#b34000" {
		t.Fatalf("brand = %+v", v.Brand)
	}

	v, err = s.PublicOfferPage(ctx, bare.ID)
	if err != nil || v.Adm.ID != b.ID || v.Brand != nil || len(v.Skills) != 0 {
		t.Fatalf("offer without skills nor page = %+v, %v", v, err)
	}
	if _, err := s.PublicOfferPage(ctx, draft.ID); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("a draft is public: %v", err)
	}
}
