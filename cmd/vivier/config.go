package main

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is everything Vivier reads from the environment. Defaults suit local
// development with the services `make run` starts; README.md lists them all.
type Config struct {
	Addr               string         // ADDR, else 0.0.0.0:$PORT when PORT is set
	BaseURL            string         // BASE_URL
	DatabaseURL        string         // DATABASE_URL
	DatabaseMaxConns   int            // DATABASE_MAX_CONNS
	RedisURL           string         // REDIS_URL
	SMTPURL            string         // SMTP_URL
	MailFrom           string         // MAIL_FROM
	MailReplyTo        string         // MAIL_REPLY_TO: a mailbox that is read, for replies (none by default)
	SMTPRatePerSecond  int            // SMTP_RATE_PER_SECOND: the provider's limit, shared by every worker (0: none)
	MailpitURL         string         // MAILPIT_URL (printed by `dev` only)
	LogFormat          string         // LOG_FORMAT: text | json
	LogLevel           string         // LOG_LEVEL: debug | info | warn | error
	BodyLimitMB        int            // BODY_LIMIT_MB: routes that take files; above the upload limit, so that a file too big gets our own message
	FormBodyLimitKB    int            // FORM_BODY_LIMIT_KB: every other route (forms, JSON)
	FilesURL           string         // FILES_URL: file:DIR, file:///DIR or s3://KEY:SECRET@host/bucket
	UploadLimitMB      int            // UPLOAD_LIMIT_MB: per file a candidate sends
	ApplyPerHour       int            // APPLY_RATE_PER_HOUR: applications per IP (and a third of it per email)
	SessionIdleTimeout time.Duration  // SESSION_IDLE_TIMEOUT
	SessionMaxAge      time.Duration  // SESSION_MAX_AGE: a session ends this long after sign-in
	CookieSecure       bool           // COOKIE_SECURE (default: BASE_URL is https)
	TrustedProxies     []string       // TRUSTED_PROXIES: comma-separated IPs or CIDRs
	RateLimitPerMinute int            // RATE_LIMIT_PER_MINUTE: sensitive routes, per IP
	APIRatePerMinute   int            // API_RATE_LIMIT_PER_MINUTE: API requests per token (open data: per IP)
	SuggestPerMinute   int            // SUGGEST_RATE_PER_MINUTE: CVs sent for suggestions, per IP
	WorkerConcurrency  int            // WORKER_CONCURRENCY
	OutboxInterval     time.Duration  // OUTBOX_POLL_INTERVAL
	OutboxRedelivery   time.Duration  // OUTBOX_REDELIVERY_DELAY: a task relayed this long ago and not done is enqueued again if Redis lost it
	TaskCheckInterval  time.Duration  // TASK_POLL_INTERVAL: how often an idle worker asks Redis for tasks
	ShutdownTimeout    time.Duration  // SHUTDOWN_TIMEOUT
	AgentInactivity    time.Duration  // AGENT_INACTIVITY_DAYS: agents who do not sign in for this long are disabled
	MetricsToken       string         // METRICS_TOKEN: when set, /metrics wants "Authorization: Bearer <token>"
	MetricsAddr        string         // METRICS_ADDR: serve /metrics on this address only, not beside the site
	ProConnectIssuer   string         // PROCONNECT_ISSUER: enables "S'identifier avec ProConnect"
	ProConnectClientID string         // PROCONNECT_CLIENT_ID
	ProConnectSecret   string         // PROCONNECT_CLIENT_SECRET
	CSPSecretKey       []byte         // CSP_SECRET_KEY: 32 bytes in base64, seals the administrations' CSP API keys and SIRH webhook secrets
	CSPPreviousKeys    [][]byte       // CSP_SECRET_KEY_PREVIOUS: former keys (comma-separated), to open what they sealed during a rotation
	CSPAPIURL          string         // CSP_API_URL: CSP's API for administrations that name none
	CSPRatePerMinute   int            // CSP_RATE_PER_MINUTE: CSP's quota of calls per account
	CSPTimeout         time.Duration  // CSP_TIMEOUT: of one call to CSP
	SIRHExportDir      string         // SIRH_EXPORT_DIR: root of the SIRH export folders, one per administration
	GeocoderURL        string         // GEOCODER_URL: the Base Adresse Nationale's API; by default https://api-adresse.data.gouv.fr when BASE_URL is https, none otherwise; "off": none
	INGRESClientID     string         // INGRES_CLIENT_ID: PISTE's OAuth2 client for INGRES; none: the RMFP métiers are imported from a file
	INGRESSecret       string         // INGRES_CLIENT_SECRET
	PISTEOAuthURL      string         // PISTE_OAUTH_URL: PISTE's OAuth2 server, https://oauth.piste.gouv.fr by default
	INGRESURL          string         // INGRES_URL: INGRES's API, where RMFP_EMPL_REF is; required with INGRES_CLIENT_ID
	EmbeddingsURL      string         // EMBEDDINGS_URL: an OpenAI-compatible embeddings endpoint (Albert's …/v1/embeddings); none: matching by the transparent score alone
	EmbeddingsKey      string         // EMBEDDINGS_KEY: its bearer key
	EmbeddingsModel    string         // EMBEDDINGS_MODEL: "openweight-embeddings" by default (Albert's)
	OutboundAllow      []netip.Prefix // OUTBOUND_ALLOW: internal ranges (CIDRs, comma-separated) tenants' webhooks and APIs may reach; none by default
}

// LoadConfig reads the configuration through getenv (os.Getenv in main, a map
// in tests). An invalid value is an error naming its variable.
func LoadConfig(getenv func(string) string) (Config, error) {
	e := env{get: getenv}
	c := Config{
		Addr:               e.addr(),
		DatabaseURL:        e.str("DATABASE_URL", "postgres://vivier@127.0.0.1:55432/vivier?sslmode=disable"),
		DatabaseMaxConns:   e.int("DATABASE_MAX_CONNS", 20, 1, 1000),
		RedisURL:           e.str("REDIS_URL", "redis://127.0.0.1:56379/0"),
		SMTPURL:            e.str("SMTP_URL", "smtp://127.0.0.1:51025"),
		MailFrom:           e.str("MAIL_FROM", "Vivier <ne-pas-repondre@vivier.localhost>"),
		MailpitURL:         e.str("MAILPIT_URL", ""),
		MailReplyTo:        e.str("MAIL_REPLY_TO", ""),
		SMTPRatePerSecond:  e.int("SMTP_RATE_PER_SECOND", 0, 0, 100000),
		LogFormat:          e.oneOf("LOG_FORMAT", "text", "text", "json"),
		LogLevel:           e.oneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		BodyLimitMB:        e.int("BODY_LIMIT_MB", 40, 1, 1024),
		FormBodyLimitKB:    e.int("FORM_BODY_LIMIT_KB", 256, 16, 64<<10),
		FilesURL:           e.str("FILES_URL", "file:.local/files"),
		UploadLimitMB:      e.int("UPLOAD_LIMIT_MB", 10, 1, 100),
		ApplyPerHour:       e.int("APPLY_RATE_PER_HOUR", 30, 1, 1000000),
		SessionIdleTimeout: e.duration("SESSION_IDLE_TIMEOUT", 2*time.Hour),
		SessionMaxAge:      e.duration("SESSION_MAX_AGE", 12*time.Hour),
		RateLimitPerMinute: e.int("RATE_LIMIT_PER_MINUTE", 20, 1, 100000),
		APIRatePerMinute:   e.int("API_RATE_LIMIT_PER_MINUTE", 120, 1, 100000),
		SuggestPerMinute:   e.int("SUGGEST_RATE_PER_MINUTE", 10, 1, 100000),
		WorkerConcurrency:  e.int("WORKER_CONCURRENCY", 10, 1, 1000),
		OutboxInterval:     e.duration("OUTBOX_POLL_INTERVAL", 500*time.Millisecond),
		OutboxRedelivery:   e.duration("OUTBOX_REDELIVERY_DELAY", 10*time.Minute),
		TaskCheckInterval:  e.duration("TASK_POLL_INTERVAL", time.Second),
		ShutdownTimeout:    e.duration("SHUTDOWN_TIMEOUT", 25*time.Second),
		AgentInactivity:    time.Duration(e.int("AGENT_INACTIVITY_DAYS", 180, 30, 3650)) * 24 * time.Hour,
		MetricsToken:       e.str("METRICS_TOKEN", ""),
		MetricsAddr:        e.str("METRICS_ADDR", ""),
		ProConnectIssuer:   e.str("PROCONNECT_ISSUER", ""),
		ProConnectClientID: e.str("PROCONNECT_CLIENT_ID", ""),
		ProConnectSecret:   e.str("PROCONNECT_CLIENT_SECRET", ""),
		CSPAPIURL:          strings.TrimSuffix(e.str("CSP_API_URL", ""), "/"),
		CSPRatePerMinute:   e.int("CSP_RATE_PER_MINUTE", 120, 1, 100000),
		CSPTimeout:         e.duration("CSP_TIMEOUT", 30*time.Second),
		SIRHExportDir:      e.str("SIRH_EXPORT_DIR", ".local/sirh"),
	}
	c.CSPSecretKey, c.CSPPreviousKeys = e.cspConfig(c.CSPAPIURL)
	c.OutboundAllow = e.prefixes("OUTBOUND_ALLOW")
	if c.ProConnectIssuer != "" {
		if u, err := url.Parse(c.ProConnectIssuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			e.fail("PROCONNECT_ISSUER", c.ProConnectIssuer, "the provider's issuer URL, such as https://auth.agentconnect.gouv.fr/api/v2")
		}
		if c.ProConnectClientID == "" || c.ProConnectSecret == "" {
			e.fail("PROCONNECT_CLIENT_ID", c.ProConnectClientID, "a client id and PROCONNECT_CLIENT_SECRET when PROCONNECT_ISSUER is set")
		}
	}
	c.BaseURL = e.str("BASE_URL", "http://"+c.Addr)
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		e.fail("BASE_URL", c.BaseURL, "an http(s) URL such as https://vivier.example.gouv.fr")
	} else {
		c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
		c.CookieSecure = e.bool("COOKIE_SECURE", u.Scheme == "https")
		def := ""
		if u.Scheme == "https" {
			def = "https://api-adresse.data.gouv.fr"
		}
		c.GeocoderURL = strings.TrimSuffix(e.str("GEOCODER_URL", def), "/")
		if c.GeocoderURL == "off" {
			c.GeocoderURL = ""
		} else if g, err := url.Parse(c.GeocoderURL); c.GeocoderURL != "" && (err != nil || (g.Scheme != "https" && g.Scheme != "http") || g.Host == "") {
			e.fail("GEOCODER_URL", c.GeocoderURL, "the http(s) URL of the Base Adresse Nationale's API, such as https://api-adresse.data.gouv.fr, or off")
		}
	}
	c.INGRESClientID, c.INGRESSecret = e.str("INGRES_CLIENT_ID", ""), e.str("INGRES_CLIENT_SECRET", "")
	c.PISTEOAuthURL = strings.TrimSuffix(e.str("PISTE_OAUTH_URL", "https://oauth.piste.gouv.fr"), "/")
	c.INGRESURL = strings.TrimSuffix(e.str("INGRES_URL", ""), "/")
	if c.INGRESClientID != "" {
		for _, v := range [][2]string{{"PISTE_OAUTH_URL", c.PISTEOAuthURL}, {"INGRES_URL", c.INGRESURL}} {
			if u, err := url.Parse(v[1]); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				e.fail(v[0], v[1], "an http(s) URL, required with INGRES_CLIENT_ID")
			}
		}
		if c.INGRESSecret == "" {
			e.fail("INGRES_CLIENT_SECRET", "", "the secret of INGRES_CLIENT_ID")
		}
	}
	c.EmbeddingsURL, c.EmbeddingsKey = e.str("EMBEDDINGS_URL", ""), e.str("EMBEDDINGS_KEY", "")
	c.EmbeddingsModel = e.str("EMBEDDINGS_MODEL", "openweight-embeddings")
	if u, err := url.Parse(c.EmbeddingsURL); c.EmbeddingsURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		e.fail("EMBEDDINGS_URL", c.EmbeddingsURL, "the http(s) URL of an embeddings endpoint, such as https://albert.api.etalab.gouv.fr/v1/embeddings")
	}
	// Redis keeps a finished task's record a day: past that, the worker
	// could not tell a finished task from a lost one.
	if c.OutboxRedelivery > 12*time.Hour {
		e.fail("OUTBOX_REDELIVERY_DELAY", c.OutboxRedelivery.String(), "a duration of at most 12h, such as 10m")
	}
	if _, _, err := net.SplitHostPort(c.MetricsAddr); c.MetricsAddr != "" && err != nil {
		e.fail("METRICS_ADDR", c.MetricsAddr, "host:port of a listener apart from ADDR, such as 127.0.0.1:9090")
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		e.fail("ADDR", c.Addr, "host:port, such as 127.0.0.1:8080 or :8080")
	}
	for _, name := range []string{"DATABASE_URL", "REDIS_URL", "SMTP_URL"} {
		if u, err := url.Parse(e.get(name)); e.get(name) != "" && (err != nil || u.Scheme == "" || u.Host == "") {
			e.fail(name, redactURL(e.get(name)), "a URL such as scheme://user:password@host:port/...")
		}
	}
	for _, p := range splitList(e.get("TRUSTED_PROXIES")) {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				e.fail("TRUSTED_PROXIES", p, "IP addresses or CIDR ranges, comma-separated")
				continue
			}
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	if len(e.errs) > 0 {
		return c, fmt.Errorf("configuration: %s", strings.Join(e.errs, "; "))
	}
	return c, nil
}

type env struct {
	get  func(string) string
	errs []string
}

func (e *env) fail(name, value, want string) {
	e.errs = append(e.errs, fmt.Sprintf("%s=%q is invalid: want %s", name, value, want))
}

func (e *env) str(name, def string) string {
	if v := strings.TrimSpace(e.get(name)); v != "" {
		return v
	}
	return def
}

func (e *env) int(name string, def, min, max int) int {
	v := strings.TrimSpace(e.get(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		e.fail(name, v, fmt.Sprintf("a whole number from %d to %d", min, max))
		return def
	}
	return n
}

func (e *env) bool(name string, def bool) bool {
	v := strings.TrimSpace(e.get(name))
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		e.fail(name, v, "true or false")
		return def
	}
	return b
}

func (e *env) duration(name string, def time.Duration) time.Duration {
	v := strings.TrimSpace(e.get(name))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		e.fail(name, v, "a positive duration such as 500ms, 30s or 2h")
		return def
	}
	return d
}

func (e *env) oneOf(name, def string, allowed ...string) string {
	v := strings.ToLower(strings.TrimSpace(e.get(name)))
	if v == "" {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	e.fail(name, v, "one of "+strings.Join(allowed, ", "))
	return def
}

// prefixes reads CIDR ranges; a lone address is its own range.
func (e *env) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range splitList(e.get(name)) {
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			a, aerr := netip.ParseAddr(p)
			if aerr != nil {
				e.fail(name, p, "CIDR ranges, comma-separated, such as 10.1.2.0/24,127.0.0.1/32")
				continue
			}
			pr = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, pr.Masked())
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// addr is ADDR; without it, a platform that gives the port in PORT (Procfile
// platforms, some container ones) routes to the container from outside, so
// the web app listens on every interface there.
func (e *env) addr() string {
	if v := e.str("ADDR", ""); v != "" {
		return v
	}
	if strings.TrimSpace(e.get("PORT")) != "" {
		return "0.0.0.0:" + strconv.Itoa(e.int("PORT", 0, 1, 65535))
	}
	return "127.0.0.1:8080"
}

// checkMetricsExposure refuses to serve a public instance whose /metrics
// anyone could read: over https the site faces the Internet, and the metrics
// tell its routes, traffic and queues. Either a token guards them or they
// live on a listener of their own that the operator keeps private.
func (c Config) checkMetricsExposure() error {
	if strings.HasPrefix(c.BaseURL, "https://") && c.MetricsToken == "" && c.MetricsAddr == "" {
		return fmt.Errorf("BASE_URL is https but /metrics would be open to all: set METRICS_TOKEN, or METRICS_ADDR to serve it on a private address")
	}
	return nil
}
