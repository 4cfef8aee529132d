package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jmoiron/sqlx"

	"vivier"
	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
)

// Fault tests: a real process (the worker, Redis, PostgreSQL) is killed or
// stopped while work goes on, and nothing may be lost. Every wait polls a
// condition under a generous deadline: the machine may be loaded.

// workerEnv is the configuration of a worker process.
func workerEnv(t *testing.T, dbURL, redisURL, smtpURL string) map[string]string {
	return map[string]string{
		"DATABASE_URL":         dbURL,
		"REDIS_URL":            redisURL,
		"SMTP_URL":             smtpURL,
		"OUTBOX_POLL_INTERVAL": "20ms",
		"TASK_POLL_INTERVAL":   "20ms",
		"LOG_LEVEL":            "warn",
		"SHUTDOWN_TIMEOUT":     "5s",
		"FILES_URL":            "file://" + t.TempDir(),
		"BASE_URL":             "http://vivier.test",
	}
}

func openDB(t *testing.T, url string) *sqlx.DB {
	t.Helper()
	db, err := vivier.OpenDB(context.Background(), url, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobstest.Close(t, db) })
	return db
}

// queueTestEmails writes n test emails to the outbox, to c<from>…@exemple.fr.
func queueTestEmails(t *testing.T, db *sqlx.DB, prefix string, n int) {
	t.Helper()
	if _, err := db.Exec(`INSERT INTO outbox (task_type, queue, payload)
		SELECT 'email:test', 'critical', json_build_object('to', $1 || i || '@exemple.fr') FROM generate_series(1, $2) i`, prefix, n); err != nil {
		t.Fatal(err)
	}
}

// recipients counts the messages the capture got per recipient.
func recipients(s *jobstest.SMTP) map[string]int {
	seen := map[string]int{}
	for _, m := range s.Messages() {
		for _, to := range m.To {
			seen[to]++
		}
	}
	return seen
}

// A worker killed (SIGKILL) in the middle of 500 emails, then started again:
// every email is delivered, and almost none twice. The only window for a
// second copy is between the SMTP server's reply to DATA and the commit of
// the sent_emails record; the tasks that were in it when the process died
// are run again by Asynq once their lease expires. The count is logged.
func TestWorkerKilledWhileSending(t *testing.T) {
	t.Parallel()
	bin := buildVivier(t)
	dbURL := dbtest.NewURL(t)
	redis := jobstest.Redis(t)
	capture := jobstest.NewSMTP(t)
	db := openDB(t, dbURL)
	const n = 500
	queueTestEmails(t, db, "kill", n)

	const concurrency = 10
	env := workerEnv(t, dbURL, jobstest.URL(redis), capture.URL)
	env["WORKER_CONCURRENCY"] = fmt.Sprint(concurrency)
	w := startVivier(t, "worker", bin, env, "worker")
	jobstest.EventuallyWithin(t, 3*time.Minute, "the worker sends its first 100 emails", func() (bool, error) { return len(capture.Messages()) >= 100, nil })
	w.kill()
	killedAfter := len(capture.Messages())
	if killedAfter >= n {
		t.Fatalf("all %d emails were sent before the kill: the test proves nothing", killedAfter)
	}
	w.start()

	jobstest.EventuallyWithin(t, 6*time.Minute, "every email delivered after the restart", func() (bool, error) { return len(recipients(capture)) == n, nil })
	// Then let the tasks orphaned by the kill finish, which is when a
	// second copy would go.
	in := jobstest.Inspector(t, redis)
	jobstest.EventuallyWithin(t, 6*time.Minute, "no task left in the queues", func() (bool, error) {
		left, err := jobstest.WorkLeft(db, in)
		return left == 0, err
	})
	var pending, recorded int
	if err := db.Get(&pending, `SELECT count(*) FROM outbox WHERE relayed_at IS NULL`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&recorded, `SELECT count(*) FROM sent_emails`); err != nil {
		t.Fatal(err)
	}
	duplicates := len(capture.Messages()) - n
	t.Logf("killed after %d emails; %d delivered to %d recipients: %d duplicate(s)", killedAfter, len(capture.Messages()), n, duplicates)
	if pending != 0 || recorded != n {
		t.Errorf("outbox rows not relayed: %d; emails recorded: %d, want %d", pending, recorded, n)
	}
	// SMTP has no two-phase commit: a send the server accepted just before
	// the kill and that the worker had not yet recorded goes again. Only
	// the sends in flight can be in that window, so there are at most
	// concurrency of them; on a quiet machine there are none (0.1 % of 500
	// is 0), under load one or two were measured. More would mean that the
	// records of sent emails (or the outbox ids behind their keys) no
	// longer stop retries.
	if duplicates > concurrency {
		t.Errorf("%d duplicate(s) out of %d emails: more than the %d sends in flight at the kill", duplicates, n, concurrency)
	}
	if !w.running() {
		t.Error("the restarted worker exited")
	}
}

// Redis stopped for 30 seconds while candidates apply and recruiters move
// applications (telling the candidates): every email of that time leaves
// once Redis is back, once each.
func TestRedisDownWhileApplicationsContinue(t *testing.T) {
	t.Parallel()
	redis := startRedis(t, 0)
	p := startDemo(t, "dev", map[string]string{"REDIS_URL": "redis://" + redis.addr() + "/0", "APPLY_RATE_PER_HOUR": "100000"})
	ctx := context.Background()
	o := openOfferWithQuestion(t, p)
	interview := stepID(t, p, o.AdministrationID, "Entretien RH")
	c := newClient(t)
	cv := pdfBytes(t, "", "CV")
	apply := func(email string) int64 {
		t.Helper()
		if resp, body := applyAs(t, c, p, o, email, cv); resp.StatusCode != 303 {
			t.Fatalf("application of %s = %d %s", email, resp.StatusCode, body)
		}
		var id int64
		if err := p.Store().DB().Get(&id, `SELECT a.id FROM applications a JOIN candidates c ON c.id = a.candidate_id WHERE c.email = $1`, email); err != nil {
			t.Fatal(err)
		}
		return id
	}

	redis.stop()
	var apps []int64
	moves := 0
	// The fault lasts 30 s; the work is paced so that it spans them
	// without flooding a small machine.
	for down := time.Now(); time.Since(down) < 30*time.Second; time.Sleep(200 * time.Millisecond) {
		apps = append(apps, apply(fmt.Sprintf("r%03d@exemple.fr", len(apps))))
		if len(apps) < 2 {
			continue
		}
		res, err := p.Store().MoveApplication(ctx, o.AdministrationID, apps[len(apps)-2], vivier.Move{StageID: interview, Notify: true},
			vivier.Actor{Email: "recruteur@ville-demo.vivier.test"})
		if err != nil || res.Emails != 1 {
			t.Fatalf("move with Redis down: %+v, %v", res, err)
		}
		moves++
	}
	startRedis(t, redis.port)

	// Each application: the candidate's confirmation and the two
	// recruiters' notices; each move: the candidate's status email.
	want := 3*len(apps) + moves
	p.SMTP.Wait(t, want, 5*time.Minute)
	in := jobstest.Inspector(t, asynq.RedisClientOpt{Addr: redis.addr()})
	jobstest.EventuallyWithin(t, 3*time.Minute, "every task done", func() (bool, error) {
		left, err := jobstest.WorkLeft(p.Store().DB(), in)
		return left == 0, err
	})
	msgs := p.SMTP.Messages()
	if len(msgs) != want {
		t.Fatalf("%d emails for %d applications and %d moves, want %d", len(msgs), len(apps), moves, want)
	}
	perCandidate := recipients(p.SMTP)
	for i := range apps {
		wantMails := 2
		if i == len(apps)-1 {
			wantMails = 1 // the last application was not moved
		}
		if to := fmt.Sprintf("r%03d@exemple.fr", i); perCandidate[to] != wantMails {
			t.Errorf("%s got %d emails, want %d", to, perCandidate[to], wantMails)
		}
	}
	t.Logf("Redis down 30 s: %d applications, %d moves, %d emails delivered", len(apps), moves, len(msgs))
}

// PostgreSQL restarted under a running worker: the worker keeps running,
// its relay finds the database again and the emails written after the
// restart leave, without anyone restarting the worker.
func TestWorkerRecoversFromPostgresRestart(t *testing.T) {
	t.Parallel()
	bin := buildVivier(t)
	pg := startPostgres(t)
	migrate := exec.Command(bin, "migrate", "up")
	migrate.Env = []string{"PATH=" + os.Getenv("PATH"), "DATABASE_URL=" + pg.URL(), "LOG_LEVEL=warn"}
	if out, err := migrate.CombinedOutput(); err != nil {
		t.Fatalf("vivier migrate up: %v\n%s", err, out)
	}
	redis := jobstest.Redis(t)
	capture := jobstest.NewSMTP(t)
	w := startVivier(t, "worker", bin, workerEnv(t, pg.URL(), jobstest.URL(redis), capture.URL), "worker")
	db := openDB(t, pg.URL())
	queueTestEmails(t, db, "avant", 5)
	capture.Wait(t, 5, 2*time.Minute)

	pg.stop()
	jobstest.EventuallyWithin(t, 2*time.Minute, "the worker notices that PostgreSQL is gone", func() (bool, error) {
		return strings.Contains(w.output(), "outbox relay"), nil
	})
	if !w.running() {
		t.Fatal("the worker exited when PostgreSQL stopped")
	}
	pg.start()
	queueTestEmails(t, db, "apres", 5)
	capture.Wait(t, 10, 3*time.Minute)
	if !w.running() {
		t.Fatal("the worker exited")
	}
	for to, n := range recipients(capture) {
		if n != 1 {
			t.Errorf("%s got %d emails", to, n)
		}
	}
}

// Two workers, each with its scheduler: a periodic task runs once per
// period, not once per worker. Counted from the workers' own logs (every
// task they process, every run, every copy skipped) over at least two
// periods of the every-minute task.
func TestPeriodicTasksRunOnceWithTwoWorkers(t *testing.T) {
	t.Parallel()
	bin := buildVivier(t)
	dbURL := dbtest.NewURL(t)
	redis := jobstest.Redis(t)
	capture := jobstest.NewSMTP(t)
	env := workerEnv(t, dbURL, jobstest.URL(redis), capture.URL)
	env["LOG_FORMAT"], env["LOG_LEVEL"] = "json", "debug"
	workers := []*process{startVivier(t, "worker-a", bin, env, "worker")}
	jobstest.Eventually(t, "worker-a starts", func() (bool, error) { return strings.Contains(workers[0].output(), "worker started"), nil })
	// Each scheduler ticks every minute from its own start: started 20 s
	// apart, the second one's copy comes after the first has finished, when
	// Asynq's unique lock no longer stops it, and must find its period taken.
	time.Sleep(20 * time.Second)
	workers = append(workers, startVivier(t, "worker-b", bin, env, "worker"))

	type line struct {
		Msg    string `json:"msg"`
		Task   string `json:"task"`
		Period string `json:"period"`
	}
	var runs, skips map[string]int
	var ticks []int
	count := func() (bool, error) {
		runs, skips, ticks = map[string]int{}, map[string]int{}, nil
		for _, w := range workers {
			n := 0
			for _, l := range strings.Split(w.output(), "\n") {
				var x line
				if json.Unmarshal([]byte(l), &x) != nil || x.Task != vivier.TaskOffersDue {
					continue
				}
				switch x.Msg {
				case "task":
					n++
				case "periodic run":
					runs[x.Period]++
				case "periodic task already run in this period":
					skips[x.Period]++
				}
			}
			ticks = append(ticks, n)
		}
		skipped := 0
		for _, n := range skips {
			skipped += n
		}
		return len(runs) >= 2 && skipped >= 1, nil
	}
	// Each scheduler enqueues every tick; a copy that Asynq's unique lock
	// did not stop reaches a worker and must find its period taken.
	jobstest.EventuallyWithin(t, 6*time.Minute, "two periods run, and a second worker's copy of a tick skipped", count)
	for period, n := range runs {
		if n != 1 {
			t.Errorf("%s ran %d times in the period %s", vivier.TaskOffersDue, n, period)
		}
	}
	if len(runs) < 2 {
		t.Errorf("runs %v over %v ticks: want at least two periods", runs, ticks)
	}
	for period := range skips {
		if runs[period] != 1 {
			t.Errorf("a copy skipped in period %s, which no copy ran", period)
		}
	}
	t.Logf("ticks per worker %v; runs per period %v; copies skipped %v", ticks, runs, skips)
}
