package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/google/uuid"
)

// cvWithPhoto makes a CV of about 300 KB: two pages of text and a photo
// that does not compress.
func cvWithPhoto(b testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 320, 320))
	r := rand.New(rand.NewSource(1))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Intn(256))
	}
	img.Set(0, 0, color.Black)
	var photo bytes.Buffer
	if err := png.Encode(&photo, img); err != nil {
		b.Fatal(err)
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.RegisterImageOptionsReader("photo", fpdf.ImageOptions{ImageType: "PNG"}, &photo)
	for page := 0; page < 2; page++ {
		f.AddPage()
		f.SetFont("Helvetica", "", 11)
		if page == 0 {
			f.ImageOptions("photo", 150, 10, 40, 40, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		}
		for l := 0; l < 40; l++ {
			f.Cell(0, 6, fmt.Sprintf("Experience %d : developpement de services publics numeriques en Go et PostgreSQL.", l))
			f.Ln(6)
		}
	}
	var out bytes.Buffer
	if err := f.Output(&out); err != nil {
		b.Fatal(err)
	}
	return out.Bytes()
}

// BenchmarkApplyIntake sends applications with a 300 KB PDF CV from 16
// concurrent candidates, then checks that every 2xx left exactly one
// application, its file and its two outbox rows. It reports applications
// per second and latency percentiles, and the rate at which pgbench inserts
// the same rows in one transaction, with the same concurrency, as a ratio.
func BenchmarkApplyIntake(b *testing.B) {
	p := startDemo(b, "serve", map[string]string{"LOG_LEVEL": "error", "APPLY_RATE_PER_HOUR": "1000000"})
	o := openOfferWithQuestion(b, p)
	cv := cvWithPhoto(b)
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	workers := 16
	transport := &http.Transport{MaxIdleConnsPerHost: workers}
	var seq atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	var failures atomic.Int64
	b.SetParallelism(max(1, workers/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		// RunParallel's goroutines may not stop the benchmark: they report
		// an error and return.
		jar, err := cookiejar.New(nil)
		if err != nil {
			b.Error(err)
			return
		}
		c := &http.Client{Transport: transport, Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(formURL)
		if err != nil {
			b.Error(err)
			return
		}
		page, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			b.Error(err)
			return
		}
		token := csrfRE.FindStringSubmatch(string(page))[1]
		for pb.Next() {
			n := seq.Add(1)
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			for k, v := range map[string]string{"_csrf": token, "idempotency_key": uuid.NewString(), "first_name": "Camille",
				"last_name": "Martin", "email": fmt.Sprintf("bench%d@exemple.fr", n), "q_permis": "oui", "consent": "oui"} {
				err = errors.Join(err, w.WriteField(k, v))
			}
			fw, ferr := w.CreateFormFile("cv", "cv.pdf")
			if err = errors.Join(err, ferr); err == nil {
				_, err = fw.Write(cv)
			}
			err = errors.Join(err, w.Close())
			req, rerr := http.NewRequest("POST", formURL, &body)
			if err = errors.Join(err, rerr); err != nil {
				b.Error(err)
				return
			}
			req.Header.Set("Content-Type", w.FormDataContentType())
			t0 := time.Now()
			resp, err := c.Do(req)
			d := time.Since(t0)
			if err != nil {
				failures.Add(1)
				continue
			}
			_, err = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 303 {
				failures.Add(1)
				continue
			}
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	ok := len(lat)
	apps := count(b, p, `SELECT count(*) FROM applications`)
	files := count(b, p, `SELECT count(*) FROM application_files`)
	outbox := count(b, p, `SELECT count(*) FROM outbox WHERE task_type IN ('email:application_received', 'email:new_application')`)
	if apps != ok || files != ok || outbox != 2*ok || failures.Load() != 0 {
		b.Fatalf("%d accepted, %d failed: %d applications, %d files, %d outbox rows", ok, failures.Load(), apps, files, outbox)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	rate := float64(ok) / elapsed.Seconds()
	b.ReportMetric(rate, "apps/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	if ok >= 200 { // pgbench is worth running once the load is a real one
		if tps := pgbenchApplyRows(b, p, workers); tps > 0 {
			b.ReportMetric(tps, "pgbench-tps")
			b.ReportMetric(rate/tps, "ratio")
		}
	}
}

// pgbenchApplyRows inserts, per transaction, the rows an application writes
// (candidate, application, file metadata, event, two outbox rows).
func pgbenchApplyRows(b *testing.B, p *program, clients int) float64 {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		b.Log("pgbench not found: no ratio")
		return 0
	}
	adm := scalar[int64](b, p, `SELECT id FROM administrations WHERE slug = 'ville-demo'`)
	offer := scalar[int64](b, p, `SELECT id FROM offers WHERE reference = 'APPLY-1'`)
	script := fmt.Sprintf(`BEGIN;
INSERT INTO candidates (email) VALUES (gen_random_uuid() || '@exemple.fr') RETURNING id \gset c_
INSERT INTO applications (administration_id, offer_id, candidate_id, answers, consent_at, idempotency_key, first_name, last_name) VALUES (%d, %d, :c_id, '{"permis":"oui"}', now(), gen_random_uuid(), 'Camille', 'Martin') RETURNING id \gset a_
INSERT INTO application_files (application_id, kind, file_key, name, content_type, size, sha256, text) VALUES (:a_id, 'cv', 'bench/' || :a_id, 'cv.pdf', 'application/pdf', 300000, repeat('a', 64), 'Experience');
INSERT INTO application_events (application_id, actor, to_category, email_sent) VALUES (:a_id, 'candidat', 'nouvelle', true);
INSERT INTO outbox (task_type, queue, payload, administration_id) VALUES ('email:application_received', 'critical', '{}', %d), ('email:new_application', 'default', '{}', %d);
COMMIT;
`, adm, offer, adm, adm)
	file := filepath.Join(b.TempDir(), "apply.sql")
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-n", "-f", file, "-c", fmt.Sprint(clients), "-j", "2", "-T", "10", p.Config.DatabaseURL).CombinedOutput()
	if err != nil {
		b.Logf("pgbench: %v\n%s", err, out)
		return 0
	}
	var tps float64
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "tps = ") {
			if _, err := fmt.Sscanf(line, "tps = %f", &tps); err != nil {
				b.Fatalf("pgbench: %q: %v", line, err)
			}
		}
	}
	return tps
}
