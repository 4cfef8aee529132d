package main

import (
	"context"
	"io"
	"testing"
	"time"

	"vivier"
	"vivier/jobs/jobstest"
)

// `vivier seed --demo` loads the demo applications once: their counts are
// the plan's, every step of both demo administrations holds some, the CVs
// are in the file store and pass the apply form's check, the statistics
// have figures, and a second seed changes nothing.
func TestSeedDemoApplications(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := startProgram(t, "serve", nil)
	db := p.Store().DB()
	// The steps of `seed --demo` that the applications need (the brand
	// pages, slow to draw, are TestSeedDemoIsIdempotent's), on a fresh Main
	// each time, as two runs of the command are.
	seed := func() {
		t.Helper()
		m := NewMain(p.Config, p.Log, io.Discard)
		defer jobstest.Close(t, m)
		if err := m.open(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := m.seedDemoAccounts(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := m.seedDemoOffers(ctx, []string{"ministere-demo", "ministere-demo-dnum", "ministere-demo-drh", "ville-demo"}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.seedDemoApplications(ctx); err != nil {
			t.Fatal(err)
		}
	}
	type counts struct{ Apps, Files, Candidates, Events, Spontaneous, Pool, Outbox int }
	count := func() counts {
		t.Helper()
		var c counts
		for _, q := range []struct {
			dst *int
			sql string
		}{
			{&c.Apps, `SELECT count(*) FROM applications`},
			{&c.Files, `SELECT count(*) FROM application_files`},
			{&c.Candidates, `SELECT count(*) FROM candidates`},
			{&c.Events, `SELECT count(*) FROM application_events`},
			{&c.Spontaneous, `SELECT count(*) FROM applications WHERE offer_id IS NULL`},
			{&c.Pool, `SELECT count(*) FROM applications WHERE talent_pool_at IS NOT NULL`},
			{&c.Outbox, `SELECT count(*) FROM outbox`},
		} {
			if err := db.Get(q.dst, q.sql); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	start := time.Now()
	seed()
	t.Logf("first seed: %s", time.Since(start))
	first := count()
	// The plan: 245 in ministere-demo, 32 in its DNUM, 70 in ville-demo;
	// 25 spontaneous; 325 people, some applying twice.
	if first.Apps != 347 || first.Files != 347 || first.Candidates != 325 || first.Spontaneous != 25 || first.Pool < 50 {
		t.Errorf("after a seed: %+v", first)
	}
	if first.Events <= first.Apps {
		t.Errorf("%d events for %d applications: no history", first.Events, first.Apps)
	}
	var biggest int
	if err := db.Get(&biggest, `SELECT max(n) FROM (SELECT count(*) AS n FROM applications GROUP BY offer_id) x`); err != nil || biggest != 200 {
		t.Errorf("the biggest offer has %d applications, %v", biggest, err)
	}
	var tasks int
	if err := db.Get(&tasks, `SELECT count(*) FROM outbox WHERE task_type LIKE 'email:%application%'`); err != nil || tasks != 0 {
		t.Errorf("the demo applications wrote %d emails to send, %v", tasks, err)
	}
	// Every step of both administrations holds applications now.
	for _, slug := range []string{"ministere-demo", "ville-demo"} {
		var empty []string
		if err := db.Select(&empty, `SELECT st.name FROM pipeline_steps st JOIN administrations d ON d.id = st.administration_id
			WHERE d.slug = $1 AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.stage_id = st.id AND a.category = st.category)`, slug); err != nil || len(empty) > 0 {
			t.Errorf("%s: steps without applications %v, %v", slug, empty, err)
		}
	}
	// Histories: they start at the receipt, in nouvelle, stay in the past,
	// and end where the application is.
	var bad int
	if err := db.Get(&bad, `SELECT count(*) FROM applications a WHERE
		(SELECT e.to_category FROM application_events e WHERE e.application_id = a.id ORDER BY e.at, e.id LIMIT 1) <> 'nouvelle'
		OR (SELECT e.to_category FROM application_events e WHERE e.application_id = a.id ORDER BY e.at DESC, e.id DESC LIMIT 1) <> a.category
		OR EXISTS (SELECT 1 FROM application_events e WHERE e.application_id = a.id AND (e.at > now() OR e.at < a.created_at))`); err != nil || bad != 0 {
		t.Errorf("%d applications with a history out of order, %v", bad, err)
	}
	var months int
	if err := db.Get(&months, `SELECT count(DISTINCT date_trunc('month', at)) FROM application_events`); err != nil || months < 4 {
		t.Errorf("events over %d months, %v", months, err)
	}
	// The CVs, from the file store, pass the apply form's check.
	var files []vivier.StoredFile
	if err := db.Select(&files, `SELECT id, application_id, kind, file_key, name, content_type, size, sha256, created_at FROM application_files`); err != nil {
		t.Fatal(err)
	}
	distinct := map[string]bool{}
	for _, f := range files {
		rc, err := p.files.Open(ctx, f.Key)
		if err != nil {
			t.Fatalf("%s: %v", f.Key, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !distinct[f.SHA256] {
			d, err := vivier.CheckDocument(f.Name, data, 10<<20)
			if err != nil || d.SHA256 != f.SHA256 || d.ContentType != "application/pdf" || d.Text == "" {
				t.Errorf("%s: %+v, %v", f.Name, d, err)
			}
		}
		distinct[f.SHA256] = true
	}
	if len(distinct) < 4 {
		t.Errorf("%d distinct CVs", len(distinct))
	}
	// The statistics of the default period show something.
	adm, err := p.Store().AdministrationBySlug(ctx, "ministere-demo")
	if err != nil {
		t.Fatal(err)
	}
	st, err := p.Store().Statistics(ctx, vivier.StatsFilter{AdministrationID: adm.ID, WithChildren: true,
		From: time.Now().AddDate(0, 0, -90), To: time.Now()})
	if err != nil || st.Received < 200 || st.Answered == 0 || st.Hired == 0 || st.InTime == 0 || len(st.BySource) < 5 || st.AnswerMedianDays == nil {
		t.Errorf("statistics of the demo: %+v, %v", st, err)
	}

	start = time.Now()
	seed()
	t.Logf("second seed: %s", time.Since(start))
	if again := count(); again != first {
		t.Errorf("a second seed changed the data:\nfirst  %+v\nsecond %+v", first, again)
	}
}
