package jobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"vivier"
)

// CSPConfig is what publication to Choisir le Service Public needs.
type CSPConfig struct {
	Box         *vivier.SecretBox // opens the administrations' API keys; nil: nothing is sent
	DefaultURL  string            // CSP_API_URL, for administrations that name none
	Quota       int               // calls CSP allows per QuotaPeriod and per account (120)
	QuotaPeriod time.Duration     // a minute
	Timeout     time.Duration     // of one call
}

// cspSender holds what every CSP task shares: the HTTP client (the
// outgoing-request guard: the address is the administration's) and the
// quota limiter, in Redis so that every worker process counts the same
// calls.
type cspSender struct {
	timeout time.Duration
	once    sync.Once
	http    *http.Client
	rdb     redis.UniversalClient
	limiter *redis_rate.Limiter
	limit   redis_rate.Limit
	// granted, when set (by tests), learns of each call the limiter lets
	// go, with the moments just before it asked Redis and just after Redis
	// answered: the grant happened in between, on Redis's clock.
	granted func(account string, asked, answered time.Time)
}

// client returns the guarded client, made at the first call with the
// store's policy (it does not change while the worker runs).
func (s *cspSender) client(p vivier.OutboundPolicy) *http.Client {
	s.once.Do(func() { s.http = NewOutboundClient(p, OutboundOptions{Timeout: s.timeout}) })
	return s.http
}

func newCSPSender(cfg Config) *cspSender {
	c := cfg.CSP
	if c.Quota <= 0 {
		c.Quota = 120
	}
	if c.QuotaPeriod <= 0 {
		c.QuotaPeriod = time.Minute
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	rdb, _ := cfg.Redis.MakeRedisClient().(redis.UniversalClient)
	// Calls are spaced evenly (burst 1) at nine tenths of the quota: CSP
	// counts them on its clock, after the network, so that two calls sent
	// one interval apart may land closer together.
	rate := max(1, c.Quota-c.Quota/10)
	s := &cspSender{timeout: c.Timeout, rdb: rdb,
		limit: redis_rate.Limit{Rate: rate, Burst: 1, Period: c.QuotaPeriod}}
	if rdb != nil {
		s.limiter = redis_rate.NewLimiter(rdb)
	}
	return s
}

func (s *cspSender) close() error {
	if s.rdb == nil {
		return nil
	}
	return s.rdb.Close()
}

// wait blocks until the account may make one more call. A Redis error stops
// the task (it is retried): calling without counting could break the quota.
func (s *cspSender) wait(ctx context.Context, account string) error {
	if s.limiter == nil {
		return fmt.Errorf("CSP quota: no Redis client")
	}
	for {
		asked := time.Now()
		res, err := s.limiter.Allow(ctx, "vivier:csp:quota:"+account, s.limit)
		if err != nil {
			return fmt.Errorf("CSP quota (Redis): %w", err)
		}
		if res.Allowed > 0 {
			if s.granted != nil {
				s.granted(account, asked, time.Now())
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(res.RetryAfter):
		}
	}
}

// cspAccount names a CSP account in the limiter: the quota is per user, and
// administrations that share a key share it.
func cspAccount(baseURL, key string) string {
	sum := sha256.Sum256([]byte(baseURL + "\x00" + key))
	return hex.EncodeToString(sum[:12])
}

// cspFailure is a call that did not succeed, by what to do about it.
type cspFailure struct {
	Auth    bool // 401 or 403: the key is refused, the administrators must act
	Refused bool // 400: the request itself is refused, retrying would not help
	Status  int
	Message string // in French, for the agents; neither Auth nor Refused: retried
}

func (e *cspFailure) Error() string { return e.Message }

// cspClient calls CSP for one administration.
type cspClient struct {
	sender  *cspSender
	http    *http.Client
	log     *slog.Logger
	adm     int64
	base    string
	key     string
	source  string
	account string
}

func (c *cspClient) post(ctx context.Context, path string, body any, out any) (int, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return 0, err
	}
	if err := c.sender.wait(ctx, c.account); err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(b))
	if err != nil {
		return 0, &cspFailure{Refused: true, Message: "L'adresse de l'API de Choisir le Service Public n'est pas valide."}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "Api-Key "+c.key)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, c.failed(ctx, outboundFailure(err), "")
	}
	// Read to the end (or the limit) below: closing it has nothing left to
	// tell.
	defer func() { _ = resp.Body.Close() }()
	raw, err := readOutboundBody(resp.Body, 4<<20)
	if err != nil {
		return 0, c.failed(ctx, outboundFailure(err), "")
	}
	var detail struct {
		Error  string `json:"error"`
		Detail string `json:"detail"`
	}
	_ = json.Unmarshal(raw, &detail)
	said := strings.TrimSpace(detail.Error + " " + detail.Detail)
	code := resp.StatusCode
	// The agents read the status code and a French reason; what CSP said
	// goes to the operators' log only: the answer is the remote server's.
	switch {
	case code == http.StatusOK || code == http.StatusCreated:
		if out != nil {
			if err := json.Unmarshal(raw, out); err != nil {
				return code, &cspFailure{Status: code, Message: "Choisir le Service Public a répondu de façon illisible."}
			}
		}
		return code, nil
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		c.logged(ctx, code, nil, said)
		return code, &cspFailure{Auth: true, Status: code,
			Message: fmt.Sprintf("Choisir le Service Public refuse la clé d'API (%d).", code)}
	case code == http.StatusNotFound:
		return code, nil // the caller decides what not found means
	case code >= 300 && code < 400:
		return code, c.failed(ctx, statusFailure(code), said)
	case code == http.StatusTooManyRequests || code >= 500:
		c.logged(ctx, code, nil, said)
		return code, &cspFailure{Status: code,
			Message: fmt.Sprintf("Choisir le Service Public est indisponible (%d) : nouvel essai automatique.", code)}
	default:
		c.logged(ctx, code, nil, said)
		return code, &cspFailure{Refused: true, Status: code,
			Message: fmt.Sprintf("Choisir le Service Public a refusé l'envoi (%d).", code)}
	}
}

// failed is a call that got no usable answer: retried, with its summary.
func (c *cspClient) failed(ctx context.Context, f *OutboundFailure, said string) error {
	c.logged(ctx, f.Status, f.Err, said)
	return &cspFailure{Status: f.Status,
		Message: "L'appel à Choisir le Service Public a échoué (" + f.Summary + ") : nouvel essai automatique."}
}

func (c *cspClient) logged(ctx context.Context, status int, err error, said string) {
	if c.log == nil {
		return
	}
	if len(said) > 300 {
		said = strings.ToValidUTF8(said[:300], "")
	}
	c.log.WarnContext(ctx, "CSP call failed", "administration", c.adm, "target", outboundHost(c.base),
		"status", status, "err", err, "said", said)
}

// upsertResponse is CSP's UpsertOffersResponse.
type upsertResponse struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
	Errors  []struct {
		Offer struct {
			Reference string `json:"reference"`
		} `json:"offer"`
		Error any `json:"error"`
	} `json:"errors"`
}

func (c *cspClient) upsert(ctx context.Context, offers []vivier.CSPLabOffer) (*upsertResponse, error) {
	var out upsertResponse
	body := map[string]any{"source_id": c.source, "offres": offers}
	if _, err := c.post(ctx, "/api/v1/offres/creer_modifier", body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// archive archives an offer; one CSP does not know is as good as archived.
func (c *cspClient) archive(ctx context.Context, reference string) error {
	_, err := c.post(ctx, "/api/v1/offres/archiver", map[string]string{"reference": reference, "source_id": c.source}, nil)
	return err
}
