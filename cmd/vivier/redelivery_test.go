package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"

	"vivier/jobs/jobstest"
)

// tasksInRetry counts the tasks waiting for a new attempt in the worker's
// queues.
func tasksInRetry(in *asynq.Inspector) (int, error) {
	queues, err := in.Queues()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, q := range queues {
		info, err := in.GetQueueInfo(q)
		if err != nil {
			return 0, err
		}
		n += info.Retry
	}
	return n, nil
}

// Redis loses its memory (a restart without persistence, a failover) while
// the emails of 20 applications wait for an SMTP server that is down: the
// outbox still knows that their tasks did not finish and hands them to Redis
// again, so that every email leaves once the SMTP server is back, once.
func TestEmailsSurviveRedisLosingItsData(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "dev", map[string]string{"APPLY_RATE_PER_HOUR": "100000", "OUTBOX_REDELIVERY_DELAY": "2s"})
	o := openOfferWithQuestion(t, p)
	ropt, err := redis.ParseURL(p.Config.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	in := jobstest.Inspector(t, asynq.RedisClientOpt{Addr: ropt.Addr, DB: ropt.DB})
	db := p.Store().DB()

	p.SMTP.SetRefusing(true)
	c := newClient(t)
	cv := pdfBytes(t, "", "CV")
	const n = 20
	for i := 0; i < n; i++ {
		if resp, body := applyAs(t, c, p, o, fmt.Sprintf("perdu%02d@exemple.fr", i), cv); resp.StatusCode != 303 {
			t.Fatalf("application %d = %d %s", i, resp.StatusCode, body)
		}
	}
	// Each application: the candidate's confirmation and the recruiters'
	// notice, both relayed, both failing on the SMTP server.
	jobstest.EventuallyWithin(t, 2*time.Minute, "the 40 tasks relayed and waiting for a retry", func() (bool, error) {
		var relayed int
		if err := db.Get(&relayed, `SELECT count(*) FROM outbox WHERE relayed_at IS NOT NULL`); err != nil {
			return false, err
		}
		retrying, err := tasksInRetry(in)
		return relayed == 2*n && retrying == 2*n, err
	})

	// While the SMTP server refuses, the tasks are unfinished: /metrics and
	// the failed tasks page say so.
	if _, body := get(t, c, p.URL+"/metrics"); !strings.Contains(body, fmt.Sprintf("vivier_outbox_unfinished %d\n", 2*n)) ||
		!strings.Contains(body, "vivier_outbox_unfinished_oldest_seconds ") {
		t.Errorf("/metrics does not count the %d unfinished tasks", 2*n)
	}
	admin, _ := signInAs(t, p, "plateforme@demo.vivier.test")
	if _, body := get(t, admin, p.URL+"/admin/plateforme/taches-en-echec"); !strings.Contains(body, fmt.Sprintf("%d tâches non terminées", 2*n)) ||
		!strings.Contains(body, "email:application_received") {
		t.Errorf("the failed tasks page does not show the %d unfinished tasks", 2*n)
	}

	// Redis restarts empty.
	rdb := redis.NewClient(ropt)
	defer jobstest.Close(t, rdb)
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	p.SMTP.SetRefusing(false)

	// 20 confirmations and, for each, the two recruiters of ville-demo.
	p.SMTP.Wait(t, 3*n, 2*time.Minute)
	jobstest.EventuallyWithin(t, 2*time.Minute, "every outbox row done", func() (bool, error) {
		var unfinished int
		err := db.Get(&unfinished, `SELECT count(*) FROM outbox WHERE done_at IS NULL`)
		return unfinished == 0, err
	})
	if msgs := p.SMTP.Messages(); len(msgs) != 3*n {
		t.Errorf("%d emails delivered, want %d", len(msgs), 3*n)
	}
	seen := recipients(p.SMTP)
	for i := 0; i < n; i++ {
		if to := fmt.Sprintf("perdu%02d@exemple.fr", i); seen[to] != 1 {
			t.Errorf("%s got %d confirmations, want 1", to, seen[to])
		}
	}
	var recorded, keys int
	if err := db.QueryRow(`SELECT count(*), count(DISTINCT message_key) FROM sent_emails`).Scan(&recorded, &keys); err != nil {
		t.Fatal(err)
	}
	if recorded != 3*n || keys != recorded {
		t.Errorf("sent_emails holds %d records of %d keys, want %d", recorded, keys, 3*n)
	}
	if _, body := get(t, c, p.URL+"/metrics"); !strings.Contains(body, "vivier_outbox_unfinished 0\n") {
		t.Error("/metrics still counts unfinished tasks")
	}
}

// OUTBOX_REDELIVERY_DELAY stays below the day Redis keeps a finished task's
// record: past it, a finished task would look lost and run again.
func TestRedeliveryDelaySetting(t *testing.T) {
	t.Parallel()
	if c, err := LoadConfig(mapEnv(nil)); err != nil || c.OutboxRedelivery != 10*time.Minute {
		t.Fatalf("default = %v, %v; want 10m", c.OutboxRedelivery, err)
	}
	if c, err := LoadConfig(mapEnv(map[string]string{"OUTBOX_REDELIVERY_DELAY": "2s"})); err != nil || c.OutboxRedelivery != 2*time.Second {
		t.Fatalf("2s = %v, %v", c.OutboxRedelivery, err)
	}
	for _, v := range []string{"13h", "0s", "dix minutes"} {
		if _, err := LoadConfig(mapEnv(map[string]string{"OUTBOX_REDELIVERY_DELAY": v})); err == nil || !strings.Contains(err.Error(), "OUTBOX_REDELIVERY_DELAY=") {
			t.Errorf("OUTBOX_REDELIVERY_DELAY=%s: error %v does not name the variable", v, err)
		}
	}
}

// The unfinished tasks on the failed tasks page pass the accessibility
// checks.
func TestAccessibilityOfUnfinishedTasks(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	if _, err := p.Store().DB().Exec(`INSERT INTO outbox (task_type, queue, payload, relayed_at, attempts, last_error)
		SELECT 'email:test', 'critical', json_build_object('to', 'a' || i || '@exemple.fr'), now() - i * interval '1 hour', 2, 'refusé'
		FROM generate_series(1, 25) i`); err != nil {
		t.Fatal(err)
	}
	ctx, console := browser(t)
	if err := chromedp.Do(ctx, signInUntil(p, "plateforme@demo.vivier.test", `a[href="/admin/plateforme/administrations"]`,
		chromedp.Navigate(p.URL+"/admin/plateforme/taches-en-echec"),
		chromedp.WaitVisible("#unfinished-tasks-table"),
	)...); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text("main"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "25 tâches non terminées") || !strings.Contains(text, "il y a 25 heures") ||
		!strings.Contains(text, "Les 20 plus anciennes tâches non terminées") {
		t.Errorf("the page says %q", text)
	}
	axeCheck(t, ctx, "unfinished tasks")
	noConsoleErrors(t, console)
}
