package admin

import (
	"strings"

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

func (h *Handler) loginForm(c *fiber.Ctx) error {
	if currentAgent(c) != nil {
		return c.Redirect("/admin/", fiber.StatusSeeOther)
	}
	return h.Renderer.Page(c, fiber.StatusOK, "admin/login", nil)
}

func (h *Handler) login(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	password := c.FormValue("password")
	fail := func(status int, msg string, fields map[string]string) error {
		return h.Renderer.Page(c, status, "admin/login", templates.Map{"Error": msg, "Email": email, "Fields": fields})
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
	ok := vivier.CheckPassword(password, hash)
	if agent == nil || agent.PasswordHash == "" || !ok || agent.Status != "active" {
		h.Log.InfoContext(c.UserContext(), "sign-in refused", "ip", templates.ClientIP(c))
		return fail(fiber.StatusUnauthorized, badCredentials, nil)
	}
	sess, err := h.Sessions.Get(c)
	if err != nil {
		return err
	}
	// A new session id at sign-in: an id planted before cannot be reused.
	if err := sess.Regenerate(); err != nil {
		return err
	}
	sess.Set(sessionAgentKey, agent.ID)
	if err := sess.Save(); err != nil {
		return err
	}
	// A new CSRF token too: the page after sign-in issues it.
	if ch, ok := c.Locals(csrfHandlerKey).(*csrf.CSRFHandler); ok {
		if err := ch.DeleteToken(c); err != nil {
			return err
		}
	}
	if err := h.Store.RecordSignIn(c.UserContext(), agent.ID); err != nil {
		return err
	}
	h.Log.InfoContext(c.UserContext(), "sign-in", "agent_id", agent.ID, "ip", templates.ClientIP(c))
	return c.Redirect("/admin/", fiber.StatusSeeOther)
}

func (h *Handler) logout(c *fiber.Ctx) error {
	sess, err := h.Sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	return c.Redirect("/admin/connexion", fiber.StatusSeeOther)
}

func (h *Handler) home(c *fiber.Ctx) error {
	return h.Renderer.Page(c, fiber.StatusOK, "admin/home", nil)
}
