package vivier

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// BulkOffers inserts published offers with COPY, for load tests and
// benchmarks (`vivier seed --offers N`): no audit, no validation beyond the
// table's checks. make returns the i-th offer.
func (s *Store) BulkOffers(ctx context.Context, n int, make func(i int) (adminID int64, o Offer)) error {
	const batch = 50000
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		err := s.inTx(ctx, "BulkOffers", func(tx *sqlx.Tx) error {
			stmt, err := tx.PrepareContext(ctx, `COPY offers (administration_id, kind, status, reference, source,
				versant, title, organisation_name, domaine_code, categories, contract_type, contract_forms,
				mission, profile, locations, region_codes, departement_codes, workplace, experience,
				published_at, end_at, search_extra) FROM STDIN`)
			if err != nil {
				return err
			}
			for i := start; i < end; i++ {
				adminID, o := make(i)
				locs, _ := json.Marshal(o.Locations)
				var regions, deps []string
				for _, l := range o.Locations {
					regions, deps = append(regions, l.Region), append(deps, l.Departement)
				}
				published := time.Now().Add(-time.Duration(i%720) * time.Hour)
				if _, err := stmt.ExecContext(ctx, adminID, string(o.Kind), "published", o.Reference, "bulk", string(o.Versant),
					o.Title, o.OrganisationName, o.DomaineCode, pq.StringArray(o.Categories), o.ContractType,
					pq.StringArray(o.ContractForms), o.Mission, o.Profile, string(locs), pq.StringArray(regions),
					pq.StringArray(deps), o.Workplace, o.Experience, published, o.EndAt,
					InclusiveForms(o.Title)); err != nil {
					return fmt.Errorf("copy offer %d: %w", i, err)
				}
			}
			if _, err := stmt.ExecContext(ctx); err != nil {
				return err
			}
			return stmt.Close()
		})
		if err != nil {
			return err
		}
	}
	return nil
}
