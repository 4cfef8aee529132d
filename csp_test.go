package vivier

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCSPErrorsFlattenAndSpeakFrench(t *testing.T) {
	var v any
	raw := `{"titre": ["Ensure this field has no more than 150 characters."],
		"publication": {"fin_publication": ["This field is required."]},
		"localisation": [{}, {"departement": ["\"99\" is not a valid choice."]}],
		"non_field_errors": ["Offre en double."]}`
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	got := CSPErrors(v)
	want := []CSPFieldError{
		{Field: "", Label: "Offre", Messages: []string{"Offre en double."}},
		{Field: "localisation[1].departement", Label: "Département", Messages: []string{"« 99 » n'est pas une valeur acceptée."}},
		{Field: "publication.fin_publication", Label: "Fin de publication", Messages: []string{"Ce champ est obligatoire."}},
		{Field: "titre", Label: "Intitulé", Messages: []string{"Ce champ compte au plus 150 caractères."}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
}

func TestNewCSPOfferFillsWhatCSPRequires(t *testing.T) {
	start := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	o := &Offer{ID: 12, Reference: "R-1", Versant: VersantHospitaliere, Title: "Infirmier·ère", PublishAt: &start,
		Locations: []Location{{Departement: "69", Label: "Lyon"}, {Country: "BEL", Label: "Bruxelles"}}}
	c, missing := NewCSPOffer(o, "", "https://vivier.gouv.fr/", []string{"Soins", "soins "})
	if *c.OfferURL != "https://vivier.gouv.fr/offres/12" || *c.ApplicationURL != "https://vivier.gouv.fr/offres/12/postuler" {
		t.Errorf("urls: %s %s", *c.OfferURL, *c.ApplicationURL)
	}
	if c.Identification.Versant != "FPH" || c.Conditions.WorkingTime != "NON_DEFINI" || c.Conditions.Workplace != "NON_DEFINI" ||
		c.Locations[0].Country != "FRA" || c.Locations[0].Zone != "EU" || c.Locations[1].Zone != "" ||
		!reflect.DeepEqual(c.Criteria.Skills, []string{"Soins"}) {
		t.Errorf("defaults: %+v %+v", c.Identification, c.Locations)
	}
	if c.Description.Complements != "" {
		t.Errorf("complements of an offer closed to mobility: %q", c.Description.Complements)
	}
	// Internal mobility, which CSPLab's offer has no field for, is said in
	// the complements, before the recruiter's.
	mobile := *o
	mobile.OpenToInternal, mobile.Complements = true, "Poste logé."
	if c, _ := NewCSPOffer(&mobile, "", "https://vivier.gouv.fr/", nil); c.Description.Complements != "Offre ouverte à la mobilité interne des agents publics.\n\nPoste logé." {
		t.Errorf("open to internal mobility: %q", c.Description.Complements)
	}
	mobile.ReservedToAgents = true
	if c, _ := NewCSPOffer(&mobile, "", "https://vivier.gouv.fr/", nil); !strings.HasPrefix(c.Description.Complements, "Offre réservée aux agents publics") {
		t.Errorf("reserved: %q", c.Description.Complements)
	}
	var fields []string
	for _, m := range missing {
		fields = append(fields, m.Field)
	}
	if !reflect.DeepEqual(fields, []string{"type_contrat", "publication.fin_publication", "localisation[1].zone_geographique"}) {
		t.Errorf("missing: %v", fields)
	}
}

func TestSecretBoxBindsToItsOwner(t *testing.T) {
	key, err := ParseSecretKey("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	if err != nil {
		t.Fatal(err)
	}
	box, err := NewSecretBox(key)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := box.Seal("cle-secrete", "csp-api-key:1")
	if err != nil || bytes.Contains(sealed, []byte("cle-secrete")) {
		t.Fatalf("sealed %q, %v", sealed, err)
	}
	if got, err := box.Open(sealed, "csp-api-key:1"); err != nil || got != "cle-secrete" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := box.Open(sealed, "csp-api-key:2"); err == nil {
		t.Fatal("a key sealed for administration 1 opens for administration 2")
	}
	if _, err := ParseSecretKey("dHJvcCBjb3VydGU="); err == nil {
		t.Fatal("a 10-byte key is accepted")
	}
}
