package vivier_test

import (
	"context"
	"strings"
	"testing"

	"vivier"
)

func TestImportConcours(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	// A concours of b with the same NOR stays b's.
	other := &vivier.Offer{Kind: vivier.KindConcours, Reference: "B-1", Versant: vivier.VersantEtat, Title: "Concours de B",
		Details: vivier.JSONB[vivier.Details]{V: vivier.Details{NOR: "INTA2412345A"}}}
	if err := s.CreateOffer(ctx, b.ID, other, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	file := "\uFEFFN° NOR;Corps;Grade;Ministère;Intitulé;Modalité;Ouverture des inscriptions;Clôture des inscriptions;Nombre de postes;Versant\n" +
		"INTA2412345A;Attachés d'administration;Attaché;Intérieur;Concours d'attaché;Concours externe, INTERNE;01/02/2027;28/02/2027;40;FPE\n" +
		"pas-un-nor;Corps;Grade;Ministère;;;;;;\n" +
		"ECOB2400001C;Secrétaires administratifs;SA classe normale;Économie;;;;;12;\n" +
		"ECOB2400002C;;Grade;Économie;;;;;;\n" +
		"ECOB2400003C;Corps;Grade;Économie;;Piston;;;;\n" +
		"ECOB2400004C;Corps;Grade;Économie;;;31/02/2027;;;\n"
	rep, err := s.ImportConcours(ctx, a.ID, vivier.VersantEtat, []byte(file), vivier.Actor{Email: "r@a.fr"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Created) != 2 || len(rep.Updated) != 0 || len(rep.Rejected) != 4 {
		t.Fatalf("report = %+v", rep)
	}
	wantLines := []int{3, 5, 6, 7}
	for i, r := range rep.Rejected {
		if r.Line != wantLines[i] || r.Reason == "" {
			t.Errorf("rejected %d = %+v, want line %d with a reason", i, r, wantLines[i])
		}
	}
	if !strings.Contains(rep.Rejected[1].Reason, "Corps") || !strings.Contains(rep.Rejected[2].Reason, "Piston") {
		t.Errorf("reasons = %+v", rep.Rejected)
	}
	got, err := s.OfferByID(ctx, a.ID, rep.Created[0].OfferID)
	if err != nil {
		t.Fatal(err)
	}
	d := got.Details.V
	if got.Kind != vivier.KindConcours || got.Status != vivier.OfferDraft || got.Title != "Concours d'attaché" || d.NOR != "INTA2412345A" ||
		d.Posts != 40 || len(d.AccessModalities) != 2 || d.AccessModalities[0] != "EXTERNE" || d.RegistrationCloses.Day() != 28 || d.Ministry != "Intérieur" {
		t.Fatalf("created = %+v %+v", got, d)
	}
	// A second file (no BOM) updates by NOR, and keeps what it does not say.
	again := "N° NOR;Corps;Grade;Ministère;Nombre de postes\nINTA2412345A;Attachés d'administration;Attaché principal;Intérieur;45\n"
	rep, err = s.ImportConcours(ctx, a.ID, vivier.VersantEtat, []byte(again), vivier.Actor{})
	if err != nil || len(rep.Updated) != 1 || len(rep.Created) != 0 {
		t.Fatalf("second import = %+v, %v", rep, err)
	}
	got, err = s.OfferByID(ctx, a.ID, rep.Updated[0].OfferID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Details.V.Grade != "Attaché principal" || got.Details.V.Posts != 45 || got.Title != "Concours d'attaché" {
		t.Fatalf("updated = %+v", got.Details.V)
	}
	if ob, err := s.OfferByID(ctx, b.ID, other.ID); err != nil || ob.Details.V.Grade != "" {
		t.Fatalf("the import changed another administration's concours (%v)", err)
	}
	// Files that are not UTF-8 CSV with the required columns are refused whole.
	for name, f := range map[string]string{
		"latin-1":        "N\xb0 NOR;Corps;Grade;Minist\xe8re\n",
		"binary":         "\x00\x01\x02PNG",
		"empty":          "",
		"commas":         "N° NOR,Corps,Grade,Ministère\nINTA2412345A,C,G,M\n",
		"broken quoting": "N° NOR;Corps;Grade;Ministère\n\"INTA2412345A;C;G;M\n",
	} {
		if _, err := s.ImportConcours(ctx, a.ID, vivier.VersantEtat, []byte(f), vivier.Actor{}); fieldOf(err) != "file" {
			t.Errorf("%s: %v", name, err)
		}
	}
}
