package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lib/pq"

	"vivier"
	"vivier/candidate"
)

// loadTest is `vivier load`: concurrent workers request the URLs (in turn)
// for a while and the latency percentiles are printed. It is the load
// generator of `make bench`, pointed at a program on loopback. "{id}" in a
// URL becomes a random number from -ids-from to -ids, to spread offer pages;
// "{NAME}" becomes one of the values of a "-pick NAME=a,b,c" drawn at
// random, to vary searches past what a cache would keep.
func loadTest(ctx context.Context, out io.Writer, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(out)
	name := fs.String("name", "load", "label of the report line")
	workers := fs.Int("c", 8, "concurrent workers")
	duration := fs.Duration("d", 10*time.Second, "how long to measure")
	warmup := fs.Duration("warmup", 2*time.Second, "requests before measuring, not counted")
	idFrom := fs.Int("ids-from", 1, "smallest number drawn for {id}")
	ids := fs.Int("ids", 1, "largest number drawn for {id}")
	picks := map[string][]string{}
	fs.Func("pick", "NAME=a,b,c: {NAME} in a URL becomes one of the values, drawn at random (repeatable)", func(v string) error {
		name, values, ok := strings.Cut(v, "=")
		if !ok || name == "" || values == "" {
			return errors.New("want NAME=a,b,c")
		}
		picks["{"+name+"}"] = strings.Split(values, ",")
		return nil
	})
	if err := fs.Parse(args); err != nil || fs.NArg() == 0 || *workers < 1 || *ids < *idFrom {
		return errUsage
	}
	urls := fs.Args()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *workers}}
	start := time.Now()
	measureFrom, stopAt := start.Add(*warmup), start.Add(*warmup+*duration)
	var mu sync.Mutex
	var latencies []time.Duration
	failures := 0
	var firstErr error
	var wg sync.WaitGroup
	for w := range *workers {
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for i := w; ; i++ {
				t0 := time.Now()
				if t0.After(stopAt) || ctx.Err() != nil {
					break
				}
				u := strings.ReplaceAll(urls[i%len(urls)], "{id}", strconv.Itoa(*idFrom+rand.IntN(*ids-*idFrom+1)))
				for name, values := range picks {
					u = strings.ReplaceAll(u, name, url.QueryEscape(values[rand.IntN(len(values))]))
				}
				err := fetch(ctx, client, u)
				if t0.Before(measureFrom) {
					continue
				}
				mine = append(mine, time.Since(t0))
				if err != nil {
					bad++
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
				}
			}
			mu.Lock()
			latencies, failures = append(latencies, mine...), failures+bad
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(latencies) == 0 {
		return errors.New("load: no request measured")
	}
	slices.Sort(latencies)
	pct := func(p float64) string {
		d := latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	}
	fmt.Fprintf(out, "%s: %d requêtes en %s avec %d clients, %.1f req/s, p50 %s, p95 %s, p99 %s, max %s, %d en erreur\n",
		*name, len(latencies), *duration, *workers, float64(len(latencies))/duration.Seconds(),
		pct(0.50), pct(0.95), pct(0.99), pct(1), failures)
	if firstErr != nil {
		fmt.Fprintf(out, "%s: première erreur\u00a0: %v\n", *name, firstErr)
	}
	return nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// fetch gets u as a browser would (gzip, body read) and wants a 200.
func fetch(ctx context.Context, client *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return nil
}

var placeholderRE = regexp.MustCompile(`\$(\d+)`)

// searchSQL is `vivier search-sql QUERY`: the statements that /offres?QUERY
// runs, arguments written in, one per line group and ending with ";", as a
// pgbench script. The benchmark compares the site with the same SQL alone.
func searchSQL(out io.Writer, args []string) error {
	if len(args) != 1 {
		return errUsage
	}
	v, err := url.ParseQuery(args[0])
	if err != nil {
		return err
	}
	q, err := candidate.ParseSearch(v)
	if err != nil {
		return err
	}
	for _, st := range []vivier.SearchQuery{q.Statement()} {
		var bad error
		sql := placeholderRE.ReplaceAllStringFunc(st.SQL, func(m string) string {
			n, _ := strconv.Atoi(m[1:])
			if n < 1 || n > len(st.Args) {
				bad = fmt.Errorf("search-sql: %s has no argument", m)
				return m
			}
			return literal(st.Args[n-1])
		})
		if bad != nil {
			return bad
		}
		// pgbench reads a statement up to a semicolon; blank lines and
		// indentation do not matter, but keep it one line per clause.
		fmt.Fprintln(out, strings.Join(strings.Fields(sql), " ")+";")
	}
	return nil
}

func literal(v any) string {
	switch x := v.(type) {
	case string:
		return pq.QuoteLiteral(x)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return "(" + strconv.FormatFloat(x, 'g', -1, 64) + ")::float8"
	}
	return pq.QuoteLiteral(fmt.Sprint(v))
}
