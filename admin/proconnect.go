package admin

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gofiber/fiber/v2"
	"golang.org/x/oauth2"

	"vivier"
)

// ProConnect is the State's OpenID Connect sign-in for agents. It is a second
// way in to the same accounts: an agent is found by the email the provider
// vouches for, must already exist (invited) and be active, and from then on is
// known by Vivier's own id, as with a password. Nothing else changes.
type ProConnect struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	RedirectURL  string // BASE_URL + /admin/proconnect/retour
	// MobilityRedirectURL is the public agents' mobility space's return
	// (BASE_URL + /mobilite/proconnect/retour), registered with ProConnect
	// beside the back-office's.
	MobilityRedirectURL string

	mu       sync.Mutex
	provider *oidc.Provider // discovered on first use, then kept
}

// Enabled reports whether ProConnect is configured.
func (p *ProConnect) Enabled() bool { return p != nil && p.Issuer != "" && p.ClientID != "" }

// discover returns the provider and the client's configuration for
// redirect, the URL ProConnect sends back to (the back-office's or the
// mobility space's).
func (p *ProConnect) discover(ctx context.Context, redirect string) (*oidc.Provider, *oauth2.Config, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider == nil {
		pr, err := oidc.NewProvider(ctx, p.Issuer)
		if err != nil {
			return nil, nil, err
		}
		p.provider = pr
	}
	return p.provider, &oauth2.Config{
		ClientID: p.ClientID, ClientSecret: p.ClientSecret, RedirectURL: redirect,
		Endpoint: p.provider.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "email", "given_name", "usual_name"},
	}, nil
}

const (
	sessionOIDCState  = "oidc_state"
	sessionOIDCNonce  = "oidc_nonce"
	sessionOIDCReturn = "oidc_return"
)

var errNoProConnect = vivier.Errorf(vivier.ENOTFOUND, "La connexion avec ProConnect n'est pas proposée sur ce service : connectez-vous avec votre mot de passe.")

var errProConnect = vivier.Errorf(vivier.EUNAVAILABLE, "La connexion avec ProConnect n'a pas abouti. Réessayez, ou connectez-vous avec votre mot de passe.")

// proconnectStart sends the agent to ProConnect, with a state and a nonce
// kept in the session to check the answer.
func (h *Handler) proconnectStart(c *fiber.Ctx) error {
	if !h.ProConnect.Enabled() {
		return errNoProConnect
	}
	_, cfg, err := h.ProConnect.discover(c.UserContext(), h.ProConnect.RedirectURL)
	if err != nil {
		h.Log.ErrorContext(c.UserContext(), "proconnect discovery", "err", err)
		return errProConnect
	}
	sess, err := h.Sessions.Get(c)
	if err != nil {
		return err
	}
	state, _ := vivier.NewToken()
	nonce, _ := vivier.NewToken()
	sess.Set(sessionOIDCState, state)
	sess.Set(sessionOIDCNonce, nonce)
	sess.Set(sessionOIDCReturn, safeReturn(c.Query("retour")))
	if err := sess.Save(); err != nil {
		return err
	}
	return c.Redirect(cfg.AuthCodeURL(state, oidc.Nonce(nonce)), fiber.StatusSeeOther)
}

// proconnectReturn checks ProConnect's answer and signs the agent in.
func (h *Handler) proconnectReturn(c *fiber.Ctx) error {
	if !h.ProConnect.Enabled() {
		return errNoProConnect
	}
	ctx := c.UserContext()
	sess, err := h.Sessions.Get(c)
	if err != nil {
		return err
	}
	state, _ := sess.Get(sessionOIDCState).(string)
	nonce, _ := sess.Get(sessionOIDCNonce).(string)
	ret, _ := sess.Get(sessionOIDCReturn).(string)
	sess.Delete(sessionOIDCState)
	sess.Delete(sessionOIDCNonce)
	sess.Delete(sessionOIDCReturn)
	if err := sess.Save(); err != nil {
		return err
	}
	if state == "" || c.Query("state") != state || c.Query("error") != "" || c.Query("code") == "" {
		h.Log.InfoContext(ctx, "proconnect: refused answer", "error", c.Query("error"))
		return errProConnect
	}
	email, err := h.ProConnect.VerifiedEmail(ctx, h.ProConnect.RedirectURL, c.Query("code"), nonce)
	if err != nil {
		h.Log.WarnContext(ctx, "proconnect", "err", err)
		return errProConnect
	}
	agent, err := h.Store.AgentByEmail(ctx, email)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND || (err == nil && agent.Status != "active") {
		p := &messagePage{Title: "Aucun compte pour cette adresse",
			Text: "ProConnect vous a identifié avec l'adresse " + email + ", mais aucun compte actif de l'espace recruteur ne lui correspond. " +
				"Demandez une invitation à l'administrateur de votre administration.",
			Link: signInURL, LinkText: "Retour à la connexion"}
		p.RefuseFields("Aucun compte", nil)
		return h.page(c, fiber.StatusForbidden, "admin/message", p)
	}
	if err != nil {
		return err
	}
	return h.startSession(c, agent, ret)
}

// MobilityRedirect is where ProConnect sends the mobility space's sign-ins
// back.
func (p *ProConnect) MobilityRedirect() string { return p.MobilityRedirectURL }

// AuthURL is where to send a browser to sign in with ProConnect, coming back
// to redirect with state and a token bound to nonce.
func (p *ProConnect) AuthURL(ctx context.Context, redirect, state, nonce string) (string, error) {
	_, cfg, err := p.discover(ctx, redirect)
	if err != nil {
		return "", err
	}
	return cfg.AuthCodeURL(state, oidc.Nonce(nonce)), nil
}

// VerifiedEmail exchanges the code ProConnect sent back to redirect and
// returns the address its signed ID token (bound to nonce) vouches for,
// from the user info when the token does not carry it.
func (p *ProConnect) VerifiedEmail(ctx context.Context, redirect, code, nonce string) (string, error) {
	provider, cfg, err := p.discover(ctx, redirect)
	if err != nil {
		return "", err
	}
	tok, err := cfg.Exchange(ctx, code)
	if err != nil {
		return "", fmt.Errorf("code exchange: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: p.ClientID}).Verify(ctx, raw)
	if err != nil {
		return "", fmt.Errorf("id token: %w", err)
	}
	if idt.Nonce != nonce {
		return "", errors.New("id token: nonce does not match")
	}
	var claims struct {
		Email string `json:"email"`
	}
	if err := idt.Claims(&claims); err != nil || claims.Email == "" {
		info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			return "", fmt.Errorf("userinfo: %w", err)
		}
		claims.Email = info.Email
	}
	if claims.Email == "" {
		return "", errors.New("no email")
	}
	return claims.Email, nil
}
