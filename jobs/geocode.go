package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"vivier"
)

// GeocoderConfig is where the offers' places are geocoded: the Base Adresse
// Nationale's API (GEOCODER_URL, https://api-adresse.data.gouv.fr in
// production). An empty URL turns geocoding off: places then keep their
// commune's centre.
type GeocoderConfig struct {
	URL     string
	Timeout time.Duration // of one call; 10 s by default
}

// geocoder calls the BAN through the outgoing-request guard (the URL is the
// operator's, but the guard costs nothing and keeps one rule for all).
type geocoder struct {
	cfg    GeocoderConfig
	http   lazyOutbound
	misses communeMisses
}

func (g *geocoder) client(p vivier.OutboundPolicy) *http.Client {
	t := g.cfg.Timeout
	if t <= 0 {
		t = 10 * time.Second
	}
	return g.http.get(p, t)
}

// geocodeJSON is the part of the BAN's GeocodeJSON answer we read.
type geocodeJSON struct {
	Features []struct {
		Geometry struct {
			Coordinates []float64 `json:"coordinates"` // longitude, latitude
		} `json:"geometry"`
		Properties struct {
			CityCode string `json:"citycode"`
		} `json:"properties"`
	} `json:"features"`
}

// search asks the BAN for q within the commune; kind "municipality" asks
// for the commune itself. A nil point means nothing was found; an error
// (network, 429, 5xx, a body that is not GeocodeJSON) is retried later.
func (g *geocoder) search(ctx context.Context, c *http.Client, q, citycode, kind string) (*vivier.GeoPoint, error) {
	v := url.Values{"q": {q}, "citycode": {citycode}, "limit": {"1"}}
	if kind != "" {
		v.Set("type", kind)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.cfg.URL+"/search/?"+v.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("geocoder: %w", err)
	}
	defer closeQuietly(resp.Body)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, fmt.Errorf("geocoder: rate limited (429)")
	case resp.StatusCode == http.StatusBadRequest:
		return nil, nil // a query the BAN refuses (too short, say): nothing to find
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("geocoder: status %d", resp.StatusCode)
	}
	var ans geocodeJSON
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&ans); err != nil {
		return nil, fmt.Errorf("geocoder: answer is not GeocodeJSON: %w", err)
	}
	for _, f := range ans.Features {
		cs := f.Geometry.Coordinates
		if len(cs) < 2 || (f.Properties.CityCode != "" && f.Properties.CityCode != citycode) {
			continue
		}
		p := vivier.GeoPoint{Lng: cs[0], Lat: cs[1]}
		if p.Lat < -90 || p.Lat > 90 || p.Lng < -180 || p.Lng > 180 {
			continue
		}
		return &p, nil
	}
	return nil, nil
}

func closeQuietly(c io.Closer) { _ = c.Close() }

// handleGeocodeOffer finds the coordinates of an offer's places: the
// address when the BAN knows it, else the commune's centre. It is
// idempotent (it writes what it found, for places that are still the
// same); a failure of the BAN leaves the offer as saved and is retried.
func (w *Worker) handleGeocodeOffer(ctx context.Context, p vivier.GeocodeOfferTask) error {
	if w.geo.cfg.URL == "" {
		return nil
	}
	o, err := w.store.OfferByID(ctx, p.AdministrationID, p.OfferID)
	if err != nil {
		return err // ENOTFOUND: the offer is gone, the task is done
	}
	c := w.geo.client(w.store.OutboundPolicy())
	var fixes []vivier.PlaceFix
	for i, l := range o.Locations {
		if l.Commune == "" || l.Geocoded == "adresse" || (l.Geocoded == "" && l.Latitude != nil) {
			continue // not a commune, done, or coordinates the sender gave
		}
		if l.Geocoded == "commune" && l.Address == "" {
			continue
		}
		// The commune's centre, learned once for every later place and
		// for "autour de" that commune.
		com, err := w.store.CommuneByCode(ctx, l.Commune)
		if err != nil {
			return err
		}
		centre := com.Centre()
		if centre == nil {
			if centre, err = w.geo.search(ctx, c, com.Name, l.Commune, "municipality"); err != nil {
				return err
			}
			if centre != nil {
				fixes = append(fixes, vivier.PlaceFix{Index: -1, Commune: l.Commune, Lat: centre.Lat, Lng: centre.Lng, Level: "commune"})
			}
		}
		fix := vivier.PlaceFix{Index: i, Commune: l.Commune, Address: l.Address, Level: "adresse"}
		var pt *vivier.GeoPoint
		if l.Address != "" {
			if pt, err = w.geo.search(ctx, c, l.Address, l.Commune, ""); err != nil {
				return err
			}
		}
		if pt == nil {
			if l.Geocoded == "commune" {
				continue // the centre is there already
			}
			pt, fix.Level = centre, "commune"
		}
		if pt != nil {
			fix.Lat, fix.Lng = pt.Lat, pt.Lng
			fixes = append(fixes, fix)
		}
	}
	if len(fixes) == 0 {
		return nil
	}
	return w.store.SetPlaceCoordinates(ctx, p.AdministrationID, p.OfferID, fixes)
}
