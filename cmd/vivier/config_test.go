package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	c, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.BaseURL != "http://127.0.0.1:8080" || c.LogFormat != "text" ||
		c.CookieSecure || c.OutboxInterval != 500*time.Millisecond || c.BodyLimitMB != 40 {
		t.Fatalf("defaults = %+v", c)
	}
	c, err = LoadConfig(mapEnv(map[string]string{"BASE_URL": "https://vivier.exemple.gouv.fr/", "TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1"}))
	if err != nil || !c.CookieSecure || c.BaseURL != "https://vivier.exemple.gouv.fr" || len(c.TrustedProxies) != 2 {
		t.Fatalf("https config = %+v, %v", c, err)
	}
}

func TestConfigErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	for name, value := range map[string]string{
		"ADDR":                 "8080",
		"BASE_URL":             "vivier.gouv.fr",
		"LOG_FORMAT":           "xml",
		"LOG_LEVEL":            "loud",
		"BODY_LIMIT_MB":        "0",
		"DATABASE_MAX_CONNS":   "beaucoup",
		"SESSION_IDLE_TIMEOUT": "2 heures",
		"OUTBOX_POLL_INTERVAL": "-1s",
		"COOKIE_SECURE":        "oui",
		"TRUSTED_PROXIES":      "10.0.0.0/33",
		"REDIS_URL":            "localhost",
		"EMBEDDINGS_URL":       "albert.api.etalab.gouv.fr",
	} {
		_, err := LoadConfig(mapEnv(map[string]string{name: value}))
		if err == nil || !strings.Contains(err.Error(), name+"=") {
			t.Errorf("%s=%q: error %v does not name the variable", name, value, err)
		}
	}
}

func TestRunStopsOnBadConfiguration(t *testing.T) {
	t.Parallel()
	var out, errs bytes.Buffer
	code := run(context.Background(), []string{"serve"}, mapEnv(map[string]string{"LOG_FORMAT": "xml"}), &out, &errs)
	if code != 2 || !strings.Contains(errs.String(), "LOG_FORMAT") {
		t.Fatalf("run = %d, stderr %q", code, errs.String())
	}
	code = run(context.Background(), []string{"nimporte"}, mapEnv(nil), &out, &errs)
	if code != 2 || !strings.Contains(errs.String(), "usage") {
		t.Fatalf("unknown command = %d", code)
	}
	// PostgreSQL unreachable: a clear message naming DATABASE_URL.
	errs.Reset()
	code = run(context.Background(), []string{"migrate", "up"},
		mapEnv(map[string]string{"DATABASE_URL": "postgres://vivier:secret@127.0.0.1:1/vivier?sslmode=disable&connect_timeout=2"}), &out, &errs)
	if code != 1 || !strings.Contains(errs.String(), "DATABASE_URL") || strings.Contains(errs.String(), "secret") {
		t.Fatalf("unreachable database = %d, stderr %q", code, errs.String())
	}
}

func mapEnv(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
