package main

import (
	"bytes"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"vivier"
)

// fileRoutes are the routes that take files (or, for the API, a batch of
// offers): only they accept a large body. Every other route takes a form or
// a small JSON document.
var fileRoutes = []string{
	"POST /offres/:id/postuler",
	"POST /employeurs/:slug/candidature-spontanee",
	"POST /offres/suggestions",
	"POST /suivi/:token/candidatures/:id/cv",
	"POST /suivi/:token/candidatures/:id/pieces",
	"POST /mobilite/profil",
	"POST /admin/:adm/offres/import",
	"POST /admin/:adm/offres/:offer/convocations/nouvelle",
	"POST /admin/:adm/offres/:offer/convocations/:session/modification",
	"POST /admin/:adm/marque/theme",
	"POST /admin/:adm/marque/blocs/:block",
	"POST /api/v1/offres/creer_modifier",
}

// bodyLimits gives each request the largest body its route takes.
type bodyLimits struct {
	large, small int
	routes       [][]string // method then path segments of fileRoutes
}

func newBodyLimits(large, small int) *bodyLimits {
	l := &bodyLimits{large: large, small: small}
	for _, r := range fileRoutes {
		method, path, _ := strings.Cut(r, " ")
		l.routes = append(l.routes, append([]string{method}, strings.Split(strings.Trim(path, "/"), "/")...))
	}
	return l
}

// limitFor matches like the router does by default: case-insensitive, a
// trailing slash ignored, ":name" for any one segment.
func (l *bodyLimits) limitFor(method, path string) int {
	segs := append([]string{method}, strings.Split(strings.Trim(path, "/"), "/")...)
	for _, r := range l.routes {
		if len(r) != len(segs) {
			continue
		}
		ok := true
		for i := range r {
			if !strings.HasPrefix(r[i], ":") && !strings.EqualFold(r[i], segs[i]) {
				ok = false
				break
			}
		}
		if ok {
			return l.large
		}
	}
	return l.small
}

// middleware reads the body, up to the route's limit, before anything else
// does. The server streams request bodies (fiber's StreamRequestBody), so a
// body announced too large is refused on its headers alone, and a chunked
// one as soon as it passes the limit: neither is kept in memory in full. A
// body within the limit is then read whole, so that what follows sees an
// ordinary request. A compressed body is refused: its size says nothing of
// what it inflates to.
func (l *bodyLimits) middleware(c *fiber.Ctx) error {
	limit := l.limitFor(c.Method(), c.Path())
	req := c.Request()
	if ce := strings.TrimSpace(string(req.Header.Peek(fiber.HeaderContentEncoding))); ce != "" && !strings.EqualFold(ce, "identity") {
		c.Context().SetConnectionClose()
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "Les données compressées ne sont pas acceptées : envoyez-les sans compression.")
	}
	if req.Header.ContentLength() > limit {
		return tooLarge(c, limit)
	}
	if !req.IsBodyStream() {
		if len(req.Body()) > limit {
			return tooLarge(c, limit)
		}
		return c.Next()
	}
	var buf bytes.Buffer
	if n := req.Header.ContentLength(); n > 0 {
		buf.Grow(n)
	}
	if _, err := buf.ReadFrom(io.LimitReader(c.Context().RequestBodyStream(), int64(limit)+1)); err != nil {
		c.Context().SetConnectionClose()
		return vivier.Errorf(vivier.EMALFORMED, "La requête n'a pas été reçue en entier.")
	}
	if buf.Len() > limit {
		return tooLarge(c, limit)
	}
	req.SetBodyRaw(buf.Bytes())
	return c.Next()
}

// closeUnread closes the connection of any request answered without its
// body read to the end, such as one that the router refuses before
// bodyLimits runs (an unknown method): with bodies streamed, what is left of
// it would otherwise be read as the next request on the connection, which
// behind a proxy that shares connections is another client's.
func closeUnread(app *fiber.App) {
	s := app.Server()
	next := s.Handler
	s.Handler = func(ctx *fasthttp.RequestCtx) {
		next(ctx)
		if ctx.Request.IsBodyStream() {
			ctx.SetConnectionClose()
		}
	}
}

// tooLarge refuses the request and closes the connection: the rest of the
// body is not read, so the connection cannot carry another request.
func tooLarge(c *fiber.Ctx, limit int) error {
	c.Context().SetConnectionClose()
	return vivier.Errorf(vivier.ETOOLARGE, "Les données envoyées sont trop volumineuses pour cette page (%s au plus).",
		vivier.FormatSize(int64(limit)))
}
