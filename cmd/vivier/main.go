// Command vivier is the whole of Vivier in one binary:
//
//	vivier serve              the web app (public site, back-office, API)
//	vivier worker             background tasks: outbox relay, Asynq server, scheduler
//	vivier dev                serve and worker in one process, migrations applied (make run)
//	vivier migrate up|status  the database schema
//	vivier seed --demo        demo administrations, accounts, offers and applications (idempotent;
//	                          refused with an https BASE_URL unless --force)
//	vivier seed --offers N    N published offers loaded with COPY, for benchmarks
//	vivier seed --workspace [--offers N --applications M]
//	                          the demo ministry at scale (5 000 offers, 50 000 applications)
//	vivier mail test ADDRESS  send a test email through the outbox and the worker
//	vivier api-token create --administration SLUG --scope read|write [--name NAME]
//	                          print a new API token of the administration
//	vivier load URL...        load generator of make bench (req/s, p50, p95, p99)
//	vivier search-sql QUERY   the SQL of /offres?QUERY, as a pgbench script
//	vivier rotate-secrets     seal every sealed value again under CSP_SECRET_KEY
//
// Configuration comes from the environment (see Config and README.md).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal now ends the process at once
	}()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `Vivier — recrutement public

usage:
  vivier serve                web app
  vivier worker               background tasks (outbox relay, Asynq, scheduler)
  vivier dev                  serve + worker in one process, migrations applied
  vivier migrate up|status    database schema
  vivier seed [--demo [--force]]
                              demo data (idempotent); --force: even with an https BASE_URL
  vivier seed --offers N      N published offers loaded with COPY, for benchmarks
  vivier seed --workspace [--offers 5000 --applications 50000]
                              the demo ministry and its directions at scale: offers,
                              applications, notes, tags, ratings, messages, interviews (once)
  vivier mail test ADDRESS    send a test email through the worker
  vivier api-token create --administration SLUG --scope read|write [--name NAME]
                              print a new API token of the administration
  vivier load [-c 8] [-d 10s] [-ids-from M -ids N] [-name L] URL...
                              load generator: req/s, p50, p95, p99 ({id}: random M..N)
  vivier search-sql QUERY     the SQL that /offres?QUERY runs, as a pgbench script
  vivier rotate-secrets       seal the CSP keys and SIRH secrets again under CSP_SECRET_KEY
                              (opening with CSP_SECRET_KEY_PREVIOUS): see README.md

Configuration comes from environment variables: see README.md.
`

func toolExit(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprint(stderr, usage)
		return 2
	}
	fmt.Fprintln(stderr, "vivier:", err)
	return 1
}

// errUsage reports a command line that does not parse.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	// Tools that need neither configuration nor database.
	switch args[0] {
	case "load":
		return toolExit(loadTest(ctx, stdout, args[1:]), stderr)
	case "search-sql":
		return toolExit(searchSQL(stdout, args[1:]), stderr)
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "vivier:", err)
		return 2
	}
	m := NewMain(cfg, newLogger(cfg, stderr), stdout)
	err = m.Command(ctx, args)
	if errors.Is(err, errUsage) {
		fmt.Fprint(stderr, usage)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "vivier:", err)
		return 1
	}
	return 0
}

// Command runs one subcommand; long-running ones return when ctx is done.
func (m *Main) Command(ctx context.Context, args []string) (err error) {
	switch args[0] {
	case "serve", "worker", "dev":
		if len(args) != 1 {
			return errUsage
		}
		if err := m.Run(ctx, args[0]); err != nil {
			_ = m.Close() // what failed is Run
			return err
		}
		loaded := make(chan struct{})
		if args[0] != "worker" {
			// The search index loads while the site serves (searches run in
			// PostgreSQL meanwhile): seconds at a million offers.
			go func() {
				defer close(loaded)
				start := time.Now()
				if err := m.store.LoadSearchIndex(ctx); err != nil && ctx.Err() == nil {
					m.Log.Error("search index", "err", err)
					return
				}
				m.Log.Info("search index loaded", "offers", m.store.SearchIndexSize(), "took", time.Since(start).Round(time.Millisecond))
			}()
		} else {
			close(loaded)
		}
		defer func() { <-loaded }()
		select {
		case <-ctx.Done():
			m.Log.Info("stopping: finishing in-flight requests and tasks (Ctrl-C again to force)")
		case err = <-m.serveErr:
		}
		if cerr := m.Close(); err == nil {
			err = cerr
		}
		return err
	case "migrate":
		if len(args) != 2 || (args[1] != "up" && args[1] != "status") {
			return errUsage
		}
		defer closeInto(&err, m)
		return m.migrate(ctx, args[1])
	case "seed":
		if len(args) > 1 && args[1] == "--workspace" {
			size, perr := parseWorkspaceArgs(args[1:])
			if perr != nil {
				return perr
			}
			defer closeInto(&err, m)
			if err := m.open(ctx); err != nil {
				return err
			}
			return m.seedWorkspace(ctx, size)
		}
		if len(args) == 3 && args[1] == "--offers" {
			n, err := strconv.Atoi(args[2])
			if err != nil || n < 1 || n > 10_000_000 {
				return errUsage
			}
			defer closeInto(&err, m)
			if err := m.open(ctx); err != nil {
				return err
			}
			return m.seedBulkOffers(ctx, n)
		}
		demo, force := slices.Contains(args, "--demo"), slices.Contains(args, "--force")
		if len(args) > 3 || len(args)-1 != btoi(demo)+btoi(force) || (force && !demo) {
			return errUsage
		}
		defer closeInto(&err, m)
		return m.seed(ctx, demo, force)
	case "api-token":
		defer closeInto(&err, m)
		return m.apiToken(ctx, args[1:])
	case "rotate-secrets":
		if len(args) != 1 {
			return errUsage
		}
		defer closeInto(&err, m)
		return m.rotateSecrets(ctx)
	case "mail":
		if len(args) != 3 || args[1] != "test" {
			return errUsage
		}
		defer closeInto(&err, m)
		return m.mailTest(ctx, args[2])
	}
	return errUsage
}

// closeInto closes c, and keeps its error in *err unless *err holds one
// already: for a deferred close in a function that returns an error.
func closeInto(err *error, c io.Closer) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = cerr
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
