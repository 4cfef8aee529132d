package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/csrf"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/gofiber/fiber/v2/middleware/session"
	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"

	"vivier"
	"vivier/admin"
	"vivier/admin/api"
	"vivier/candidate"
	"vivier/jobs"
	"vivier/templates"
)

// contentSecurityPolicy allows what the DSFR needs (its css, js, fonts and
// svg icons, all served by us; data: images in its css) and nothing else.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; frame-src 'none'; frame-ancestors 'none'; form-action 'self'; " +
	"base-uri 'self'; object-src 'none'"

// videoFrameSources are the players a brand page may embed: YouTube's
// privacy-enhanced domain and Dailymotion's player. PeerTube runs on many
// instances, so a page adds the ones it uses (templates.LocalFrameSources).
var videoFrameSources = []string{"https://www.youtube-nocookie.com", "https://geo.dailymotion.com"}

// framePolicy widens frame-src for a response whose page embeds video
// players, and only for it: every other page keeps frame-src 'none'.
func framePolicy(c *fiber.Ctx) error {
	err := c.Next()
	origins, _ := c.Locals(templates.LocalFrameSources).([]string)
	if len(origins) == 0 {
		return err
	}
	allowed := append([]string(nil), videoFrameSources...)
	for _, o := range origins {
		if !slices.Contains(allowed, o) {
			allowed = append(allowed, o)
		}
	}
	c.Set(fiber.HeaderContentSecurityPolicy, strings.Replace(contentSecurityPolicy, "frame-src 'none'",
		"frame-src "+strings.Join(allowed, " "), 1))
	return err
}

// newApp builds the web app: shared middleware, operations endpoints, static
// assets, then the public site and the back-office.
func (m *Main) newApp() (*fiber.App, error) {
	cfg := m.Config
	app := fiber.New(fiber.Config{
		AppName:               "vivier",
		ErrorHandler:          m.renderer.ErrorHandler(m.Log),
		BodyLimit:             cfg.BodyLimitMB << 20,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		// Every string a context method returns (method, path, params,
		// query and form values, headers, cookies) is a copy, not a view of
		// the buffer that the connection's next request reuses: a value kept
		// past the handler (a metrics label, a map, a goroutine, an error
		// kept for later) stays what it was. Measured in the README.
		Immutable: true,
		// X-Forwarded-Proto is believed from TRUSTED_PROXIES only (none by
		// default); the client's address comes from ClientIPMiddleware.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          cfg.TrustedProxies,

		// Bodies are streamed to bodyLimits, which reads each up to its
		// route's limit before anything parses it.
		StreamRequestBody:            true,
		DisablePreParseMultipartForm: true,
	})
	closeUnread(app)
	metrics := newMetrics(m)

	app.Use(requestid.New(requestid.Config{ContextKey: templates.LocalRequestID}))
	app.Use(func(c *fiber.Ctx) error {
		id, _ := c.Locals(templates.LocalRequestID).(string)
		c.SetUserContext(withRequestID(c.UserContext(), id))
		return c.Next()
	})
	app.Use(templates.ClientIPMiddleware(cfg.TrustedProxies))
	app.Use(metrics.middleware(m.Log))
	app.Use(recover.New(recover.Config{EnableStackTrace: true, StackTraceHandler: func(c *fiber.Ctx, e any) {
		m.Log.ErrorContext(c.UserContext(), "panic", "panic", e, "path", templates.LogPath(c))
	}}))
	app.Use(newBodyLimits(cfg.BodyLimitMB<<20, cfg.FormBodyLimitKB<<10).middleware)
	// Pages are compressed at the fastest level: most of the gain for a
	// fraction of the CPU, which pages share with their queries. Static
	// assets are compressed once, at build, at the best level.
	app.Use(compress.New(compress.Config{Level: compress.LevelBestSpeed,
		Next: func(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/static/") }}))
	app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy:     contentSecurityPolicy,
		XFrameOptions:             "DENY",
		HSTSMaxAge:                63072000, // sent over https only, which Fiber sees through a trusted proxy
		HSTSExcludeSubdomains:     true,
		ReferrerPolicy:            "strict-origin-when-cross-origin",
		PermissionPolicy:          "camera=(), microphone=(), geolocation=(), interest-cohort=()",
		CrossOriginEmbedderPolicy: "unsafe-none",
	}))
	app.Use(framePolicy)
	app.Use(newConformance(m.store).middleware)

	// Operations: no session, no CSRF.
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	app.Get("/readyz", m.readyz)
	if err := m.mountMetrics(app, metrics); err != nil {
		return nil, err
	}
	if err := m.mountStatic(app); err != nil {
		return nil, err
	}

	sessions := session.New(session.Config{
		Storage:        m.store.SessionStorage("session"),
		Expiration:     cfg.SessionIdleTimeout,
		KeyLookup:      "cookie:" + cookieName(cfg, "vivier_session"),
		CookieSecure:   cfg.CookieSecure,
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		CookiePath:     "/",
	})
	// CSRF: every state-changing request anywhere must carry a valid token
	// (verify, global); tokens are issued only by pages with forms (issue,
	// given to admin and candidate), so that browsing the public site writes
	// nothing to PostgreSQL.
	csrfConfig := csrf.Config{
		KeyLookup:      "form:_csrf",
		CookieName:     cookieName(cfg, "vivier_csrf"),
		CookiePath:     "/",
		CookieSecure:   cfg.CookieSecure,
		CookieHTTPOnly: true,
		CookieSameSite: "Lax",
		Expiration:     4 * time.Hour,
		Storage:        m.store.SessionStorage("csrf"),
		ContextKey:     templates.LocalCSRF,
		Extractor:      csrfFromFormOrHeader,
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			return vivier.Errorf(vivier.EFORBIDDEN, "Le formulaire a expiré ou n'a pas été envoyé depuis Vivier. Rechargez la page et recommencez.")
		},
	}
	issueCSRF := csrf.New(csrfConfig)
	verify := csrfConfig
	verify.Next = func(c *fiber.Ctx) bool {
		// The API sends no cookie and takes its bearer token from a
		// header, which a third-party page cannot make a browser send:
		// cross-site forgery does not apply there.
		if strings.HasPrefix(c.Path(), "/api/") {
			return true
		}
		// A mail client's one-click unsubscribe (RFC 8058) posts this body to
		// the link of the List-Unsubscribe header, without cookies; the
		// 256-bit token in the URL is the credential. The page's own button
		// sends the CSRF token and is checked.
		// The back-office digests' unsubscribe works the same way.
		if admin.OneClickUnsubscribe(c) || (strings.HasPrefix(c.Path(), "/alertes/desinscription/") && c.FormValue("List-Unsubscribe") == "One-Click" && c.FormValue("_csrf") == "") {
			return true
		}
		switch c.Method() {
		case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
			return true
		}
		return false
	}
	app.Use(csrf.New(verify))

	limiter := newRedisLimiter(m.redis, m.Log)
	limit := limitByIP(limiter, "sensitive", cfg.RateLimitPerMinute)
	// One ProConnect client: the back-office's sign-in and the mobility
	// space's (with its own return URL).
	proconnect := &admin.ProConnect{Issuer: cfg.ProConnectIssuer, ClientID: cfg.ProConnectClientID,
		ClientSecret: cfg.ProConnectSecret, RedirectURL: cfg.BaseURL + "/admin/proconnect/retour",
		MobilityRedirectURL: cfg.BaseURL + "/mobilite/proconnect/retour"}
	public, err := candidate.New(candidate.Deps{Store: m.store, Renderer: m.renderer, CSRF: issueCSRF, BaseURL: cfg.BaseURL, Log: m.Log,
		Files: m.files, UploadLimit: int64(cfg.UploadLimitMB) << 20, Limiter: limiter, ApplyPerHour: cfg.ApplyPerHour,
		SuggestPerMinute: cfg.SuggestPerMinute, OpenDataPerMinute: cfg.APIRatePerMinute,
		CookieSecure: cfg.CookieSecure, AgentSignIn: proconnect})
	if err != nil {
		return nil, err
	}
	if e := jobs.NewEmbeddings(cfg.embeddings(), m.store.OutboundPolicy()); e != nil {
		public.Embedder = e
	}
	public.Register(app)
	// Neither dials Redis before a page asks: the web app starts without it.
	m.tasks = asynq.NewInspector(m.redisOpt)
	m.monitor = asynqmon.New(asynqmon.Options{RootPath: "/admin/taches", RedisConnOpt: m.redisOpt, ReadOnly: true})
	back, err := admin.New(admin.Deps{Tasks: m.tasks, TaskMonitor: m.monitor, Store: m.store, Renderer: m.renderer, Sessions: sessions, Policies: m.policies,
		CSRF: issueCSRF, Limit: limit, Limiter: limiter, SessionMaxAge: cfg.SessionMaxAge, Log: m.Log, Files: m.files, BaseURL: cfg.BaseURL,
		CSP:        admin.CSP{Box: cfg.cspBox(), DefaultURL: cfg.CSPAPIURL},
		ProConnect: proconnect})
	if err != nil {
		return nil, err
	}
	if err := back.Register(app); err != nil {
		return nil, err
	}
	offersAPI, err := api.New(api.Deps{Store: m.store, Policies: m.policies, Limiter: limiter,
		RatePerMinute: cfg.APIRatePerMinute, BaseURL: cfg.BaseURL, Log: m.Log})
	if err != nil {
		return nil, err
	}
	offersAPI.Register(app)
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	if err := back.Verify(app); err != nil {
		return nil, err
	}
	m.store.ReserveSlugs(routeSlugs(app))
	m.admin = back
	return app, nil
}

// cookieName adds the __Host- prefix over https: such a cookie is bound to
// this host (no Domain) and path /, so a sibling subdomain cannot plant one.
func cookieName(cfg Config, name string) string {
	if cfg.CookieSecure {
		return "__Host-" + name
	}
	return name
}

// csrfFromFormOrHeader reads the token from the form field _csrf (HTML forms,
// multipart included) or the X-CSRF-Token header (fetch).
func csrfFromFormOrHeader(c *fiber.Ctx) (string, error) {
	if t := c.Get("X-CSRF-Token"); t != "" {
		return t, nil
	}
	if t := c.FormValue("_csrf"); t != "" {
		return t, nil
	}
	return "", errors.New("missing csrf token")
}

// mountStatic serves the embedded assets. Under the current version prefix
// they never change, so browsers may keep them a year; a page of an older
// release (during a deployment) still gets its files, cached briefly. Text
// assets are gzipped once, at start-up, not at each request.
func (m *Main) mountStatic(app *fiber.App) error {
	assets := m.renderer.Assets()
	type file struct{ plain, gz []byte }
	files := map[string]file{}
	err := fs.WalkDir(assets.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets.FS(), p)
		if err != nil {
			return err
		}
		f := file{plain: b}
		switch path.Ext(p) {
		case ".css", ".js", ".svg", ".webmanifest", ".md", ".ico":
			var buf bytes.Buffer
			zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			if err != nil {
				return err
			}
			if _, err := zw.Write(b); err != nil {
				return err
			}
			if err := zw.Close(); err != nil {
				return err
			}
			f.gz = buf.Bytes()
		}
		files[p] = f
		return nil
	})
	if err != nil {
		return fmt.Errorf("static assets: %w", err)
	}
	app.Get("/static/:version/*", func(c *fiber.Ctx) error {
		f, ok := files[c.Params("*")]
		if !ok {
			return fiber.ErrNotFound
		}
		if c.Params("version") == assets.Version() {
			c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		} else {
			c.Set(fiber.HeaderCacheControl, "public, max-age=300")
		}
		c.Type(strings.TrimPrefix(path.Ext(c.Params("*")), "."))
		if f.gz != nil {
			c.Vary(fiber.HeaderAcceptEncoding)
			if strings.Contains(c.Get(fiber.HeaderAcceptEncoding), "gzip") {
				c.Set(fiber.HeaderContentEncoding, "gzip")
				return c.Send(f.gz)
			}
		}
		return c.Send(f.plain)
	})
	return nil
}
