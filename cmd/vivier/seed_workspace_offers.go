package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lib/pq"

	"vivier"
)

// workspaceSpan is how far back the workspace goes: a year and a half of
// recruiting.
const workspaceSpan = 540 * 24 * time.Hour

// workspaceOffer is what the applications' generator needs of an offer.
type workspaceOffer struct {
	ID        int64     `db:"id"`
	AdminID   int64     `db:"administration_id"`
	Status    string    `db:"status"`
	CreatedAt time.Time `db:"created_at"`
	ClosedAt  time.Time `db:"closed_at"`
}

// workspaceTeams make the titles of one kind differ, as a ministry's do.
var workspaceTeams = []string{"bureau des systèmes d'information", "sous-direction des affaires juridiques", "service des achats",
	"mission d'appui aux territoires", "bureau du budget", "service de la communication", "pôle données", "cabinet",
	"bureau de la formation", "délégation régionale Grand Est", "délégation régionale Occitanie", "service de santé au travail",
	"bureau des relations sociales", "inspection générale", "secrétariat général"}

// workspaceOffers loads n offers with COPY over the administrations (half in
// the ministry), created over the span; the older ones are closed or
// archived, a few recent ones are drafts.
func (m *Main) workspaceOffers(ctx context.Context, adms []*workspaceAdmin, n int) ([]workspaceOffer, error) {
	deps, err := m.store.Departements(ctx)
	if err != nil {
		return nil, err
	}
	regionOf := map[string]string{}
	for _, d := range deps {
		regionOf[d.Code] = d.RegionCode
	}
	cities := vivier.Cities()
	end := time.Now().AddDate(0, 2, 0)
	placed := []int{0, 0, 1, 2} // the ministry holds half of the offers
	if _, err := bulkOffers(ctx, m.db, n, func(i int) (int64, vivier.Offer) {
		adm := adms[placed[i%len(placed)]%len(adms)]
		spec := demoOffers[(i*7)%len(demoOffers)]
		city := cities[(i*13)%len(cities)]
		lat, lng := city.Lat, city.Lng
		d := spec.domaine
		title := spec.title + " – " + workspaceTeams[(i/len(demoOffers))%len(workspaceTeams)]
		return adm.ID, vivier.Offer{Kind: spec.kind, Reference: fmt.Sprintf("%s%06d", workspaceRefPrefix, i), Versant: adm.Versant,
			Title: title, OrganisationName: adm.Name, DomaineCode: &d, Categories: []string{spec.cat},
			ContractType: "TITULAIRE_CONTRACTUEL", ContractForms: []string{[]string{"CDD", "CDI", "PERMANENT"}[i%3]},
			Workplace: []string{"SUR_SITE", "TELETRAVAIL", "NON_DEFINI"}[i%3], Experience: []string{"DEBUTANT", "CONFIRME", "EXPERT"}[i%3],
			Mission: demoMission, Profile: demoProfile, EndAt: &end,
			Locations: []vivier.Location{{Country: "FRA", Departement: city.Departement, Region: regionOf[city.Departement],
				Label: city.Name, Latitude: &lat, Longitude: &lng}}}
	}); err != nil {
		return nil, err
	}
	// Dates and statuses, drawn here and set in one statement.
	now := time.Now()
	refs, statuses := make([]string, n), make([]string, n)
	created, published, closed := make([]string, n), make([]string, n), make([]string, n)
	for i := range n {
		r := rand.New(rand.NewPCG(7, uint64(i)))
		c := now.Add(-time.Duration(float64(workspaceSpan) * float64(n-i) / float64(n+1))).Add(-time.Duration(r.IntN(20)) * time.Hour)
		age := now.Sub(c)
		status := "published"
		switch {
		case age > 120*24*time.Hour && r.IntN(10) < 3:
			status = "archived"
		case age > 120*24*time.Hour, age > 45*24*time.Hour && r.IntN(10) < 4:
			status = "closed"
		case age < 30*24*time.Hour && r.IntN(10) == 0:
			status = "draft"
		}
		refs[i], statuses[i], created[i] = fmt.Sprintf("%s%06d", workspaceRefPrefix, i), status, c.Format(time.RFC3339Nano)
		if status != "draft" {
			published[i] = c.Add(time.Duration(1+r.IntN(48)) * time.Hour).Format(time.RFC3339Nano)
		}
		if status == "closed" || status == "archived" {
			closed[i] = c.Add(time.Duration(30+r.IntN(40)) * 24 * time.Hour).Format(time.RFC3339Nano)
		}
	}
	ids := make([]int64, len(adms))
	for i, a := range adms {
		ids[i] = a.ID
	}
	var out []workspaceOffer
	err = m.db.SelectContext(ctx, &out, `
		UPDATE offers o SET status = x.status, created_at = x.created::timestamptz,
			published_at = NULLIF(x.published, '')::timestamptz, closed_at = NULLIF(x.closed, '')::timestamptz,
			updated_at = greatest(x.created::timestamptz, NULLIF(x.published, '')::timestamptz, NULLIF(x.closed, '')::timestamptz),
			end_at = CASE WHEN x.closed <> '' THEN NULLIF(x.closed, '')::timestamptz ELSE o.end_at END
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x (ref, status, created, published, closed)
		WHERE o.reference = x.ref AND o.source = 'bulk' AND o.administration_id = ANY($6)
		RETURNING o.id, o.administration_id, o.status, o.created_at, coalesce(o.closed_at, now()) AS closed_at`,
		pq.Array(refs), pq.Array(statuses), pq.Array(created), pq.Array(published), pq.Array(closed), pq.Array(ids))
	if err != nil {
		return nil, fmt.Errorf("seed workspace offers: %w", err)
	}
	if len(out) != n {
		return nil, fmt.Errorf("seed workspace offers: %d offers dated, %d loaded", len(out), n)
	}
	return out, nil
}
