package admin

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/csrf"

	"vivier"
	"vivier/templates"
)

// badCredentials is the one answer to every failed sign-in: it never tells
// whether the email belongs to an account.
const badCredentials = "Adresse électronique ou mot de passe incorrect."

// csrfHandlerKey is where Fiber's CSRF middleware leaves its handler.
const csrfHandlerKey = "fiber.csrf.handler"

// Attempts allowed per account (known or not, so that the lock-out itself
// tells nothing) before the account is locked for the rest of the window.
const (
	accountAttempts = 10
	accountWindow   = 15 * time.Minute
)

func (h *Handler) loginForm(c *fiber.Ctx) error {
	if currentAgent(c) != nil {
		return c.Redirect(safeReturn(c.Query("retour")), fiber.StatusSeeOther)
	}
	return h.page(c, fiber.StatusOK, "admin/login", &loginPage{Return: c.Query("retour"), ProConnect: h.ProConnect.Enabled()})
}

// loginPage is the sign-in form.
type loginPage struct {
	templates.Page
	Email      string
	Return     string // the page to go back to once signed in
	ProConnect bool   // the ProConnect button is offered
}

func (h *Handler) login(c *fiber.Ctx) error {
	email := strings.ToLower(strings.TrimSpace(c.FormValue("email")))
	password := c.FormValue("password")
	ret := c.FormValue("retour")
	fail := func(status int, msg string, fields map[string]string) error {
		p := &loginPage{Email: email, Return: ret, ProConnect: h.ProConnect.Enabled()}
		p.RefuseFields(msg, fields)
		return h.page(c, status, "admin/login", p)
	}
	if email == "" || password == "" {
		fields := map[string]string{}
		if email == "" {
			fields["email"] = "Saisissez votre adresse électronique."
		}
		if password == "" {
			fields["password"] = "Saisissez votre mot de passe."
		}
		return fail(fiber.StatusUnprocessableEntity, "Le formulaire comporte des erreurs.", fields)
	}
	ok, retry, err := h.Limiter.Allow(c.UserContext(), accountKey("signin", email), accountAttempts, accountWindow)
	if err != nil {
		return err
	}
	if !ok {
		h.auditFailure(c, email, "agent.locked")
		minutes := int(retry.Minutes()) + 1
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(retry.Seconds())+1))
		return fail(fiber.StatusTooManyRequests, "Trop de tentatives de connexion pour ce compte. Il est bloqué pendant "+
			strconv.Itoa(minutes)+" minute(s). Vous pouvez aussi choisir un nouveau mot de passe.", nil)
	}
	if len(password) > 4*vivier.PasswordMaxLength {
		return fail(fiber.StatusUnauthorized, badCredentials, nil)
	}
	agent, err := h.Store.AgentByEmail(c.UserContext(), email)
	if err != nil && vivier.ErrorCode(err) != vivier.ENOTFOUND {
		return err
	}
	hash := h.dummyHash
	if agent != nil && agent.PasswordHash != "" {
		hash = agent.PasswordHash
	}
	// The hash is checked even for an unknown email, so that the answer
	// takes as long either way.
	match := vivier.CheckPassword(password, hash)
	if agent == nil || agent.PasswordHash == "" || !match || agent.Status != "active" {
		h.Log.InfoContext(c.UserContext(), "sign-in refused", "ip", templates.ClientIP(c))
		if agent != nil {
			h.auditFailure(c, email, "agent.sign_in_failed")
		}
		return fail(fiber.StatusUnauthorized, badCredentials, nil)
	}
	return h.startSession(c, agent, ret)
}

// startSession signs the agent in, whatever the way in (password,
// ProConnect): a new session id, bound to the agent, a new CSRF token, an
// audit entry, then the page to return to.
func (h *Handler) startSession(c *fiber.Ctx, agent *vivier.Agent, ret string) error {
	sess, err := h.Sessions.Get(c)
	if err != nil {
		return err
	}
	// A new session id at sign-in: an id planted before cannot be reused.
	if err := sess.Regenerate(); err != nil {
		return err
	}
	sess.Set(sessionAgentKey, agent.ID)
	sess.Set(sessionSignedInKey, time.Now().Unix())
	id := sess.ID() // Save hands the session back to Fiber's pool: read it first
	if err := sess.Save(); err != nil {
		return err
	}
	if err := h.Store.BindSession(c.UserContext(), id, agent.ID, templates.ClientIP(c), c.Get(fiber.HeaderUserAgent)); err != nil {
		return err
	}
	// A new CSRF token too: the page after sign-in issues it.
	if ch, ok := c.Locals(csrfHandlerKey).(*csrf.CSRFHandler); ok {
		if err := ch.DeleteToken(c); err != nil {
			return err
		}
	}
	if err := h.Store.RecordSignIn(c.UserContext(), vivier.Actor{AgentID: agent.ID, Email: agent.Email, IP: templates.ClientIP(c)}); err != nil {
		return err
	}
	h.Log.InfoContext(c.UserContext(), "sign-in", "agent_id", agent.ID, "ip", templates.ClientIP(c))
	return c.Redirect(safeReturn(ret), fiber.StatusSeeOther)
}

// auditFailure logs a refused sign-in of an existing account for its
// administrators. A failure to log does not change the answer.
func (h *Handler) auditFailure(c *fiber.Ctx, email, action string) {
	agent, err := h.Store.AgentByEmail(c.UserContext(), email)
	if err != nil {
		return
	}
	if err := h.Store.RecordSignInFailure(c.UserContext(), vivier.Actor{AgentID: agent.ID, Email: agent.Email, IP: templates.ClientIP(c)}, action); err != nil {
		h.Log.ErrorContext(c.UserContext(), "audit sign-in failure", "err", err)
	}
}

// accountKey names the counter of an account's attempts at purpose. The
// address is digested, so that Redis holds no list of addresses, and
// normalised, so that "A@x.fr" and "a@x.fr" share one count.
func accountKey(purpose, email string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return purpose + ":account:" + hex.EncodeToString(sum[:12])
}

// safeReturn keeps the page to return to after sign-in within the
// back-office: never another site.
func safeReturn(ret string) string {
	if strings.HasPrefix(ret, "/admin/") && !strings.HasPrefix(ret, "//") && !strings.ContainsAny(ret, "\\\r\n") {
		return ret
	}
	return "/admin/"
}

func (h *Handler) logout(c *fiber.Ctx) error {
	sess, err := h.Sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	return c.Redirect(signInURL, fiber.StatusSeeOther)
}
