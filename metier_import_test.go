package vivier_test

import (
	"context"
	"strings"
	"testing"

	"vivier"
)

// An imported list of métiers: headers in any case and accents, a BOM, a
// bad line reported by its number while the others are kept; a file that is
// not UTF-8 text, or lacks a required column, refused with a French message.
// Imported métiers are updated by a second import and never retired by one.
func TestImportMetiersFromCSV(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	file := "\xEF\xBB\xBFcode;LIBELLE;domaine;Famille;Définition;versants\n" +
		"ERNUM001;Développeur / Développeuse;NUM;Développement;Conçoit des applications.;FPE, FPT\n" +
		";Sans code;NUM;;;\n" +
		"ERSAN010;Infirmier / Infirmière;SAN;Soins;;FPH\n" +
		"ERXXX001;Domaine invalide;N1;;;\n"
	items, rejected, err := vivier.ParseMetiersCSV([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Code != "ERNUM001" || items[0].FamilyLabel != "Développement" ||
		strings.Join(items[0].Versants, ",") != "FPE,FPT" {
		t.Errorf("items = %+v", items)
	}
	if len(rejected) != 2 || !strings.HasPrefix(rejected[0], "ligne 3 : code") || !strings.HasPrefix(rejected[1], "ligne 5 : domaine") {
		t.Errorf("rejected = %q", rejected)
	}
	res, err := s.SyncMetiers(ctx, vivier.MetierImport, items, false, vivier.Actor{Email: "plateforme@vivier.test"})
	if err != nil || res.Created != 2 {
		t.Fatalf("first import: %+v, %v", res, err)
	}
	// A second file, with one of the two renamed and the other absent.
	items, _, err = vivier.ParseMetiersCSV([]byte("Code;Libellé;Domaine\nERNUM001;Développeur / Développeuse d'applications;NUM\n"))
	if err != nil {
		t.Fatal(err)
	}
	if res, err = s.SyncMetiers(ctx, vivier.MetierImport, items, false, vivier.Actor{}); err != nil || res.Updated != 1 || res.Retired != 0 {
		t.Fatalf("second import: %+v, %v", res, err)
	}
	all, err := s.Metiers(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{}
	for _, m := range all {
		if m.Code != nil {
			labels[*m.Code] = m.Label + " (" + m.Source + ")"
		}
	}
	if labels["ERNUM001"] != "Développeur / Développeuse d'applications (import)" || labels["ERSAN010"] != "Infirmier / Infirmière (import)" {
		t.Errorf("after two imports: %v", labels)
	}
	for file, msg := range map[string]string{
		"Code;Libellé\nERNUM001;Développeur\n":      "Domaine",
		"Code;Libell\xE9;Domaine\nERNUM001;X;NUM\n": "UTF-8",
		"Code;Libellé;Domaine\n":                    "aucun métier",
		"Code;Libellé;Domaine\n\"ERNUM001;X;NUM\n":  "CSV lisible",
	} {
		if _, _, err := vivier.ParseMetiersCSV([]byte(file)); vivier.ErrorCode(err) != vivier.EINVALID || !strings.Contains(vivier.ErrorMessage(err), msg) {
			t.Errorf("ParseMetiersCSV(%q) = %v, want a message with %q", file, err, msg)
		}
	}
	if _, err := s.SyncMetiers(ctx, vivier.MetierImport, nil, false, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("an empty list: %v", err)
	}
}
