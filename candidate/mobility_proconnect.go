package candidate

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// AgentSignIn is the State's sign-in for agents (ProConnect), which the
// back-office implements (admin.ProConnect): the mobility space reuses it
// with its own return URL. ProConnect vouches for public agents, so any
// address it returns enters the space.
type AgentSignIn interface {
	Enabled() bool
	MobilityRedirect() string
	AuthURL(ctx context.Context, redirect, state, nonce string) (string, error)
	VerifiedEmail(ctx context.Context, redirect, code, nonce string) (string, error)
}

// mobilityOIDCCookie keeps the state and nonce of a ProConnect sign-in
// between the start and the return (ten minutes, this site only).
const mobilityOIDCCookie = "vivier_mobilite_oidc"

var errMobilityProConnect = vivier.Errorf(vivier.EUNAVAILABLE, "La connexion avec ProConnect n'a pas abouti. Réessayez, ou demandez un lien de connexion par courriel.")

func (h *Handler) proConnectOn() bool { return h.AgentSignIn != nil && h.AgentSignIn.Enabled() }

// mobilityProConnectRedirect is the space's return URL registered with
// ProConnect.
func (h *Handler) mobilityProConnectRedirect() string { return h.AgentSignIn.MobilityRedirect() }

func (h *Handler) mobilityProConnectStart(c *fiber.Ctx) error {
	if !h.proConnectOn() {
		return vivier.Errorf(vivier.ENOTFOUND, "La connexion avec ProConnect n'est pas proposée sur ce service : demandez un lien de connexion par courriel.")
	}
	if err := h.allow(c, time.Minute, "Trop de tentatives de connexion. Patientez une minute.", clientLimit(c, "mobility-oidc", 20)); err != nil {
		return err
	}
	state, _ := vivier.NewToken()
	nonce, _ := vivier.NewToken()
	u, err := h.AgentSignIn.AuthURL(c.UserContext(), h.mobilityProConnectRedirect(), state, nonce)
	if err != nil {
		h.Log.ErrorContext(c.UserContext(), "proconnect discovery", "err", err)
		return errMobilityProConnect
	}
	c.Cookie(&fiber.Cookie{Name: mobilityOIDCCookie, Value: state + "." + nonce + "." + safeMobilityReturn(c.Query("retour")),
		Path: "/mobilite/proconnect", HTTPOnly: true, Secure: h.CookieSecure, SameSite: fiber.CookieSameSiteLaxMode, MaxAge: 600})
	return c.Redirect(u, fiber.StatusSeeOther)
}

func (h *Handler) mobilityProConnectReturn(c *fiber.Ctx) error {
	private(c)
	if !h.proConnectOn() {
		return vivier.Errorf(vivier.ENOTFOUND, "La connexion avec ProConnect n'est pas proposée sur ce service.")
	}
	parts := strings.SplitN(c.Cookies(mobilityOIDCCookie), ".", 3)
	c.Cookie(&fiber.Cookie{Name: mobilityOIDCCookie, Path: "/mobilite/proconnect", MaxAge: -1, Expires: time.Unix(0, 0),
		HTTPOnly: true, Secure: h.CookieSecure, SameSite: fiber.CookieSameSiteLaxMode})
	if len(parts) != 3 || parts[0] == "" || c.Query("state") != parts[0] || c.Query("error") != "" || c.Query("code") == "" {
		h.Log.InfoContext(c.UserContext(), "mobility proconnect: refused answer", "error", c.Query("error"))
		return errMobilityProConnect
	}
	email, err := h.AgentSignIn.VerifiedEmail(c.UserContext(), h.mobilityProConnectRedirect(), c.Query("code"), parts[1])
	if err == nil {
		email, err = vivier.ParseEmail(email)
	}
	if err != nil {
		h.Log.WarnContext(c.UserContext(), "mobility proconnect", "err", err)
		return errMobilityProConnect
	}
	_, cookie, err := h.Store.StartMobilitySession(c.UserContext(), email)
	if err != nil {
		return err
	}
	h.setMobilityCookie(c, cookie)
	return c.Redirect(safeMobilityReturn(parts[2]), fiber.StatusSeeOther)
}
