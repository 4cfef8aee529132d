package vivier_test

import (
	"context"
	"errors"
	"testing"

	"vivier"
)

func TestAdministrationUpsertAndHierarchy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)

	parent := &vivier.Administration{Slug: "ministere-test", Name: " Ministère du Test ", Versant: vivier.VersantEtat, SIRET: ptr("110 000 000 000 15")}
	if err := s.UpsertAdministration(ctx, parent); err != nil {
		t.Fatal(err)
	}
	if parent.ID == 0 || parent.Name != "Ministère du Test" || *parent.SIRET != "11000000000015" || parent.Status != "active" {
		t.Fatalf("stored administration = %+v", parent)
	}
	child := &vivier.Administration{Slug: "ministere-test-dnum", Name: "DNUM", Versant: vivier.VersantEtat, ParentID: &parent.ID}
	if err := s.UpsertAdministration(ctx, child); err != nil {
		t.Fatal(err)
	}
	got, err := s.AdministrationBySlug(ctx, "ministere-test-dnum")
	if err != nil || got.ParentID == nil || *got.ParentID != parent.ID {
		t.Fatalf("AdministrationBySlug = %+v, %v", got, err)
	}

	// Upserting again updates in place.
	parent.Name = "Ministère du Test renommé"
	id := parent.ID
	if err := s.UpsertAdministration(ctx, parent); err != nil || parent.ID != id {
		t.Fatalf("second upsert: id %d -> %d, %v", id, parent.ID, err)
	}
	if n, err := s.CountAdministrations(ctx); err != nil || n != 2 {
		t.Fatalf("CountAdministrations = %d, want 2 (%v)", n, err)
	}

	_, err = s.AdministrationBySlug(ctx, "inconnue")
	if vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("unknown slug: code %q (%v), want ENOTFOUND", vivier.ErrorCode(err), err)
	}

	// Two administrations cannot share a SIRET.
	other := &vivier.Administration{Slug: "autre", Name: "Autre", Versant: vivier.VersantEtat, SIRET: ptr("11000000000015")}
	if err := s.UpsertAdministration(ctx, other); vivier.ErrorCode(err) != vivier.ECONFLICT {
		t.Fatalf("duplicate SIRET: code %q (%v), want ECONFLICT", vivier.ErrorCode(err), err)
	}
}

func TestAdministrationValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		a     vivier.Administration
		field string
	}{
		{"no name", vivier.Administration{Slug: "a", Versant: vivier.VersantEtat}, "name"},
		{"bad slug", vivier.Administration{Slug: "Mairie de Paris", Name: "x", Versant: vivier.VersantEtat}, "slug"},
		{"accented slug", vivier.Administration{Slug: "hôpital", Name: "x", Versant: vivier.VersantEtat}, "slug"},
		{"bad versant", vivier.Administration{Slug: "a", Name: "x", Versant: "privé"}, "versant"},
		{"bad siret", vivier.Administration{Slug: "a", Name: "x", Versant: vivier.VersantEtat, SIRET: ptr("11000000000016")}, "siret"},
	}
	for _, c := range cases {
		err := c.a.Validate()
		var ve *vivier.Error
		if !errors.As(err, &ve) || ve.Code != vivier.EINVALID || ve.Field != c.field || ve.Message == "" {
			t.Errorf("%s: Validate = %v, want EINVALID on %s", c.name, err, c.field)
		}
	}
}
