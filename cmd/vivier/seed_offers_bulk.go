package main

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

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"vivier"
)

// bulkBatch is how many offers one COPY transaction carries.
const bulkBatch = 20000

// bulkOffers inserts n published offers with COPY, for load tests and
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
func bulkOffers(ctx context.Context, db *sqlx.DB, n int, gen func(i int) (adminID int64, o vivier.Offer)) (bulkTimes, error) {
	var times bulkTimes
	var empty bool
	if err := db.GetContext(ctx, &empty, `SELECT NOT EXISTS (SELECT 1 FROM offers)`); err != nil {
		return times, bulkError("bulk offers", err)
	}
	var indexes, constraints []string
	if empty && n >= 10*bulkBatch {
		var err error
		if constraints, err = dropOfferConstraints(ctx, db); err != nil {
			return times, bulkError("bulk offers drop constraints", err)
		}
		if indexes, err = dropOfferIndexes(ctx, db); err != nil {
			return times, bulkError("bulk offers drop indexes", err)
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
				err := copyOffers(cctx, db, start, end, func(i int) (int64, vivier.Offer, time.Time) {
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
	if err := createIndexes(ctx, db, indexes, workers); err != nil {
		return times, bulkError("bulk offers create indexes", err)
	}
	// One after the other: adding a constraint locks out the others.
	for _, c := range constraints {
		if err := createIndexes(ctx, db, []string{c}, 1); err != nil {
			return times, bulkError("bulk offers add constraints", err)
		}
	}
	times.Indexes = time.Since(t)
	if loadErr != nil {
		return times, bulkError("bulk offers", loadErr)
	}
	_, err := db.ExecContext(ctx, `ANALYZE offers`)
	return times, bulkError("bulk offers analyze", err)
}

// bulkTimes is where the time of a bulk load went.
type bulkTimes struct {
	Copy, Indexes, Total time.Duration
}

// copyOffers loads offers [start, end) in one transaction on its own
// connection.
func copyOffers(ctx context.Context, db *sqlx.DB, start, end int, gen func(i int) (int64, vivier.Offer, time.Time)) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }() // back to the pool: nothing to report
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // after Commit, nothing to undo
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

func copyOffer(ctx context.Context, stmt *sql.Stmt, adminID int64, o *vivier.Offer, published time.Time) error {
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
		pq.StringArray(deps), o.Workplace, o.Experience, o.Management, published, o.EndAt, vivier.InclusiveForms(o.Title))
	return err
}

// dropOfferIndexes drops the indexes of offers that back no constraint and
// returns their definitions.
func dropOfferIndexes(ctx context.Context, db *sqlx.DB) ([]string, error) {
	var defs []struct {
		Name string `db:"name"`
		Def  string `db:"def"`
	}
	if err := db.SelectContext(ctx, &defs, `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
		FROM pg_index i WHERE i.indrelid = 'offers'::regclass
		AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`); err != nil {
		return nil, err
	}
	var out []string
	for _, d := range defs {
		if _, err := db.ExecContext(ctx, `DROP INDEX `+pq.QuoteIdentifier(d.Name)); err != nil {
			return out, err
		}
		out = append(out, d.Def)
	}
	return out, nil
}

// dropOfferConstraints drops the unique and foreign-key constraints of
// offers and returns the statements that add them back.
func dropOfferConstraints(ctx context.Context, db *sqlx.DB) ([]string, error) {
	var defs []struct {
		Name string `db:"name"`
		Def  string `db:"def"`
	}
	if err := db.SelectContext(ctx, &defs, `SELECT conname AS name, pg_get_constraintdef(oid) AS def
		FROM pg_constraint WHERE conrelid = 'offers'::regclass AND contype IN ('u', 'f')`); err != nil {
		return nil, err
	}
	var out []string
	for _, d := range defs {
		name := pq.QuoteIdentifier(d.Name)
		if _, err := db.ExecContext(ctx, `ALTER TABLE offers DROP CONSTRAINT `+name); err != nil {
			return out, err
		}
		out = append(out, `ALTER TABLE offers ADD CONSTRAINT `+name+` `+d.Def)
	}
	return out, nil
}

// createIndexes builds indexes over several connections, the biggest first
// (GIN), each with enough memory to sort in one pass.
func createIndexes(ctx context.Context, db *sqlx.DB, defs []string, workers int) error {
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
				err := withConn(ctx, db, func(conn *sql.Conn) error {
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

func withConn(ctx context.Context, db *sqlx.DB, fn func(*sql.Conn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }() // back to the pool: nothing to report
	err = fn(conn)
	// A session setting must not leak into the pool.
	if _, rerr := conn.ExecContext(context.Background(), `RESET ALL`); err == nil {
		err = rerr
	}
	return err
}

// bulkError names the step of the load that failed.
func bulkError(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}
