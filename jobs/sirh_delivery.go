package jobs

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"vivier"
)

// Delivery of a batch. The file is written once per delivery to a
// temporary file, record by record from PostgreSQL (the memory it takes
// does not grow with the batch), its SHA-256 computed on the way: a folder
// gets it by rename, so that the SIRH never reads half a file; a webhook
// gets it as the body of a signed POST.

// Headers of a webhook delivery. The signature is HMAC-SHA256, with the
// administration's secret, over the timestamp, a dot and the body: a
// receiver refuses an old timestamp, so that a captured request cannot be
// played again.
const (
	HeaderSIRHTimestamp = "X-Vivier-Timestamp"
	HeaderSIRHSignature = "X-Vivier-Signature" // "sha256=" + hex
	HeaderSIRHBatch     = "X-Vivier-Lot"
	HeaderSIRHChecksum  = "X-Vivier-Sha256" // of the body
	HeaderSIRHFormat    = "X-Vivier-Format"
)

const sirhLease = 15 * time.Minute

func (w *Worker) deliverSIRH(ctx context.Context, b *vivier.SIRHBatch, request, by string) error {
	b, err := w.store.LeaseSIRHBatch(ctx, b.AdministrationID, b.ID, sirhLease)
	if err != nil {
		// ENOTFOUND: the batch is gone, the task is done; ECONFLICT: another
		// worker delivers it, this task tries again later.
		return err
	}
	adm, err := w.store.AdministrationByID(ctx, b.AdministrationID)
	if err == nil {
		switch b.Destination {
		case vivier.SIRHFolder:
			err = w.deliverToFolder(ctx, b, adm.Slug, request, by)
		case vivier.SIRHWebhook:
			err = w.deliverToWebhook(ctx, b, request, by)
		default:
			err = fmt.Errorf("destination %q inconnue: %w", b.Destination, asynq.SkipRetry)
		}
	}
	msg := ""
	if err != nil {
		msg = strings.TrimSuffix(err.Error(), ": "+asynq.SkipRetry.Error())
	}
	// A context ended by shutdown must not keep the batch leased.
	if ferr := w.store.FinishSIRHDelivery(context.WithoutCancel(ctx), b, err == nil, msg); ferr != nil {
		return errors.Join(err, ferr)
	}
	if adm != nil && (err == nil || sirhGivesUp(ctx, err)) {
		b.State, b.LastError = vivier.BatchDelivered, msg
		if err != nil {
			b.State = vivier.BatchFailed
		}
		if nerr := w.notifySIRH(ctx, b, adm, request); nerr != nil {
			return errors.Join(err, nerr)
		}
	}
	return err
}

// writeBatchFile writes the batch into f and checks or records its checksum.
func (w *Worker) writeBatchFile(ctx context.Context, b *vivier.SIRHBatch, f *os.File) (sum string, size int64, err error) {
	h := sha256.New()
	cw := &countingWriter{}
	bw := bufio.NewWriterSize(io.MultiWriter(f, h, cw), 64<<10)
	if _, err := w.store.WriteSIRHBatch(ctx, b, bw); err != nil {
		return "", 0, err
	}
	if err := bw.Flush(); err != nil {
		return "", 0, err
	}
	sum = hex.EncodeToString(h.Sum(nil))
	if b.Checksum == "" {
		err = w.store.SealSIRHBatch(ctx, b, sum, cw.n)
	} else if b.Checksum != sum {
		// The records of a batch do not change; only the deletion of an
		// application takes its record out. Say so, and deliver what is left.
		w.log.WarnContext(ctx, "sirh batch content changed since it was made", "batch", b.ID, "was", b.Checksum, "now", sum)
	}
	return sum, cw.n, err
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func (w *Worker) deliverToFolder(ctx context.Context, b *vivier.SIRHBatch, slug, request, by string) error {
	if w.cfg.SIRH.Dir == "" {
		return fmt.Errorf("aucun dossier d'export configuré (SIRH_EXPORT_DIR): %w", asynq.SkipRetry)
	}
	dir := filepath.Join(w.cfg.SIRH.Dir, slug)
	rec := vivier.SIRHDelivery{BatchID: b.ID, AdministrationID: b.AdministrationID, Request: request, RequestedBy: by, Attempt: 1}
	err := func() error {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return err
		}
		// In the same folder, so that the rename is atomic; a dot file, so
		// that a SIRH watching *.csv does not pick it up half written.
		f, err := os.CreateTemp(dir, ".vivier-sirh-*.tmp")
		if err != nil {
			return err
		}
		defer func() { _ = os.Remove(f.Name()) }() // fails once renamed: the file is where it should be
		sum, _, err := w.writeBatchFile(ctx, b, f)
		rec.Checksum = sum
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		return os.Rename(f.Name(), filepath.Join(dir, b.FileName(slug)))
	}()
	rec.OK = err == nil
	if err != nil {
		rec.Error = err.Error()
	} else {
		rec.Answer = "fichier " + b.FileName(slug)
	}
	if rerr := w.store.RecordSIRHDelivery(ctx, rec); rerr != nil {
		return errors.Join(err, rerr)
	}
	return err
}

func (w *Worker) deliverToWebhook(ctx context.Context, b *vivier.SIRHBatch, request, by string) error {
	st, err := w.store.SIRHSettingsOf(ctx, b.AdministrationID)
	if err != nil {
		return err
	}
	if st.WebhookURL == "" || !st.HasWebhookSecret() {
		return fmt.Errorf("aucun webhook configuré pour cette administration: %w", asynq.SkipRetry)
	}
	secret, err := st.OpenWebhookSecret(w.cfg.CSP.Box)
	if err != nil {
		w.log.WarnContext(ctx, "SIRH webhook secret cannot be opened", "administration", b.AdministrationID, "err", err)
		return fmt.Errorf("le secret de signature ne peut plus être déchiffré : renouvelez-le dans les réglages: %w", asynq.SkipRetry)
	}
	f, err := os.CreateTemp("", "vivier-sirh-*.json")
	if err != nil {
		return err
	}
	// A temporary file, read only once written: neither its closing nor its
	// removal can change the delivery's outcome.
	defer func() { _ = os.Remove(f.Name()) }()
	defer func() { _ = f.Close() }()
	sum, size, err := w.writeBatchFile(ctx, b, f)
	if err != nil {
		return err
	}
	attempts, wait := w.cfg.SIRH.WebhookAttempts, w.cfg.SIRH.WebhookBackoff
	if attempts <= 0 {
		attempts = 4
	}
	if wait <= 0 {
		wait = 2 * time.Second
	}
	client := w.cfg.SIRH.HTTPClient
	var last error
	for i := 1; i <= attempts; i++ {
		rec := vivier.SIRHDelivery{BatchID: b.ID, AdministrationID: b.AdministrationID, Request: request, RequestedBy: by,
			Attempt: i, Checksum: sum}
		fail := w.post(ctx, client, st.WebhookURL, secret, b, f, size, sum)
		if fail != nil && fail.Status != 0 {
			rec.StatusCode = &fail.Status
		}
		// The agents read the summary only: the answer is the remote
		// server's, the Go error names addresses; the log has the detail.
		if fail == nil {
			ok := http.StatusOK
			rec.OK, rec.StatusCode, rec.Answer = true, &ok, "reçu"
		} else {
			rec.Error = fail.Summary
			w.log.WarnContext(ctx, "SIRH webhook delivery failed", "administration", b.AdministrationID, "batch", b.ID,
				"attempt", i, "target", outboundHost(st.WebhookURL), "status", fail.Status, "err", fail.Err)
		}
		if rerr := w.store.RecordSIRHDelivery(ctx, rec); rerr != nil {
			return rerr
		}
		if rec.OK {
			return nil
		}
		last = fail
		if i == attempts {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
	return fmt.Errorf("webhook : %w", last)
}

// post sends the file once, signed; nil when the receiver took it (2xx).
func (w *Worker) post(ctx context.Context, client *http.Client, target, secret string, b *vivier.SIRHBatch, f *os.File, size int64, sum string) *OutboundFailure {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + ".")) // a hash.Hash never fails to write
	if _, err := io.Copy(mac, io.NewSectionReader(f, 0, size)); err != nil {
		return &OutboundFailure{Summary: "fichier du lot illisible", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, io.NewSectionReader(f, 0, size))
	if err != nil {
		return &OutboundFailure{Summary: "adresse du webhook invalide", Err: err}
	}
	req.ContentLength = size
	req.Header.Set("Content-Type", b.ContentType())
	req.Header.Set("User-Agent", "Vivier-SIRH/1")
	req.Header.Set(HeaderSIRHTimestamp, ts)
	req.Header.Set(HeaderSIRHSignature, "sha256="+hex.EncodeToString(mac.Sum(nil)))
	req.Header.Set(HeaderSIRHBatch, strconv.FormatInt(b.ID, 10))
	req.Header.Set(HeaderSIRHChecksum, sum)
	req.Header.Set(HeaderSIRHFormat, vivier.SIRHFormatVersions[b.Format])
	resp, err := client.Do(req)
	if err != nil {
		return outboundFailure(err)
	}
	defer func() { _ = resp.Body.Close() }() // read below, never kept: its closing tells nothing
	// Read (a little) so that the connection serves again; never kept.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return statusFailure(resp.StatusCode)
	}
	return nil
}
