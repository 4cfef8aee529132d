package vivier

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

const communeColumns = `code, name, departement_code, region_code, postal_codes, population, lat, lng`

// searchKey is the SQL fold of a typed name, the same as communes.search.
const searchKey = `lower(translate(immutable_unaccent($1), '-''’', '   '))`

// CommuneByCode returns the commune of that code INSEE.
func (s *Store) CommuneByCode(ctx context.Context, code string) (*Commune, error) {
	var c Commune
	err := s.db.GetContext(ctx, &c, `SELECT `+communeColumns+` FROM communes WHERE code = $1`, code)
	if err != nil {
		return nil, wrap("CommuneByCode", err)
	}
	return &c, nil
}

// CommunesWithoutCentre lists communes whose centre is not known yet, the
// most populated first, leaving out the codes in skip (those the geocoder
// did not find).
func (s *Store) CommunesWithoutCentre(ctx context.Context, limit int, skip []string) ([]Commune, error) {
	var out []Commune
	if skip == nil {
		skip = []string{} // an SQL NULL array would leave every row out
	}
	err := s.db.SelectContext(ctx, &out, `SELECT `+communeColumns+` FROM communes
		WHERE lat IS NULL AND NOT code = ANY($2) ORDER BY population DESC NULLS LAST, code LIMIT $1`, limit, pq.Array(skip))
	return out, wrap("CommunesWithoutCentre", err)
}

// SetCommuneCentre records the centre the geocoder found for a commune; a
// centre already known stays.
func (s *Store) SetCommuneCentre(ctx context.Context, code string, p GeoPoint) error {
	_, err := s.db.ExecContext(ctx, `UPDATE communes SET lat = $2, lng = $3 WHERE code = $1 AND lat IS NULL`, code, p.Lat, p.Lng)
	return wrap("SetCommuneCentre", err)
}

// SuggestCommunes lists the communes whose name (or postal code) begins
// with what was typed, the most populated first.
func (s *Store) SuggestCommunes(ctx context.Context, typed string, limit int) ([]Commune, error) {
	typed = strings.TrimSpace(typed)
	out := []Commune{}
	if typed == "" {
		return out, nil
	}
	name, qual := splitCommuneInput(strings.NewReplacer("%", "", "_", "").Replace(typed))
	if strings.TrimSpace(name) == "" {
		return out, nil
	}
	err := s.db.SelectContext(ctx, &out, `SELECT `+communeColumns+` FROM communes
		WHERE (search LIKE replace(replace(`+searchKey+`, '%', ''), '_', '') || '%'
		       OR ($1 ~ '^[0-9]{2,5}$' AND (code LIKE $1 || '%' OR EXISTS (SELECT 1 FROM unnest(postal_codes) p WHERE p LIKE $1 || '%'))))
		  AND ($2 = '' OR departement_code = $2 OR $2 = ANY (postal_codes))
		ORDER BY population DESC, name LIMIT $3`, name, qual, limit)
	if err != nil {
		return nil, wrap("SuggestCommunes", err)
	}
	return out, nil
}

// ResolveCommune reads a commune from what was typed in a plain field
// (without JavaScript, or typed without choosing from the list): a code
// INSEE, a postal code, "Nom (dép.)", "Nom (code postal)" or a name that
// only one commune bears. field names the field of the French error.
func (s *Store) ResolveCommune(ctx context.Context, field, typed string) (*Commune, error) {
	return resolveCommune(ctx, s.db, field, typed)
}

func resolveCommune(ctx context.Context, db sqlx.QueryerContext, field, typed string) (*Commune, error) {
	name, qual := splitCommuneInput(typed)
	if name == "" && qual == "" {
		return nil, FieldError(field, "Indiquez une commune.")
	}
	var found []Commune
	err := sqlx.SelectContext(ctx, db, &found, `SELECT `+communeColumns+` FROM communes
		WHERE CASE WHEN $1 ~ '^[0-9][0-9AB][0-9]{3}$' AND $2 = '' THEN
		          -- A postal code first (what people write), else a code INSEE.
		          $1 = ANY (postal_codes) OR (code = $1 AND NOT EXISTS (SELECT 1 FROM communes p WHERE $1 = ANY (p.postal_codes)))
		      ELSE search = `+searchKey+` AND ($2 = '' OR departement_code = $2 OR $2 = ANY (postal_codes)) END
		ORDER BY population DESC LIMIT 6`, name, qual)
	if err != nil {
		return nil, wrap("ResolveCommune", err)
	}
	switch {
	case len(found) == 0:
		return nil, FieldError(field, fmt.Sprintf("Commune inconnue : « %s ». Choisissez une commune de la liste, par exemple « Lyon (69) ».", typed))
	case len(found) == 1:
		return &found[0], nil
	}
	var names []string
	for _, c := range found[:min(len(found), 5)] {
		names = append(names, c.Display())
	}
	return nil, FieldError(field, fmt.Sprintf("Plusieurs communes répondent à « %s » : précisez le département, par exemple %s.",
		typed, "« "+strings.Join(names, " », « ")+" »"))
}

// resolvePlaces completes an offer's places from the communes: a place in a
// commune gets its département, région, label and, until the geocoder
// answers, the commune's centre; a place sent with a label and a
// département only (API, import) gets its commune when the label names one
// of that département.
func resolvePlaces(ctx context.Context, db sqlx.QueryerContext, o *Offer) error {
	for i := range o.Locations {
		l := &o.Locations[i]
		if l.Commune == "" && l.Departement != "" && l.Label != "" {
			var codes []string
			if err := sqlx.SelectContext(ctx, db, &codes, `SELECT code FROM communes
				WHERE departement_code = $2 AND search = `+searchKey+` LIMIT 2`, l.Label, l.Departement); err != nil {
				return wrap("resolvePlaces", err)
			}
			if len(codes) == 1 {
				l.Commune = codes[0]
			}
		}
		if l.Commune == "" {
			if l.Region == "" && l.Departement != "" {
				var regions []string
				if err := sqlx.SelectContext(ctx, db, &regions, `SELECT region_code FROM departements WHERE code = $1`, l.Departement); err != nil {
					return wrap("resolvePlaces", err)
				}
				if len(regions) == 0 {
					return FieldError("departement", "Choisissez un département dans la liste.")
				}
				l.Region = regions[0]
			}
			continue
		}
		var c Commune
		err := sqlx.GetContext(ctx, db, &c, `SELECT `+communeColumns+` FROM communes WHERE code = $1`, l.Commune)
		if ErrorCode(wrap("", err)) == ENOTFOUND {
			return FieldError("localisation", fmt.Sprintf("La commune de code « %s » est inconnue.", l.Commune))
		} else if err != nil {
			return wrap("resolvePlaces", err)
		}
		l.Address = strings.TrimSpace(l.Address)
		if l.Country == "" {
			l.Country = "FRA"
		}
		l.Departement, l.Region = c.Departement, c.Region
		if l.Label == "" {
			l.Label = c.Name
		}
		if l.Latitude == nil && c.Lat != nil {
			l.Latitude, l.Longitude, l.Geocoded = c.Lat, c.Lng, "commune"
		}
	}
	return nil
}

// queueGeocode asks the worker for the coordinates of the offer's places
// that a geocoder could improve: one without any, or one at the commune's
// centre that has an address or whose commune's centre was unknown.
func queueGeocode(ctx context.Context, tx *sqlx.Tx, adminID int64, o *Offer) error {
	need := false
	for _, l := range o.Locations {
		if l.Commune != "" && (l.Latitude == nil || (l.Geocoded == "commune" && l.Address != "")) {
			need = true
		}
	}
	if !need {
		return nil
	}
	msg, err := NewOutboxMessage(TaskGeocodeOffer, "", GeocodeOfferTask{OfferID: o.ID, AdministrationID: adminID})
	if err != nil {
		return err
	}
	msg.AdministrationID = &adminID
	return insertOutbox(ctx, tx, &msg)
}

// SetPlaceCoordinates writes what the geocoder found for an offer's places,
// each only if the place is still the same commune and address (an edit
// may have come meanwhile: its own task geocodes it); a commune's centre
// found by the geocoder is kept for the next places there. Only the
// coordinates change: the offer's content and status stay.
func (s *Store) SetPlaceCoordinates(ctx context.Context, adminID, offerID int64, fixes []PlaceFix) error {
	return s.inTx(ctx, "SetPlaceCoordinates", func(tx *sqlx.Tx) error {
		var raw []byte
		if err := tx.GetContext(ctx, &raw, `SELECT locations FROM offers WHERE id = $1 AND administration_id = $2 FOR UPDATE`,
			offerID, adminID); err != nil {
			return err
		}
		var locs []Location
		if err := json.Unmarshal(raw, &locs); err != nil {
			return fmt.Errorf("offer %d locations: %w", offerID, err)
		}
		changed := false
		for _, f := range fixes {
			if f.Level == "commune" {
				if _, err := tx.ExecContext(ctx, `UPDATE communes SET lat = $2, lng = $3 WHERE code = $1 AND lat IS NULL`,
					f.Commune, f.Lat, f.Lng); err != nil {
					return err
				}
			}
			if f.Index < 0 || f.Index >= len(locs) {
				continue
			}
			l := &locs[f.Index]
			if l.Commune != f.Commune || l.Address != f.Address {
				continue
			}
			lat, lng := f.Lat, f.Lng
			l.Latitude, l.Longitude, l.Geocoded = &lat, &lng, f.Level
			changed = true
		}
		if !changed {
			return nil
		}
		b, err := json.Marshal(locs)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE offers SET locations = $3 WHERE id = $1 AND administration_id = $2`, offerID, adminID, b)
		return err
	})
}

// CVHome is the commune of the first of a CV's postal codes whose centre is
// known; ENOTFOUND when none is.
func (s *Store) CVHome(ctx context.Context, postalCodes []string) (*Commune, error) {
	for _, code := range postalCodes {
		c, err := s.ResolveCommune(ctx, "lieu", code)
		if ErrorCode(err) == EINVALID || ErrorCode(err) == ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if c.Centre() != nil {
			return c, nil
		}
	}
	return nil, Errorf(ENOTFOUND, "Aucune commune connue dans ce CV.")
}
