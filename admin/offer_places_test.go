package admin

import (
	"reflect"
	"testing"

	"github.com/valyala/fasthttp"

	"vivier"
)

// A place the form shows unchanged is kept as it was (an API-pushed place
// keeps its label, its département and the coordinates it came with); an
// edited row is read again; a blank row is dropped; a typed commune the
// server cannot read is the row's error.
func TestReadPlacesKeepsUnchangedPlaces(t *testing.T) {
	lat, lng := 48.71, 2.21
	api := vivier.Location{Zone: "EU", Country: "FRA", Region: "11", Departement: "91", Label: "Site de Palaiseau",
		Latitude: &lat, Longitude: &lng}
	form := vivier.Location{Country: "FRA", Commune: "29019", Label: "Brest", Departement: "29", Region: "53",
		Address: "Quai Tabarly", Latitude: &lat, Longitude: &lng, Geocoded: "adresse"}
	o := &vivier.Offer{Locations: []vivier.Location{api, form}}
	rows := placeRows(o)
	if len(rows) != 3 || rows[0].Commune != "Site de Palaiseau" || rows[1].Commune != "Brest (29)" || rows[1].Keep != "1" || rows[2].Commune != "" {
		t.Fatalf("rows = %+v", rows)
	}
	var args fasthttp.Args
	for _, kv := range [][2]string{
		{"lieu_commune_0", "Site de Palaiseau"}, {"lieu_adresse_0", ""}, {"lieu_garde_0", "0"},
		{"lieu_commune_1", "Brest (29)"}, {"lieu_adresse_1", "Quai Tabarly"}, {"lieu_garde_1", "1"},
		{"lieu_commune_2", "Lyon (69)"}, {"lieu_adresse_2", ""}, {"lieu_garde_2", ""},
		{"lieu_commune_3", "Atlantide"}, {"lieu_adresse_3", ""}, {"lieu_garde_3", ""},
		{"lieu_commune_4", ""}, {"lieu_adresse_4", ""}, {"lieu_garde_4", ""},
	} {
		args.Add(kv[0], kv[1])
	}
	fields := map[string]string{}
	resolve := func(field, typed string) (*vivier.Commune, error) {
		if typed == "Lyon (69)" {
			return &vivier.Commune{Code: "69123", Name: "Lyon", Departement: "69", Region: "84"}, nil
		}
		return nil, vivier.FieldError(field, "Commune inconnue : « "+typed+" ».")
	}
	if err := readPlaces(&args, fields, o, resolve); err != nil {
		t.Fatal(err)
	}
	if len(o.Locations) != 4 || !reflect.DeepEqual(o.Locations[0], api) || !reflect.DeepEqual(o.Locations[1], form) {
		t.Fatalf("locations = %+v", o.Locations)
	}
	if l := o.Locations[2]; l.Commune != "69123" || l.Departement != "69" || l.Latitude != nil {
		t.Errorf("Lyon's place = %+v", l)
	}
	if fields["lieu_commune_3"] == "" || len(fields) != 1 {
		t.Errorf("fields = %v", fields)
	}
}
