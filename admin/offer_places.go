package admin

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"vivier"
)

// An offer's places in the form: one row each (a commune and an optional
// address line), with blank rows to add more. The commune field is a
// combobox with JavaScript (templates/static/js/combobox.js, fed by the
// public /offres/aide-saisie) and a plain text field without: the server
// reads "Nom (dép.)", a postal code or a code INSEE, and says in French
// when that names no commune or several. A row left as shown keeps its
// place as it was (an API-pushed place keeps its label and coordinates).

const maxPlaces = 10

// placeRow is one row of the places' block.
type placeRow struct {
	I, N    int
	Commune string // as shown and typed: "Lyon (69)", or the label of a place without commune
	Address string
	Keep    string // the index of the place the row shows, kept when unchanged
}

// placeDisplay is how a place is shown in the commune field.
func placeDisplay(l vivier.Location) string {
	if l.Commune != "" && l.Departement != "" {
		return vivier.Commune{Name: placeName(l), Departement: l.Departement}.Display()
	}
	return l.Label
}

// placeName is the commune's name a form place carries in its label.
func placeName(l vivier.Location) string {
	return l.Label
}

// readPlaces reads the places' rows into o; resolve reads a typed commune.
func readPlaces(args *fasthttp.Args, fields map[string]string, o *vivier.Offer,
	resolve func(field, typed string) (*vivier.Commune, error)) error {
	orig := o.Locations
	o.Locations = nil
	text := func(name string) string { return strings.TrimSpace(string(args.Peek(name))) }
	if !args.Has("lieu_commune_0") && args.Has("departement") {
		// The form's former shape (a département and a label), still
		// posted by pages opened before the change: the store finds the
		// commune the label names in that département.
		if dep := text("departement"); dep != "" {
			o.Locations = []vivier.Location{{Country: "FRA", Departement: dep, Label: text("location_label")}}
		}
		return nil
	}
	for i := 0; i < maxPlaces; i++ {
		field := fmt.Sprintf("lieu_commune_%d", i)
		typed, addr := text(field), text(fmt.Sprintf("lieu_adresse_%d", i))
		if !args.Has(field) {
			break
		}
		if typed == "" && addr == "" {
			continue
		}
		if k, err := strconv.Atoi(text(fmt.Sprintf("lieu_garde_%d", i))); err == nil && k >= 0 && k < len(orig) &&
			typed == placeDisplay(orig[k]) && addr == orig[k].Address {
			o.Locations = append(o.Locations, orig[k])
			continue
		}
		if typed == "" {
			fields[field] = "Indiquez la commune de ce lieu."
			o.Locations = append(o.Locations, vivier.Location{Address: addr})
			continue
		}
		c, err := resolve(field, typed)
		if vivier.ErrorCode(err) == vivier.EINVALID {
			fields[field] = vivier.ErrorMessage(err)
			o.Locations = append(o.Locations, vivier.Location{Label: typed, Address: addr})
			continue
		} else if err != nil {
			return err
		}
		o.Locations = append(o.Locations, vivier.Location{Country: "FRA", Commune: c.Code, Label: c.Name,
			Departement: c.Departement, Region: c.Region, Address: addr})
	}
	return nil
}

// placeRows are the rows the form shows: the offer's places and blank ones.
func placeRows(o *vivier.Offer) []placeRow {
	var rows []placeRow
	for i, l := range o.Locations {
		r := placeRow{I: i, N: i + 1, Commune: placeDisplay(l), Address: l.Address}
		if l.Commune != "" || l.Latitude != nil || l.Departement != "" {
			r.Keep = strconv.Itoa(i)
		}
		rows = append(rows, r)
	}
	for n := len(rows); len(rows) < min(maxPlaces, max(n+1, 2)); {
		i := len(rows)
		rows = append(rows, placeRow{I: i, N: i + 1})
	}
	return rows
}

// communeResolver reads a typed commune with the store.
func (h *Handler) communeResolver(c *fiber.Ctx) func(field, typed string) (*vivier.Commune, error) {
	return func(field, typed string) (*vivier.Commune, error) {
		return h.Store.ResolveCommune(c.UserContext(), field, typed)
	}
}
