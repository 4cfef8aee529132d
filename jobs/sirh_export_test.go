package jobs_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	"github.com/jmoiron/sqlx"

	"vivier"
	"vivier/jobs"
	"vivier/jobs/jobstest"
	"vivier/migrations/dbtest"
)

type sirhWorld struct {
	store  *vivier.Store
	db     *sqlx.DB
	box    *vivier.SecretBox
	smtp   *jobstest.SMTP
	fails  bool // the deliveries are expected to fail: drain does not report their errors
	worker *jobs.Worker
	adm    *vivier.Administration
	offer  *vivier.Offer
	hired  int
}

func newSIRHWorld(t *testing.T, cfg jobs.SIRHConfig) *sirhWorld {
	t.Helper()
	return newSIRHWorldWith(t, cfg, vivier.OutboundPolicy{})
}

// loopbackAllowed is OUTBOUND_ALLOW=127.0.0.1/32, for the test servers.
var loopbackAllowed = vivier.OutboundPolicy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}

// trusting is the guarded client of policy p that trusts srv's certificate.
func trusting(p vivier.OutboundPolicy, srv *httptest.Server) *http.Client {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return jobs.NewOutboundClient(p, jobs.OutboundOptions{Timeout: 5 * time.Second, RootCAs: pool})
}

// newSIRHWorldWith makes the world with a store that checks tenants'
// addresses by policy p (and a worker that dials by it).
func newSIRHWorldWith(t *testing.T, cfg jobs.SIRHConfig, p vivier.OutboundPolicy) *sirhWorld {
	t.Helper()
	ctx := context.Background()
	db := dbtest.New(t)
	f := &fixture{store: vivier.NewStore(db, vivier.WithOutboundPolicy(p)), smtp: jobstest.NewSMTP(t), redis: jobstest.Redis(t)}
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(100 + i)
	}
	box, err := vivier.NewSecretBox(key)
	if err != nil {
		t.Fatal(err)
	}
	w := &sirhWorld{store: f.store, db: db, box: box, smtp: f.smtp}
	w.worker = f.newWorker(t, jobs.Config{SIRH: cfg, CSP: jobs.CSPConfig{Box: box},
		RelayInterval: 20 * time.Millisecond, TaskCheckInterval: 20 * time.Millisecond})
	siret := "21590350100017"
	w.adm = &vivier.Administration{Slug: "mairie-sirh", Name: "Mairie de Lille", Versant: vivier.VersantTerritoriale, SIRET: &siret}
	if err := f.store.UpsertAdministration(ctx, w.adm); err != nil {
		t.Fatal(err)
	}
	o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "L-7", Versant: vivier.VersantTerritoriale,
		Title: "Jardinier·ère", CVPolicy: "optional", Categories: []string{"C"}}
	if err := f.store.CreateOffer(ctx, w.adm.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.MoveOffer(ctx, w.adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if w.offer, err = f.store.OfferByID(ctx, w.adm.ID, o.ID); err != nil {
		t.Fatal(err)
	}
	w.addSIRHAgents(t)
	return w
}

// hire applies and moves the application to "Recrutée", as a recruiter.
func (w *sirhWorld) hire(t *testing.T) int64 {
	t.Helper()
	ctx := context.Background()
	w.hired++
	sub := &vivier.Submission{FirstName: "Inès", LastName: fmt.Sprintf("Moreau%d", w.hired), Email: fmt.Sprintf("ines%d@exemple.fr", w.hired),
		Consent: true, IdempotencyKey: uuid.NewString()}
	if err := sub.Validate(w.offer); err != nil {
		t.Fatal(err)
	}
	files := localFiles(t)
	app, _, err := w.store.Apply(ctx, sub, w.offer, files)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := w.store.Steps(ctx, w.adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range steps {
		if s.Name == "Recrutée" {
			if _, err := w.store.MoveApplication(ctx, w.adm.ID, app.ID, vivier.Move{StageID: s.ID}, vivier.Actor{Email: "rh@mairie.test"}); err != nil {
				t.Fatal(err)
			}
			return app.ID
		}
	}
	t.Fatal("no step Recrutée")
	return 0
}

// drain runs the SIRH tasks waiting in the outbox, as the relay and Asynq
// would (with the outbox row's task id, once the relay committed), until
// none is left.
func (w *sirhWorld) drain(t *testing.T) {
	t.Helper()
	mux := w.worker.Mux()
	for range 10 {
		var relayed []vivier.OutboxMessage
		n, err := w.store.RelayOutbox(context.Background(), 100, func(m vivier.OutboxMessage) error {
			if strings.HasPrefix(m.TaskType, "sirh:") {
				relayed = append(relayed, m)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range relayed {
			if err := mux.ProcessTask(jobs.WithTaskID(jobs.OutboxTaskID(m.ID)), asynq.NewTask(m.TaskType, m.Payload)); err != nil && !w.fails {
				t.Errorf("%s: %v", m.TaskType, err)
			}
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("the outbox never empties")
}

func (w *sirhWorld) batches(t *testing.T) []vivier.SIRHBatch {
	t.Helper()
	b, err := w.store.SIRHBatches(context.Background(), w.adm.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// receiver is the SIRH's side of the webhook: it checks the signature and
// the timestamp as the README tells receivers to, and fails its first call.
type receiver struct {
	mu     sync.Mutex
	secret string
	bodies [][]byte
	sums   []string
	calls  int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	ts := r.Header.Get("X-Vivier-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		http.Error(w, "horodatage refusé", http.StatusUnauthorized)
		return
	}
	mac := hmac.New(sha256.New, []byte(rc.secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Vivier-Signature"))) {
		http.Error(w, "signature refusée", http.StatusUnauthorized)
		return
	}
	rc.calls++
	if rc.calls == 1 {
		http.Error(w, "indisponible", http.StatusInternalServerError)
		return
	}
	rc.bodies = append(rc.bodies, body)
	rc.sums = append(rc.sums, r.Header.Get("X-Vivier-Sha256"))
	w.Write([]byte(`{"recu":true}`))
}

func TestSIRHWebhookSignedRetriedThenDelivered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rc := &receiver{}
	srv := httptest.NewTLSServer(rc)
	defer srv.Close()
	w := newSIRHWorldWith(t, jobs.SIRHConfig{HTTPClient: trusting(loopbackAllowed, srv), WebhookAttempts: 3, WebhookBackoff: 5 * time.Millisecond},
		loopbackAllowed)
	st, err := w.store.SaveSIRHSettings(ctx, w.adm.ID, vivier.SIRHSettings{Destination: vivier.SIRHWebhook, Format: vivier.SIRHCSV,
		Cadence: vivier.SIRHImmediate, WebhookURL: srv.URL + "/vivier"}, false, w.box, vivier.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	rc.secret = st.WebhookSecret

	// The receiver's own checks refuse a wrong signature and a replay.
	for _, h := range []map[string]string{
		{"X-Vivier-Timestamp": strconv.FormatInt(time.Now().Unix(), 10), "X-Vivier-Signature": "sha256=00"},
		{"X-Vivier-Timestamp": strconv.FormatInt(time.Now().Add(-time.Hour).Unix(), 10), "X-Vivier-Signature": "sha256=00"},
	} {
		req, err := http.NewRequest("POST", srv.URL, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range h {
			req.Header.Set(k, v)
		}
		resp, err := srv.Client().Do(req)
		if err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("a forged request got %v, %v", resp, err)
		}
		resp.Body.Close()
	}

	w.hire(t)
	w.drain(t)
	batches := w.batches(t)
	if len(batches) != 1 || batches[0].State != vivier.BatchDelivered || batches[0].Format != vivier.SIRHHROpen || batches[0].Hires != 1 {
		t.Fatalf("batches = %+v", batches)
	}
	b := batches[0]
	deliveries, err := w.store.SIRHDeliveries(ctx, w.adm.ID, b.ID)
	if err != nil || len(deliveries) != 2 {
		t.Fatalf("deliveries = %+v, %v", deliveries, err)
	}
	// The receiver's words are not kept: a summary is.
	if d := deliveries[0]; d.OK || d.StatusCode == nil || *d.StatusCode != 500 || d.Answer != "" || d.Error != "le serveur a répondu 500" {
		t.Errorf("first attempt = %+v", d)
	}
	if d := deliveries[1]; !d.OK || *d.StatusCode != 200 || d.Answer != "reçu" || d.Attempt != 2 {
		t.Errorf("second attempt = %+v", d)
	}
	if len(rc.bodies) != 1 {
		t.Fatalf("the receiver accepted %d bodies", len(rc.bodies))
	}
	sum := sha256.Sum256(rc.bodies[0])
	if hex.EncodeToString(sum[:]) != b.Checksum || rc.sums[0] != b.Checksum {
		t.Errorf("checksum %s, header %s, body's %x", b.Checksum, rc.sums[0], sum)
	}
	var doc struct {
		Format   string            `json:"format"`
		NewHires []json.RawMessage `json:"newHires"`
	}
	if err := json.Unmarshal(rc.bodies[0], &doc); err != nil || doc.Format != "vivier-sirh-hropen/1" || len(doc.NewHires) != 1 ||
		!strings.Contains(string(doc.NewHires[0]), "21590350100017") {
		t.Errorf("body = %s, %v", rc.bodies[0], err)
	}

	// Never twice: the hire's and the delivery's tasks again do nothing.
	mux := w.worker.Mux()
	for _, task := range []struct {
		typ string
		v   any
	}{
		{vivier.TaskSIRHHire, vivier.SIRHHireTask{AdministrationID: w.adm.ID, HireID: 1}},
		{vivier.TaskSIRHDeliver, vivier.SIRHDeliverTask{AdministrationID: w.adm.ID, BatchID: b.ID}},
	} {
		if err := mux.ProcessTask(jobs.WithTaskID("again"), asynq.NewTask(task.typ, mustJSON(t, task.v))); err != nil {
			t.Fatal(err)
		}
	}
	if rc.calls != 2 || len(w.batches(t)) != 1 {
		t.Errorf("after the tasks ran again: %d calls, %d batches", rc.calls, len(w.batches(t)))
	}
	// One "export terminé" email to each agent who runs exports, the tasks
	// run again included.
	w.wantSIRHMails(t, "Export SIRH terminé", 1)
	for _, m := range w.smtp.Messages() {
		if !strings.Contains(m.HTML, "n° "+strconv.FormatInt(b.ID, 10)) || !strings.Contains(m.Text, "Recrutements : 1") ||
			!strings.Contains(m.Text, "État : livré") || !strings.Contains(m.Text, "http://vivier.test/admin/mairie-sirh/exports") {
			t.Errorf("done email: %s\n%s", m.Subject, m.Text)
		}
	}
	// A bad payload is not retried.
	if err := mux.ProcessTask(ctx, asynq.NewTask(vivier.TaskSIRHDeliver, []byte("{"))); err == nil || !strings.Contains(err.Error(), asynq.SkipRetry.Error()) {
		t.Errorf("bad payload: %v", err)
	}
}

func TestSIRHFolderNightlyBatchAndRedelivery(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	w := newSIRHWorld(t, jobs.SIRHConfig{Dir: root})
	if _, err := w.store.SaveSIRHSettings(ctx, w.adm.ID, vivier.SIRHSettings{Destination: vivier.SIRHFolder, Format: vivier.SIRHCSV,
		Cadence: vivier.SIRHNightly}, false, w.box, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		w.hire(t)
	}
	w.drain(t)
	if b := w.batches(t); len(b) != 0 {
		t.Fatalf("a nightly administration got batches during the day: %+v", b)
	}
	made, err := w.worker.RunSIRHNight(ctx, time.Now())
	if err != nil || len(made) != 1 || made[0].Hires != 3 || made[0].Kind != vivier.SIRHNightly {
		t.Fatalf("night = %+v, %v", made, err)
	}
	if again, err := w.worker.RunSIRHNight(ctx, time.Now()); err != nil || len(again) != 0 {
		t.Fatalf("a second night run made %+v, %v", again, err)
	}
	w.drain(t)
	w.wantSIRHMails(t, "Export SIRH terminé", 1)
	b := w.batches(t)[0]
	dir := filepath.Join(root, "mairie-sirh")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b.State != vivier.BatchDelivered || len(entries) != 1 || entries[0].Name() != b.FileName("mairie-sirh") {
		t.Fatalf("batch %+v, folder %v", b, entries)
	}
	first, err := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(first)
	if hex.EncodeToString(sum[:]) != b.Checksum || int64(len(first)) != b.Size ||
		strings.Count(string(first), "\r\n") != 4 || !strings.HasPrefix(string(first), "\ufeffFormat;") {
		t.Fatalf("file (%d bytes, checksum %s): %q", len(first), b.Checksum, first)
	}

	// An agent asks for it again: the same file, once per request.
	if err := w.store.RequestSIRHRedelivery(ctx, w.adm.ID, b.ID, vivier.Actor{Email: "rh@mairie.test"}); err != nil {
		t.Fatal(err)
	}
	var outboxID int64
	if err := w.store.DB().Get(&outboxID, `SELECT max(id) FROM outbox WHERE task_type = $1`, vivier.TaskSIRHDeliver); err != nil {
		t.Fatal(err)
	}
	w.drain(t)
	p := mustJSON(t, vivier.SIRHDeliverTask{AdministrationID: w.adm.ID, BatchID: b.ID, Redelivery: true, By: "rh@mairie.test"})
	if err := w.worker.Mux().ProcessTask(jobs.WithTaskID(jobs.OutboxTaskID(outboxID)), asynq.NewTask(vivier.TaskSIRHDeliver, p)); err != nil {
		t.Fatal(err) // Asynq retrying the same request
	}
	deliveries, err := w.store.SIRHDeliveries(ctx, w.adm.ID, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(deliveries) != 2 || !deliveries[1].OK || deliveries[1].RequestedBy != "rh@mairie.test" || deliveries[1].Checksum != b.Checksum {
		t.Fatalf("deliveries = %+v", deliveries)
	}
	if entries, err = os.ReadDir(dir); err != nil {
		t.Fatal(err)
	}
	second, err := os.ReadFile(filepath.Join(dir, b.FileName("mairie-sirh")))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || string(second) != string(first) {
		t.Errorf("after re-delivery: %v, same file %v", entries, string(second) == string(first))
	}
	// The night's delivery and the agent's re-delivery mail once each, the
	// re-delivery task run twice notwithstanding.
	w.wantSIRHMails(t, "Export SIRH terminé", 2)
	// Another administration cannot ask for it.
	other := &vivier.Administration{Slug: "autre", Name: "Autre", Versant: vivier.VersantEtat}
	if err := w.store.UpsertAdministration(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := w.store.RequestSIRHRedelivery(ctx, other.ID, b.ID, vivier.Actor{}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("re-delivery by another administration: %v", err)
	}
}

// The whole path through Redis: the move's outbox row, the relay, Asynq,
// the hire's task, the batch's delivery task, the file in the folder.
func TestSIRHThroughTheWorker(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	w := newSIRHWorld(t, jobs.SIRHConfig{Dir: root})
	if err := w.worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.worker.Shutdown()
	w.hire(t)
	var delivered vivier.SIRHBatch
	jobstest.Eventually(t, "the batch delivered", func() (bool, error) {
		b := w.batches(t)
		if len(b) == 1 && b[0].State == vivier.BatchDelivered {
			delivered = b[0]
			return true, nil
		}
		return false, nil
	})
	if _, err := os.Stat(filepath.Join(root, "mairie-sirh", delivered.FileName("mairie-sirh"))); err != nil {
		t.Fatal(err)
	}
}
