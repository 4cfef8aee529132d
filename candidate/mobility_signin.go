package candidate

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// Signing in to the public agents' mobility space (/mobilite). An agent
// types their professional address; the worker sends a link only to a
// public agent's (a .gouv.fr domain, one an administration lists, or a
// back-office agent's), and the page says the same whether the address is
// known or not. The link opens a page whose button (POST + CSRF) signs in:
// a mail scanner opening it changes nothing. The session's cookie is a
// random token whose digest only is kept (mobility_sessions).

// mobilityCookie is the session cookie of the mobility space.
const mobilityCookie = "vivier_mobilite"

// localMobilityAgent is where the signed-in mobility agent is kept in a
// request.
const localMobilityAgent = "mobility_agent"

const mobilityHome = "/mobilite"

func (h *Handler) registerMobility(r fiber.Router) {
	r.Get("/mobilite/connexion", h.CSRF, h.mobilityAsk)
	r.Post("/mobilite/connexion", h.CSRF, h.mobilityRequest)
	r.Get("/mobilite/connexion/:token", h.CSRF, h.mobilityLinkPage)
	r.Post("/mobilite/connexion/:token", h.mobilitySignIn) // checked by the global CSRF check
	r.Get("/mobilite/proconnect", h.mobilityProConnectStart)
	r.Get("/mobilite/proconnect/retour", h.mobilityProConnectReturn)
	r.Post("/mobilite/deconnexion", h.mobilitySignOut)
	r.Get("/mobilite", h.requireMobility, h.CSRF, h.mobilityHomePage)
	r.Get("/mobilite/profil", h.requireMobility, h.CSRF, h.mobilityProfileForm)
	r.Post("/mobilite/profil", h.requireMobility, h.CSRF, h.mobilityProfileSave)
	r.Post("/mobilite/profil/prolongation", h.requireMobility, h.mobilityProfileRenew)
	r.Post("/mobilite/suppression", h.requireMobility, h.mobilityErase)
	r.Post("/mobilite/invitations/:id/reponse", h.requireMobility, h.mobilityAnswer)
}

// mobilityAskPage asks for a sign-in link.
type mobilityAskPage struct {
	templates.Page
	Email      string
	Return     string
	Sent       bool
	ProConnect bool
}

// safeMobilityReturn keeps a return path on this site: the space itself or
// an offer (a reserved offer sends there to sign in).
func safeMobilityReturn(ret string) string {
	if (ret == mobilityHome || strings.HasPrefix(ret, mobilityHome+"/") || strings.HasPrefix(ret, "/offres/")) &&
		!strings.HasPrefix(ret, "//") && !strings.ContainsAny(ret, "\\\r\n") {
		return ret
	}
	return mobilityHome
}

// mobilitySignInURL is the sign-in page that leads back to ret.
func mobilitySignInURL(ret string) string {
	return "/mobilite/connexion?retour=" + url.QueryEscape(safeMobilityReturn(ret))
}

func (h *Handler) mobilityAsk(c *fiber.Ctx) error {
	private(c)
	if h.mobilityAgent(c) != nil {
		return c.Redirect(safeMobilityReturn(c.Query("retour")), fiber.StatusSeeOther)
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/mobility_ask",
		&mobilityAskPage{Return: safeMobilityReturn(c.Query("retour")), ProConnect: h.proConnectOn()})
}

func (h *Handler) mobilityRequest(c *fiber.Ctx) error {
	private(c)
	p := &mobilityAskPage{Email: c.FormValue("email"), Return: safeMobilityReturn(c.FormValue("retour")), ProConnect: h.proConnectOn()}
	email, err := vivier.ParseEmail(p.Email)
	f := form{name: "candidate/mobility_ask", summary: "L'adresse électronique n'est pas valide.", field: "email",
		page: func() (templates.Model, error) { return p, nil }}
	return h.finish(c, err, f, func() error {
		if err := h.allow(c, time.Hour, "Trop de demandes de lien en peu de temps. Patientez une heure avant de réessayer.",
			clientLimit(c, "mobility", 20), emailLimit("mobility", email, 5)); err != nil {
			return err
		}
		public, err := h.Store.PublicDomain(c.UserContext(), email)
		if err != nil {
			return err
		}
		if err := h.Store.RequestMobilityLink(c.UserContext(), email, p.Return); err != nil {
			return err
		}
		p.Sent = true
		if public {
			p.Flash = "Un lien de connexion vient d'être envoyé à " + email + ". Il est valable une heure et ne sert qu'une fois. Pensez à regarder dans les courriers indésirables."
		} else {
			p.Flash = "Si cette adresse est celle d'un agent public connu de Vivier, un lien de connexion vient d'y être envoyé. " +
				"Sinon, utilisez votre adresse professionnelle : une adresse en .gouv.fr ou d'une administration inscrite sur Vivier."
		}
		return h.Renderer.Page(c, fiber.StatusOK, "candidate/mobility_ask", p)
	})
}

// mobilityLinkPage shows the button that signs in; opening the link
// changes nothing.
func (h *Handler) mobilityLinkPage(c *fiber.Ctx) error {
	private(c)
	email, err := h.Store.MobilityLinkEmail(c.UserContext(), c.Params("token"))
	if err != nil {
		return h.mobilityLinkError(c, err)
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/alert_status", &alertStatusPage{
		Title: "Se connecter à l'espace mobilité", Action: "/mobilite/connexion/" + c.Params("token"), Button: "Me connecter",
		Message: "Vous allez vous connecter à l'espace mobilité des agents publics avec l'adresse " + email + "."})
}

func (h *Handler) mobilitySignIn(c *fiber.Ctx) error {
	private(c)
	_, cookie, ret, err := h.Store.UseMobilityLink(c.UserContext(), c.Params("token"))
	if err != nil {
		return h.mobilityLinkError(c, err)
	}
	h.setMobilityCookie(c, cookie)
	return c.Redirect(safeMobilityReturn(ret), fiber.StatusSeeOther)
}

// mobilityLinkError shows the ask form again with why a link no longer
// works (404).
func (h *Handler) mobilityLinkError(c *fiber.Ctx, err error) error {
	if vivier.ErrorCode(err) != vivier.ENOTFOUND {
		return err
	}
	p := &mobilityAskPage{Return: mobilityHome, ProConnect: h.proConnectOn()}
	p.Refuse(vivier.ErrorMessage(err), "", err)
	return h.Renderer.Page(c, fiber.StatusNotFound, "candidate/mobility_ask", p)
}

func (h *Handler) setMobilityCookie(c *fiber.Ctx, value string) {
	ck := &fiber.Cookie{Name: h.mobilityCookieName(), Value: value, Path: "/", HTTPOnly: true, Secure: h.CookieSecure,
		SameSite: fiber.CookieSameSiteLaxMode, MaxAge: int(vivier.MobilitySessionIdle.Seconds())}
	if value == "" {
		ck.MaxAge, ck.Expires = -1, time.Unix(0, 0)
	}
	c.Cookie(ck)
}

// mobilityCookieName is bound to this host over https (__Host-), as the
// other cookies are.
func (h *Handler) mobilityCookieName() string {
	if h.CookieSecure {
		return "__Host-" + mobilityCookie
	}
	return mobilityCookie
}

// mobilityAgent returns the signed-in mobility agent, if any, reading the
// session once per request.
func (h *Handler) mobilityAgent(c *fiber.Ctx) *vivier.MobilityAgent {
	if a, ok := c.Locals(localMobilityAgent).(*vivier.MobilityAgent); ok {
		return a
	}
	cookie := c.Cookies(h.mobilityCookieName())
	if cookie == "" {
		return nil
	}
	a, err := h.Store.MobilitySession(c.UserContext(), cookie)
	if err != nil {
		if vivier.ErrorCode(err) != vivier.ENOTFOUND {
			h.Log.WarnContext(c.UserContext(), "mobility session", "err", err)
		}
		return nil
	}
	c.Locals(localMobilityAgent, a)
	return a
}

// requireMobility sends visitors who are not signed in to the space's
// sign-in page, which brings them back.
func (h *Handler) requireMobility(c *fiber.Ctx) error {
	private(c)
	if h.mobilityAgent(c) == nil {
		if c.Method() != fiber.MethodGet {
			return vivier.Errorf(vivier.EUNAUTHORIZED, "Votre session de l'espace mobilité a expiré. Connectez-vous pour continuer.")
		}
		return c.Redirect(mobilitySignInURL(c.OriginalURL()), fiber.StatusSeeOther)
	}
	// The cookie lives as long as the session may: 30 days from its last use.
	h.setMobilityCookie(c, c.Cookies(h.mobilityCookieName()))
	return c.Next()
}

func (h *Handler) mobilitySignOut(c *fiber.Ctx) error {
	if cookie := c.Cookies(h.mobilityCookieName()); cookie != "" {
		if err := h.Store.EndMobilitySession(c.UserContext(), cookie); err != nil {
			return err
		}
	}
	h.setMobilityCookie(c, "")
	return c.Redirect("/mobilite/connexion", fiber.StatusSeeOther)
}
