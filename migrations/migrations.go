// Package migrations owns the database schema: numbered SQL files, embedded in
// the binary and applied with goose. A landed file is never edited; a change
// is a new file.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed *.sql
var files embed.FS

// FS returns the migration files.
func FS() embed.FS { return files }

func provider(db *sql.DB) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	// Several instances may start at once: the session lock makes them apply
	// the migrations one after the other.
	return goose.NewProvider(goose.DialectPostgres, db, files, goose.WithSessionLocker(locker))
}

// Up applies every pending migration, each in its own transaction.
func Up(ctx context.Context, db *sql.DB) (applied int, err error) {
	p, err := provider(db)
	if err != nil {
		return 0, fmt.Errorf("migrations.Up: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrations.Up: %w", err)
	}
	return len(res), nil
}

// Pending reports how many migrations the database lacks.
func Pending(ctx context.Context, db *sql.DB) (int, error) {
	p, err := goose.NewProvider(goose.DialectPostgres, db, files)
	if err != nil {
		return 0, fmt.Errorf("migrations.Pending: %w", err)
	}
	current, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrations.Pending: %w", err)
	}
	n := 0
	for _, s := range p.ListSources() {
		if s.Version > current {
			n++
		}
	}
	return n, nil
}

// Status writes one line per migration: version, file, applied or pending.
func Status(ctx context.Context, db *sql.DB, w io.Writer) error {
	p, err := goose.NewProvider(goose.DialectPostgres, db, files)
	if err != nil {
		return fmt.Errorf("migrations.Status: %w", err)
	}
	st, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("migrations.Status: %w", err)
	}
	for _, s := range st {
		applied := "en attente"
		if s.State == goose.StateApplied {
			applied = "appliquée le " + s.AppliedAt.Format("2006-01-02 15:04:05")
		}
		if _, err := fmt.Fprintf(w, "%05d  %-40s  %s\n", s.Source.Version, s.Source.Path, applied); err != nil {
			return fmt.Errorf("migrations.Status: %w", err)
		}
	}
	return nil
}
