package vivier

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"
)

// bulkBatch is how many offers one COPY transaction carries.
const bulkBatch = 20000

// BulkOffers inserts n published offers with COPY, for load tests and
// benchmarks (`vivier seed --offers N`): no audit, no validation beyond the
// table's checks. gen returns the i-th offer and must be safe to call from
// several goroutines. Offer i is published (n-1-i)/n of 30 days ago, so that
// ids follow publication as they do in real life.
//
// It is built for speed, since a million offers is the scale we measure at:
// batches are copied over several connections at once (generating the search
// vector is the costly part and runs in each PostgreSQL backend), commits do
// not wait for the disk (synchronous_commit off: a crash loses the last
// batches, not consistency), and when the table starts empty its secondary
// indexes are dropped and built again at the end, which is several times
// faster than maintaining GIN indexes row by row; so are its unique and
// foreign-key constraints, which would otherwise check every row one by one
// (one query per row and per foreign key), and are checked in one pass when
// added back. Do not run it next to other writers of offers.
func (s *Store) BulkOffers(ctx context.Context, n int, gen func(i int) (adminID int64, o Offer)) (BulkTimes, error) {
	var times BulkTimes
	var empty bool
	if err := s.db.GetContext(ctx, &empty, `SELECT NOT EXISTS (SELECT 1 FROM offers)`); err != nil {
		return times, wrap("BulkOffers", err)
	}
	var indexes, constraints []string
	if empty && n >= 10*bulkBatch {
		var err error
		if constraints, err = s.dropOfferConstraints(ctx); err != nil {
			return times, wrap("BulkOffers drop constraints", err)
		}
		if indexes, err = s.dropOfferIndexes(ctx); err != nil {
			return times, wrap("BulkOffers drop indexes", err)
		}
	}
	now := time.Now()
	defer func() { times.Total = time.Since(now) }()
	span := 30 * 24 * time.Hour
	batches := make(chan int)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	workers := max(2, runtime.NumCPU())
	cctx, cancel := context.WithCancel(ctx)
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for start := range batches {
				end := min(start+bulkBatch, n)
				err := s.copyOffers(cctx, start, end, func(i int) (int64, Offer, time.Time) {
					adminID, o := gen(i)
					return adminID, o, now.Add(-time.Duration(float64(span) * float64(n-1-i) / float64(n)))
				})
				if err != nil {
					select {
					case errs <- err:
					default:
					}
					cancel()
				}
			}
		})
	}
feed:
	for start := 0; start < n; start += bulkBatch {
		select {
		case batches <- start:
		case <-cctx.Done():
			break feed
		}
	}
	close(batches)
	wg.Wait()
	cancel()
	var loadErr error
	select {
	case loadErr = <-errs:
	default:
	}
	times.Copy = time.Since(now)
	// Indexes come back even when the load failed: a table without them
	// would make every later search crawl.
	t := time.Now()
	if err := s.createIndexes(ctx, indexes, workers); err != nil {
		return times, wrap("BulkOffers create indexes", err)
	}
	// One after the other: adding a constraint locks out the others.
	for _, c := range constraints {
		if err := s.createIndexes(ctx, []string{c}, 1); err != nil {
			return times, wrap("BulkOffers add constraints", err)
		}
	}
	times.Indexes = time.Since(t)
	if loadErr != nil {
		return times, wrap("BulkOffers", loadErr)
	}
	_, err := s.db.ExecContext(ctx, `ANALYZE offers`)
	return times, wrap("BulkOffers analyze", err)
}

// BulkTimes is where the time of a bulk load went.
type BulkTimes struct {
	Copy, Indexes, Total time.Duration
}

// copyOffers loads offers [start, end) in one transaction on its own
// connection.
func (s *Store) copyOffers(ctx context.Context, start, end int, gen func(i int) (int64, Offer, time.Time)) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `COPY offers (administration_id, kind, status, reference, source,
		versant, title, organisation_name, domaine_code, categories, contract_type, contract_forms,
		mission, profile, locations, region_codes, departement_codes, workplace, experience,
		management, published_at, end_at, search_extra) FROM STDIN`)
	if err != nil {
		return err
	}
	for i := start; i < end; i++ {
		adminID, o, published := gen(i)
		if err := copyOffer(ctx, stmt, adminID, &o, published); err != nil {
			return fmt.Errorf("copy offer %d: %w", i, err)
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return err
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	return tx.Commit()
}

func copyOffer(ctx context.Context, stmt *sql.Stmt, adminID int64, o *Offer, published time.Time) error {
	locs, err := json.Marshal(o.Locations)
	if err != nil {
		return err
	}
	var regions, deps []string
	for _, l := range o.Locations {
		regions, deps = append(regions, l.Region), append(deps, l.Departement)
	}
	_, err = stmt.ExecContext(ctx, adminID, string(o.Kind), "published", o.Reference, "bulk", string(o.Versant),
		o.Title, o.OrganisationName, o.DomaineCode, pq.StringArray(o.Categories), o.ContractType,
		pq.StringArray(o.ContractForms), o.Mission, o.Profile, string(locs), pq.StringArray(regions),
		pq.StringArray(deps), o.Workplace, o.Experience, o.Management, published, o.EndAt, InclusiveForms(o.Title))
	return err
}

// dropOfferIndexes drops the indexes of offers that back no constraint and
// returns their definitions.
func (s *Store) dropOfferIndexes(ctx context.Context) ([]string, error) {
	var defs []struct {
		Name string `db:"name"`
		Def  string `db:"def"`
	}
	if err := s.db.SelectContext(ctx, &defs, `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
		FROM pg_index i WHERE i.indrelid = 'offers'::regclass
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`); err != nil {
		return nil, err
	}
	var out []string
	for _, d := range defs {
		if _, err := s.db.ExecContext(ctx, `DROP INDEX `+pq.QuoteIdentifier(d.Name)); err != nil {
			return out, err
		}
		out = append(out, d.Def)
	}
	return out, nil
}

// dropOfferConstraints drops the unique and foreign-key constraints of
// offers and returns the statements that add them back.
func (s *Store) dropOfferConstraints(ctx context.Context) ([]string, error) {
	var defs []struct {
		Name string `db:"name"`
		Def  string `db:"def"`
	}
	if err := s.db.SelectContext(ctx, &defs, `SELECT conname AS name, pg_get_constraintdef(oid) AS def
		FROM pg_constraint WHERE conrelid = 'offers'::regclass AND contype IN ('u', 'f')`); err != nil {
		return nil, err
	}
	var out []string
	for _, d := range defs {
		name := pq.QuoteIdentifier(d.Name)
		if _, err := s.db.ExecContext(ctx, `ALTER TABLE offers DROP CONSTRAINT `+name); err != nil {
			return out, err
		}
		out = append(out, `ALTER TABLE offers ADD CONSTRAINT `+name+` `+d.Def)
	}
	return out, nil
}

// createIndexes builds indexes over several connections, the biggest first
// (GIN), each with enough memory to sort in one pass.
func (s *Store) createIndexes(ctx context.Context, defs []string, workers int) error {
	todo := make(chan string, len(defs))
	// GIN indexes take longest: start them first.
	slices.SortStableFunc(defs, func(a, b string) int {
		return cmp.Compare(strings.Index(b, "USING gin"), strings.Index(a, "USING gin"))
	})
	for _, d := range defs {
		todo <- d
	}
	close(todo)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for w := 0; w < min(workers, len(defs)); w++ {
		wg.Go(func() {
			for def := range todo {
				err := s.withConn(ctx, func(conn *sql.Conn) error {
					if _, err := conn.ExecContext(ctx, `SET maintenance_work_mem = '1GB'`); err != nil {
						return err
					}
					_, err := conn.ExecContext(ctx, def)
					return err
				})
				if err != nil {
					mu.Lock()
					first = cmpOr(first, fmt.Errorf("%s: %w", def, err))
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return first
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func (s *Store) withConn(ctx context.Context, fn func(*sql.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = fn(conn)
	// A session setting must not leak into the pool.
	if _, rerr := conn.ExecContext(context.Background(), `RESET ALL`); err == nil {
		err = rerr
	}
	return err
}
