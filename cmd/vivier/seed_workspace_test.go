package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// `vivier seed --workspace` loads the announced numbers of offers and
// applications over the ministry and its directions, with their variety
// (steps and decisions, dates over more than a year, CVs with their text,
// tags, ratings, assignees, notes with mentions, messages, interviews);
// a second run changes nothing, another size is refused; and every
// recruiter's page opens on the data.
func TestSeedWorkspace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startDemo(t, "serve", nil)
	db := p.Store().DB()
	seed := func(args ...string) (string, error) {
		t.Helper()
		var out bytes.Buffer
		m := NewMain(p.Config, p.Log, &out)
		err := m.Command(ctx, append([]string{"seed", "--workspace"}, args...))
		return out.String(), err
	}
	for _, bad := range [][]string{{"--offers"}, {"--offers", "x"}, {"--offers", "0"}, {"--applications", "-1"}, {"--autre", "3"}} {
		if _, err := seed(bad...); !errors.Is(err, errUsage) {
			t.Errorf("seed --workspace %v: %v, want the usage", bad, err)
		}
	}
	out, err := seed("--offers", "50", "--applications", "500")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "50 offres et 500 candidatures") {
		t.Errorf("the seed says %q", out)
	}
	counts := func() map[string]int {
		t.Helper()
		c := map[string]int{}
		for name, q := range map[string]string{
			"offers": `SELECT count(*) FROM offers WHERE reference LIKE 'WS-%'`,
			"offers by administration": `SELECT count(DISTINCT o.administration_id) FROM offers o
				JOIN administrations d ON d.id = o.administration_id WHERE d.slug LIKE 'ministere-demo%'`,
			"offer statuses":             `SELECT count(DISTINCT status) FROM offers`,
			"applications":               `SELECT count(*) FROM applications`,
			"applications by adm":        `SELECT count(DISTINCT administration_id) FROM applications`,
			"spontaneous":                `SELECT count(*) FROM applications WHERE offer_id IS NULL`,
			"categories":                 `SELECT count(DISTINCT category) FROM applications`,
			"months":                     `SELECT count(DISTINCT date_trunc('month', created_at)) FROM applications`,
			"cvs with text":              `SELECT count(*) FROM application_files WHERE kind = 'cv' AND text <> ''`,
			"people applying twice":      `SELECT count(*) FROM (SELECT candidate_id FROM applications GROUP BY 1 HAVING count(*) > 1) x`,
			"events":                     `SELECT count(*) FROM application_events`,
			"tags":                       `SELECT count(*) FROM application_tags`,
			"assignees":                  `SELECT count(*) FROM application_assignees`,
			"assigned to the demo":       `SELECT count(*) FROM application_assignees x JOIN agents g ON g.id = x.agent_id WHERE g.email = 'recruteur@ministere-demo.vivier.test'`,
			"ratings":                    `SELECT count(*) FROM application_ratings`,
			"notes":                      `SELECT count(*) FROM application_notes`,
			"mentions":                   `SELECT count(*) FROM note_mentions m JOIN application_notes n ON n.id = m.note_id WHERE n.body LIKE '@%'`,
			"messages from candidates":   `SELECT count(*) FROM application_messages WHERE from_candidate`,
			"interviews":                 `SELECT count(*) FROM interviews`,
			"interviews to answer":       `SELECT count(*) FROM interviews WHERE status = 'propose' AND starts_at > now()`,
			"pending past the promise":   `SELECT count(*) FROM applications a JOIN administrations d ON d.id = a.administration_id WHERE a.category IN ('nouvelle', 'en_cours') AND a.created_at + make_interval(days => d.response_days) < now()`,
			"pending within the promise": `SELECT count(*) FROM applications a JOIN administrations d ON d.id = a.administration_id WHERE a.category IN ('nouvelle', 'en_cours') AND a.created_at + make_interval(days => d.response_days) >= now()`,
			"outbox":                     `SELECT count(*) FROM outbox WHERE task_type LIKE 'email:%'`,
		} {
			var n int
			if err := db.Get(&n, q); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			c[name] = n
		}
		return c
	}
	first := counts()
	for name, want := range map[string]int{"offers": 50, "offers by administration": 3, "applications": 500, "applications by adm": 3,
		"cvs with text": 500, "outbox": 0} {
		if first[name] != want {
			t.Errorf("%s: %d, want %d", name, first[name], want)
		}
	}
	for name, least := range map[string]int{"offer statuses": 3, "spontaneous": 10, "categories": 5, "months": 12, "people applying twice": 10,
		"events": 1000, "tags": 50, "assignees": 100, "assigned to the demo": 10, "ratings": 50, "notes": 50, "mentions": 5,
		"messages from candidates": 20, "interviews": 5, "interviews to answer": 1, "pending past the promise": 10, "pending within the promise": 5} {
		if first[name] < least {
			t.Errorf("%s: %d, want at least %d", name, first[name], least)
		}
	}
	var late int
	if err := db.Get(&late, `SELECT count(*) FROM applications a WHERE a.created_at > now()
		OR EXISTS (SELECT 1 FROM application_events e WHERE e.application_id = a.id AND (e.at > now() OR e.at < a.created_at))
		OR (SELECT e.to_category FROM application_events e WHERE e.application_id = a.id ORDER BY e.at DESC, e.id DESC LIMIT 1) <> a.category`); err != nil || late != 0 {
		t.Errorf("%d applications with a history out of order, %v", late, err)
	}

	start := time.Now()
	out, err = seed("--offers", "50", "--applications", "500")
	if err != nil || !strings.Contains(out, "déjà chargé") {
		t.Errorf("second seed: %q, %v", out, err)
	}
	t.Logf("second seed: %s", time.Since(start))
	if _, err := seed("--offers", "60", "--applications", "500"); err == nil || !strings.Contains(err.Error(), "déjà chargé") {
		t.Errorf("a seed of another size: %v", err)
	}
	if again := counts(); len(again) != len(first) {
		t.Fatal(again)
	} else {
		for k, v := range first {
			if again[k] != v {
				t.Errorf("after a second seed, %s: %d, was %d", k, again[k], v)
			}
		}
	}

	c := workspaceClient(t, p, "recruteur@ministere-demo.vivier.test")
	for _, page := range workspacePages(t, p) {
		for _, u := range page.urls {
			if resp, body := get(t, c, u); resp.StatusCode != http.StatusOK {
				t.Errorf("%s: GET %s = %d\n%.300s", page.name, u, resp.StatusCode, body)
			}
		}
	}
}
