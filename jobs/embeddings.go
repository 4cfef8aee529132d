package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"vivier"
)

// EmbeddingsConfig is an OpenAI-compatible embeddings endpoint, such as the
// State's Albert API (`POST …/v1/embeddings`): EMBEDDINGS_URL is the whole
// endpoint, EMBEDDINGS_KEY its bearer key, EMBEDDINGS_MODEL the model
// (Albert's is "openweight-embeddings"). Without a URL, matching uses the
// transparent score alone.
type EmbeddingsConfig struct {
	URL     string
	Key     string
	Model   string
	Timeout time.Duration
}

// Enabled tells whether an embeddings service is configured.
func (c EmbeddingsConfig) Enabled() bool { return c.URL != "" }

// Embeddings calls the service; it is a vivier.Embedder, which the public
// site is given too (for a profile's vector) without importing jobs.
type Embeddings struct {
	cfg  EmbeddingsConfig
	http *http.Client
}

// NewEmbeddings returns the client, or nil when none is configured. The
// service is reached through the outgoing-request guard, as every other.
func NewEmbeddings(cfg EmbeddingsConfig, p vivier.OutboundPolicy) *Embeddings {
	if !cfg.Enabled() {
		return nil
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	return &Embeddings{cfg: cfg, http: NewOutboundClient(p, OutboundOptions{Timeout: cfg.Timeout})}
}

// Model names the vectors.
func (e *Embeddings) Model() string { return e.cfg.Model }

// Embed returns one vector per text, in order.
func (e *Embeddings) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	body, err := json.Marshal(map[string]any{"input": texts, "model": e.cfg.Model})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.cfg.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if e.cfg.Key != "" {
		req.Header.Set("Authorization", "Bearer "+e.cfg.Key)
	}
	resp, err := e.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("embeddings: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil, embedStatus(resp.StatusCode)
	}
	var answer struct {
		Data []struct {
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&answer); err != nil {
		return nil, fmt.Errorf("embeddings: %w", err)
	}
	out := make([][]float32, len(texts))
	for _, d := range answer.Data {
		if d.Index < 0 || d.Index >= len(texts) || len(d.Embedding) == 0 {
			return nil, fmt.Errorf("embeddings: an answer for input %d of %d", d.Index, len(texts))
		}
		out[d.Index] = d.Embedding
	}
	for i, v := range out {
		if v == nil {
			return nil, fmt.Errorf("embeddings: no vector for input %d", i)
		}
	}
	return out, nil
}

// embedStatus is the service's answer to a request it did not serve.
type embedStatus int

func (e embedStatus) Error() string { return fmt.Sprintf("embeddings: status %d", int(e)) }

// refused tells whether the service refused the texts themselves (too
// long, say) rather than failed: 4xx but a quota's 429.
func refused(err error) bool {
	var s embedStatus
	return errors.As(err, &s) && s >= 400 && s < 500 && s != http.StatusTooManyRequests
}

// embedBatch is how many offers one request embeds.
const embedBatch = 32

// embedOffers embeds the offers saved since their last vector, until none
// is left or the deadline; a failure of the service ends the run, and the
// next minute goes on.
func (w *Worker) embedOffers(ctx context.Context, deadline time.Time) error {
	if w.embed == nil {
		return nil
	}
	done := 0
	for time.Now().Before(deadline) {
		offers, err := w.store.OffersToEmbed(ctx, w.embed.Model(), embedBatch)
		if err != nil || len(offers) == 0 {
			return err
		}
		texts := make([]string, len(offers))
		for i, o := range offers {
			texts[i] = o.Text
		}
		at := time.Now()
		vectors, err := w.embed.Embed(ctx, texts)
		if refused(err) {
			// One text the service refuses must not hold back the others:
			// each alone, and the refused ones kept without a vector.
			vectors, err = w.embedEach(ctx, texts)
		}
		if err != nil {
			w.log.WarnContext(ctx, "offer vectors: the embeddings service failed, the next run goes on", "embedded", done, "error", err)
			return nil
		}
		if err := w.store.SetOfferVectors(ctx, w.embed.Model(), at, offers, vectors); err != nil {
			return err
		}
		done += len(offers)
		if len(offers) < embedBatch {
			break
		}
	}
	if done > 0 {
		w.log.InfoContext(ctx, "offers embedded", "count", done)
	}
	return nil
}

// embedEach embeds texts one by one; a text the service refuses gets no
// vector, any other failure ends the run.
func (w *Worker) embedEach(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v, err := w.embed.Embed(ctx, []string{t})
		switch {
		case refused(err):
			w.log.WarnContext(ctx, "offer vectors: the embeddings service refused a text", "error", err)
		case err != nil:
			return nil, err
		default:
			out[i] = v[0]
		}
	}
	return out, nil
}
