package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
	"vivier/jobs/bantest"
	"vivier/jobs/jobstest"
)

// placesForm is a minimal offer form with the given places (commune,
// address), each row as the form sends it.
func placesForm(token, title string, places ...[2]string) url.Values {
	f := url.Values{"_csrf": {token}, "kind": {"emploi"}, "title": {title}, "versant": {"etat"}, "reference": {"LIEUX-1"},
		"organisation_name": {"Ministère de la Démonstration"}, "categories": {"A"}, "contract_type": {"TITULAIRE_CONTRACTUEL"},
		"mission": {"Accueillir le public."}, "profile": {"Sens du service."}, "workplace": {"SUR_SITE"}, "experience": {"DEBUTANT"},
		"cv_policy": {"optional"}, "letter_policy": {"optional"}}
	for i, p := range append(places, [2]string{}) {
		f.Set(fmt.Sprintf("lieu_commune_%d", i), p[0])
		f.Set(fmt.Sprintf("lieu_adresse_%d", i), p[1])
		f.Set(fmt.Sprintf("lieu_garde_%d", i), "")
	}
	return f
}

// offerIDFrom reads the offer's id from the redirect after its creation.
func offerIDFrom(t *testing.T, resp *http.Response) int64 {
	t.Helper()
	loc := resp.Header.Get("Location")
	id, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
	if resp.StatusCode != 303 || err != nil {
		t.Fatalf("create = %d %q", resp.StatusCode, loc)
	}
	return id
}

// TestEveryPlacedOfferIsFoundAround: offers made by the form, the API and
// the concours import, their places geocoded in the background by a fake
// Base Adresse Nationale, are all found within 20 km of their commune; the
// BAN down leaves the offer saved and its geocoding retried later.
func TestEveryPlacedOfferIsFoundAround(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ban := bantest.New(t)
	annecy, palaiseau, vannes := bantest.Point{Lat: 45.8992, Lng: 6.1294}, bantest.Point{Lat: 48.7145, Lng: 2.2457}, bantest.Point{Lat: 47.6582, Lng: -2.7608}
	ban.Commune("74010", annecy)
	ban.Commune("91477", palaiseau)
	ban.Commune("56260", vannes)
	ban.Address("74010", "12 rue de la Paix", bantest.Point{Lat: 45.9040, Lng: 6.1250})
	p := startDemo(t, "dev", map[string]string{"GEOCODER_URL": ban.URL, "OUTBOUND_ALLOW": "127.0.0.1/32",
		"API_RATE_LIMIT_PER_MINUTE": "100000"})
	s := p.Store()
	adm, err := s.AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	publish := func(id int64) {
		t.Helper()
		if err := s.MoveOffer(ctx, adm.ID, id, vivier.OfferPublished, vivier.Actor{Email: "test"}); err != nil {
			t.Fatalf("publish %d: %v", id, err)
		}
	}
	c, token := signInAs(t, p, "recruteur@ministere-demo.vivier.test")

	// The BAN is down: the form's offer is saved all the same, with the
	// centre of the commune the platform knows (Brest), and its geocoding
	// waits in Asynq's retries.
	ban.Fail(http.StatusServiceUnavailable, 1000)
	resp, page := postForm(t, c, p.URL+"/admin/ministere-demo/offres",
		placesForm(token, "Agent·e d'accueil à Annecy et Brest", [2]string{"Annecy (74)", "12 rue de la Paix"}, [2]string{"29019", ""}))
	if resp.StatusCode != 303 {
		t.Fatalf("create = %d: %s", resp.StatusCode, errorTexts(page))
	}
	formID := offerIDFrom(t, resp)
	publish(formID)
	o, err := s.OfferByID(ctx, adm.ID, formID)
	if err != nil || len(o.Locations) != 2 || o.Locations[0].Commune != "74010" || o.Locations[1].Commune != "29019" ||
		o.Locations[1].Latitude == nil || o.Locations[0].Latitude != nil || o.Locations[0].Address != "12 rue de la Paix" {
		t.Fatalf("the form's offer = %+v, %v", o, err)
	}
	ins := asynq.NewInspector(p.Redis)
	defer func() { _ = ins.Close() }()
	var retries []*asynq.TaskInfo
	jobstest.Eventually(t, "the geocoding waits for a retry", func() (bool, error) {
		list, err := ins.ListRetryTasks("default")
		if errors.Is(err, asynq.ErrQueueNotFound) {
			return false, nil
		}
		retries = list
		return err == nil && len(list) > 0 && list[0].Type == vivier.TaskGeocodeOffer, err
	})
	if ban.Calls() == 0 {
		t.Fatal("the BAN was not called")
	}
	// A 429 next, then the BAN is back.
	ban.Fail(http.StatusTooManyRequests, 1)
	for _, r := range retries {
		if err := ins.RunTask("default", r.ID); err != nil {
			t.Fatal(err)
		}
	}
	jobstest.Eventually(t, "the 429 sends the task back to the retries", func() (bool, error) {
		list, err := ins.ListRetryTasks("default")
		return err == nil && len(list) == 1 && list[0].Retried >= 1 && list[0].LastErr != "", nil
	})
	retries, _ = ins.ListRetryTasks("default")
	for _, r := range retries {
		if err := ins.RunTask("default", r.ID); err != nil {
			t.Fatal(err)
		}
	}

	// The API, with a label and a département and no coordinates: the
	// commune is found from the label.
	api := apiOffer("GEO-1", "Gestionnaire budgétaire à Palaiseau", time.Now().Add(-time.Hour))
	api["localisation"] = []any{map[string]any{"zone_geographique": "EU", "pays": "FRA", "departement": "91", "localisation_label": "Palaiseau"}}
	write := newAPIToken(t, p, "ministere-demo", vivier.ScopeWrite)
	if status, _, out := apiCall(t, "POST", p.URL+"/api/v1/offres/creer_modifier", write, map[string]any{"offres": []any{api}}); status != 201 {
		t.Fatalf("API push = %d %v", status, out)
	}
	// The concours import, with its Lieux column.
	csv := "N° NOR;Corps;Grade;Ministère;Intitulé;Lieux\nINTA2698765A;Attachés;Attaché;Intérieur;Concours d'attaché à Vannes;Vannes (56)\n"
	if resp, page := upload(t, c, p.URL+"/admin/ministere-demo/offres/import", token, "concours.csv", []byte(csv)); resp.StatusCode != 200 ||
		!strings.Contains(page, "1 concours créé(s)") {
		t.Fatalf("import = %d\n%s", resp.StatusCode, page)
	}
	offers, err := s.OffersOf(ctx, adm.ID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range offers {
		if o.Kind == vivier.KindConcours {
			publish(o.ID)
		}
	}

	jobstest.Eventually(t, "every place is geocoded", func() (bool, error) {
		offers, err := s.OffersOf(ctx, adm.ID, "", 0)
		if err != nil || len(offers) != 3 {
			return false, err
		}
		for _, o := range offers {
			for _, l := range o.Locations {
				if l.Latitude == nil || l.Commune == "" {
					return false, nil
				}
			}
		}
		return true, nil
	})
	o, _ = s.OfferByID(ctx, adm.ID, formID)
	if l := o.Locations[0]; l.Geocoded != "adresse" || *l.Latitude != 45.9040 {
		t.Errorf("Annecy's place = %+v (want the address's point)", l)
	}
	for _, tc := range []struct{ lieu, title string }{
		{"Annecy (74)", "Agent·e d&#39;accueil à Annecy et Brest"},
		{"Brest (29)", "Agent·e d&#39;accueil à Annecy et Brest"}, // its second place
		{"Palaiseau", "Gestionnaire budgétaire à Palaiseau"},
		{"56000", "Concours d&#39;attaché à Vannes"},
	} {
		resp, page := get(t, http.DefaultClient, p.URL+"/offres?rayon=20&lieu="+url.QueryEscape(tc.lieu))
		if resp.StatusCode != 200 || !strings.Contains(page, tc.title) || !strings.Contains(page, ">1 offre<") {
			t.Errorf("autour de %s = %d, %q missing or not alone", tc.lieu, resp.StatusCode, tc.title)
		}
	}
	// Far from every place: nothing.
	if _, page := get(t, http.DefaultClient, p.URL+"/offres?rayon=20&lieu="+url.QueryEscape("Lyon (69)")); !strings.Contains(page, ">0 offre<") {
		t.Error("around Lyon, offers were found")
	}
	// A place the server cannot read: a French message, 400.
	for lieu, msg := range map[string]string{"Atlantide": "Commune inconnue", "Saint-Denis": "Plusieurs communes"} {
		resp, page := get(t, http.DefaultClient, p.URL+"/offres?lieu="+url.QueryEscape(lieu))
		if resp.StatusCode != 400 || !strings.Contains(page, msg) {
			t.Errorf("lieu=%s = %d, want 400 with %q", lieu, resp.StatusCode, msg)
		}
	}
}

// errorTexts are the French error messages of a page.
func errorTexts(page string) string {
	var out []string
	for _, part := range strings.Split(page, `class="fr-error-text"`)[1:] {
		if i := strings.Index(part, "</p>"); i > 0 {
			out = append(out, part[:i])
		}
	}
	return strings.Join(out, " | ")
}
