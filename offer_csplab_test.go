package vivier_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"vivier"
)

// csplabOfferJSON is a complete offer in CSPLab's OffersInput shape.
const csplabOfferJSON = `{
  "identification": {"reference": "2026-999999", "versant": "FPE"},
  "titre": "Responsable de la Division des Affaires Financières H/F",
  "titre_long": "Responsable de la Division des Affaires Financières (DAF) de l'école",
  "organisation": {"nom": "Ecole Nationale Supérieure de Techniques Avancées (ENSTA)", "siret": "11000000000015"},
  "url_offre": null,
  "url_candidature": null,
  "profession": {"referentiel": "RMFPv2", "domaine": "GBF", "metier": "FPEGBF01"},
  "categories": ["A"],
  "type_contrat": "TITULAIRE_CONTRACTUEL",
  "forme_contrat": ["CDD", "PERMANENT"],
  "vacance_poste": "NON",
  "description": {"mission": "Piloter le budget de l'école.", "profil": "Finances publiques.", "employeur": "Une grande école.", "complements": "Poste ouvert aux contractuels."},
  "localisation": [{"zone_geographique": "EU", "pays": "FRA", "region": "11", "departement": "91", "localisation_label": "Palaiseau", "latitude": 48.71, "longitude": 2.21}],
  "criteres": {"diplome_niveau": 7, "experience": "CONFIRME", "competences_requises": ["Budget", "Marchés publics"], "langues": [{"iso_code": "en", "niveau": "B2"}]},
  "conditions": {"salaire_titulaire": "Selon grille", "temps_travail": "TEMPS_PLEIN", "ouvert_aux_militaires": "OUI", "lieu_de_travail": "SUR_SITE", "management": "AVEC"},
  "contacts": [{"email": "recrutement@ensta.example.fr"}],
  "publication": {"debut_publication": "2026-04-17T14:44:49Z", "fin_publication": "2036-05-17T12:00:00Z", "fin_candidature": "2036-05-10T12:00:00Z", "debut_vacance_poste": "2036-09-01T00:00:00Z"}
}`

func csplabOffer(t *testing.T) vivier.CSPLabOffer {
	t.Helper()
	var c vivier.CSPLabOffer
	if err := json.Unmarshal([]byte(csplabOfferJSON), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCSPLabOfferBothWays(t *testing.T) {
	t.Parallel()
	in := csplabOffer(t)
	o, err := in.Offer()
	if err != nil {
		t.Fatal(err)
	}
	if o.Kind != vivier.KindEmploi || o.Versant != vivier.VersantEtat || o.Reference != "2026-999999" ||
		*o.DomaineCode != "GBF" || o.PostVacant || o.Experience != "CONFIRME" || o.Workplace != "SUR_SITE" ||
		o.Management == nil || !*o.Management || o.Criteria.V.DiplomaLevel != 7 || o.Conditions.V.WorkingTime != "TEMPS_PLEIN" ||
		o.Contacts.V[0].Email != "recrutement@ensta.example.fr" || o.Locations[0].Departement != "91" ||
		!o.PublishAt.Equal(time.Date(2026, 4, 17, 14, 44, 49, 0, time.UTC)) || o.VacancyStart == nil {
		t.Fatalf("mapped offer = %+v", o)
	}
	// Back to CSPLab's shape: the same document, but for the URLs, which
	// Vivier does not keep.
	out := vivier.NewCSPLabOffer(o, "FPEGBF01")
	var want, got map[string]any
	if err := json.Unmarshal([]byte(csplabOfferJSON), &want); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		gb, err := json.MarshalIndent(got, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		t.Fatalf("round trip differs:\n%s", gb)
	}
}

func TestCSPLabOfferErrorsNameCSPLabFields(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		change func(c *vivier.CSPLabOffer)
		field  string
	}{
		{func(c *vivier.CSPLabOffer) { c.Identification.Reference = " " }, "identification.reference"},
		{func(c *vivier.CSPLabOffer) { c.Identification.Versant = "ETAT" }, "identification.versant"},
		{func(c *vivier.CSPLabOffer) { c.Title = strings.Repeat("x", 151) }, "titre"},
		{func(c *vivier.CSPLabOffer) { c.Categories = []string{"D"} }, "categories"},
		{func(c *vivier.CSPLabOffer) { c.ContractType = "CDI" }, "type_contrat"},
		{func(c *vivier.CSPLabOffer) { c.Vacancy = "PEUT-ETRE" }, "vacance_poste"},
		{func(c *vivier.CSPLabOffer) { c.Profession.Domaine = "informatique" }, "profession.domaine"},
		{func(c *vivier.CSPLabOffer) { c.Criteria.Experience = "SENIOR" }, "criteres.experience"},
		{func(c *vivier.CSPLabOffer) { c.Conditions.Workplace = "DOMICILE" }, "conditions.lieu_de_travail"},
		{func(c *vivier.CSPLabOffer) { c.Conditions.Management = "OUI" }, "conditions.management"},
		{func(c *vivier.CSPLabOffer) { c.Contacts[0].Email = "pas une adresse" }, "contacts"},
		{func(c *vivier.CSPLabOffer) { c.Publication.Start = time.Time{} }, "publication.debut_publication"},
		{func(c *vivier.CSPLabOffer) { c.Publication.End = c.Publication.Start.Add(-time.Hour) }, "publication.fin_publication"},
		{func(c *vivier.CSPLabOffer) { c.Locations[0].Country = "France" }, "localisation.pays"},
	} {
		c := csplabOffer(t)
		tc.change(&c)
		_, err := c.Offer()
		var e *vivier.Error
		if !errors.As(err, &e) || e.Code != vivier.EINVALID || e.Field != tc.field || e.Message == "" {
			t.Errorf("want an error on %s, got %v", tc.field, err)
		}
	}
}

func TestPushOffer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	adm := &vivier.Administration{Slug: "ministere-push", Name: "Ministère du Push", Versant: vivier.VersantEtat}
	if err := s.UpsertAdministration(ctx, adm); err != nil {
		t.Fatal(err)
	}
	push := func(change func(c *vivier.CSPLabOffer)) (*vivier.Offer, bool, error) {
		c := csplabOffer(t)
		if change != nil {
			change(&c)
		}
		o, err := c.Offer()
		if err != nil {
			t.Fatal(err)
		}
		o.Source = "api"
		created, err := s.PushOffer(ctx, adm.ID, o, c.Profession.Metier, vivier.Actor{Email: "test"})
		return o, created, err
	}
	o, created, err := push(nil)
	if err != nil || !created || o.Status != vivier.OfferPublished || o.PublishedAt == nil || o.Locations[0].Region != "11" {
		t.Fatalf("first push = %+v, %v, %v", o, created, err)
	}
	again, created, err := push(func(c *vivier.CSPLabOffer) { c.Title = "Nouveau titre" })
	if err != nil || created || again.ID != o.ID || again.Title != "Nouveau titre" || again.Status != vivier.OfferPublished {
		t.Fatalf("second push = %+v, %v, %v", again, created, err)
	}
	future, _, err := push(func(c *vivier.CSPLabOffer) {
		c.Identification.Reference = "FUTURE"
		c.Publication.Start = time.Now().Add(48 * time.Hour)
	})
	if err != nil || future.Status != vivier.OfferScheduled {
		t.Fatalf("future push = %+v, %v", future, err)
	}
	_, _, err = push(func(c *vivier.CSPLabOffer) { c.Identification.Reference = "X"; c.Locations[0].Departement = "00" })
	if e, ok := errorOf(err); !ok || e.Field != "localisation.departement" {
		t.Fatalf("unknown département: %v", err)
	}
	_, _, err = push(func(c *vivier.CSPLabOffer) { c.Identification.Reference = "Y"; c.Profession.Domaine = "ZZZ" })
	if e, ok := errorOf(err); !ok || e.Field != "profession.domaine" {
		t.Fatalf("unknown domaine: %v", err)
	}
	closed, err := s.CloseOfferByReference(ctx, adm.ID, "api", "2026-999999", vivier.Actor{Email: "test"})
	if err != nil || closed.Status != vivier.OfferClosed {
		t.Fatalf("close = %+v, %v", closed, err)
	}
	unscheduled, err := s.CloseOfferByReference(ctx, adm.ID, "api", "FUTURE", vivier.Actor{Email: "test"})
	if err != nil || unscheduled.Status != vivier.OfferDraft {
		t.Fatalf("close a scheduled offer = %+v, %v", unscheduled, err)
	}
	// One waiting for its validation is withdrawn: a validator will not
	// publish it any more; twice is the same.
	pending, _, err := push(func(c *vivier.CSPLabOffer) { c.Identification.Reference = "PENDING" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`UPDATE offers SET status = 'pending', validation_admin_id = administration_id WHERE id = $1`, pending.ID); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		withdrawn, err := s.CloseOfferByReference(ctx, adm.ID, "api", "PENDING", vivier.Actor{Email: "test"})
		if err != nil || withdrawn.Status != vivier.OfferDraft {
			t.Fatalf("close a pending offer = %+v, %v", withdrawn, err)
		}
	}
	if _, err := s.CloseOfferByReference(ctx, adm.ID, "api", "NONE", vivier.Actor{}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("close an unknown offer: %v", err)
	}
}

func errorOf(err error) (*vivier.Error, bool) {
	var e *vivier.Error
	ok := errors.As(err, &e)
	return e, ok
}
