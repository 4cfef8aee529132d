package vivier_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"vivier"
	"vivier/migrations/dbtest"
)

const benchHires = 100_000

// seedHires makes one batch of n hires straight in SQL: the benchmark is of
// the export, not of applying.
func seedHires(b *testing.B, db *sqlx.DB, n int) *vivier.SIRHBatch {
	b.Helper()
	ctx := context.Background()
	s := vivier.NewStore(db)
	adm := &vivier.Administration{Slug: "bench", Name: "Bench", Versant: vivier.VersantEtat}
	if err := s.UpsertAdministration(ctx, adm); err != nil {
		b.Fatal(err)
	}
	o := sampleOffer("BENCH-1")
	if err := s.CreateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
		b.Fatal(err)
	}
	db.MustExec(`INSERT INTO candidates (email) SELECT 'c' || g || '@exemple.fr' FROM generate_series(1, $1) g`, n)
	db.MustExec(`INSERT INTO applications (administration_id, offer_id, candidate_id, category, consent_at, idempotency_key,
			civility, first_name, last_name, phone)
		SELECT $1, $2, c.id, 'acceptee', now(), gen_random_uuid(), 'madame', 'Prénom' || c.id, 'Nom' || c.id,
			'+336' || lpad(c.id::text, 8, '0') FROM candidates c`, adm.ID, o.ID)
	var batch vivier.SIRHBatch
	if err := db.Get(&batch, `INSERT INTO sirh_batches (administration_id, kind, format, destination, hires)
		VALUES ($1, 'nuit', 'csv', 'dossier', $2) RETURNING id, administration_id, kind, format, destination, state, hires, checksum,
			size, created_at, delivered_at, last_error, '' AS last_answer`, adm.ID, n); err != nil {
		b.Fatal(err)
	}
	db.MustExec(`INSERT INTO sirh_hires (administration_id, application_id, batch_id, civility, first_name, last_name, email, phone,
			offer_reference, post, siret, nature, categorie, start_date, documents)
		SELECT a.administration_id, a.id, $2, a.civility, a.first_name, a.last_name, c.email, a.phone, 'BENCH-1',
			'Développeur·se back-end', '11000000000015', 'contractuel', 'A', date '2027-01-04',
			jsonb_build_array(jsonb_build_object('type', 'cv', 'nom', 'cv.pdf', 'type_mime', 'application/pdf', 'taille', 48213,
				'sha256', repeat('ab', 32), 'reference', '/admin/bench/candidatures/' || a.id || '/fichiers/' || a.id))
		FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE a.administration_id = $1`, adm.ID, batch.ID)
	db.MustExec(`ANALYZE sirh_hires`)
	return &batch
}

// peakHeap samples HeapInuse until stop is closed and returns the highest.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var peak uint64
		var m runtime.MemStats
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// BenchmarkSIRHExport streams a batch of 100 000 hires into a file, as a
// folder delivery does (CSV, SHA-256 on the way), then has psql run COPY of
// the same rows to stdout, for comparison: what PostgreSQL alone costs.
func BenchmarkSIRHExport(b *testing.B) {
	url := dbtest.NewURL(b)
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := db.Close(); err != nil {
			b.Error(err)
		}
	})
	batch := seedHires(b, db, benchHires)
	s := vivier.NewStore(db)
	dir := b.TempDir()

	for _, format := range []string{vivier.SIRHCSV, vivier.SIRHJSONLines, vivier.SIRHHROpen} {
		b.Run("stream-"+format, func(b *testing.B) {
			bt := *batch
			bt.Format = format
			var peak, alloc uint64
			var size int64
			for b.Loop() {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				stop := make(chan struct{})
				peakc := peakHeap(stop)
				f, err := os.Create(filepath.Join(dir, "lot."+format))
				if err != nil {
					b.Fatal(err)
				}
				h := sha256.New()
				w := bufio.NewWriterSize(io.MultiWriter(f, h), 64<<10)
				n, err := s.WriteSIRHBatch(context.Background(), &bt, w)
				if err == nil {
					err = w.Flush()
				}
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
				close(stop)
				if st, serr := os.Stat(f.Name()); serr == nil {
					size = st.Size()
				}
				peak = max(peak, <-peakc)
				runtime.ReadMemStats(&after)
				alloc = after.TotalAlloc - before.TotalAlloc
				if err != nil || n != benchHires {
					b.Fatalf("%d rows, %v", n, err)
				}
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(benchHires)/sec, "rows/s")
			b.ReportMetric(sec*1000, "ms/export")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(alloc)/(1<<20), "alloc-MB/export")
			b.ReportMetric(float64(size)/(1<<20), "MB")
		})
	}

	// lib/pq cannot read COPY TO STDOUT; psql can, and is what a DBA would
	// use, so the comparison goes through it.
	psql, err := exec.LookPath("/usr/lib/postgresql/15/bin/psql")
	if err != nil {
		if psql, err = exec.LookPath("psql"); err != nil {
			b.Log("no psql: the COPY comparison is left out")
			return
		}
	}
	b.Run("psql-copy-csv", func(b *testing.B) {
		query := `\copy (SELECT id, application_id, civility, first_name, last_name, email, phone, offer_reference, post, siret,
			nature, categorie, start_date, hired_at, documents FROM sirh_hires WHERE batch_id = ` + strconv.FormatInt(batch.ID, 10) + ` ORDER BY id)
			TO STDOUT WITH (FORMAT csv, DELIMITER ';', HEADER)`
		var size byteCount
		for b.Loop() {
			size = 0
			cmd := exec.Command(psql, "--no-psqlrc", "--quiet", "-d", url, "-c", query)
			cmd.Stdout = &size
			if err := cmd.Run(); err != nil {
				b.Fatalf("psql: %v", err)
			}
		}
		b.ReportMetric(float64(size)/(1<<20), "MB")
		sec := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(float64(benchHires)/sec, "rows/s")
		b.ReportMetric(sec*1000, "ms/export")
	})
}

// byteCount counts what psql writes, without keeping it.
type byteCount int64

func (c *byteCount) Write(p []byte) (int, error) { *c += byteCount(len(p)); return len(p), nil }
