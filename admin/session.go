package admin

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

const (
	sessionAgentKey    = "agent_id"
	sessionSignedInKey = "signed_in_at"
	sessionFlashKey    = "flash"
)

// loadAgent puts the signed-in agent, if any, in the request's locals, and
// ends sessions past their absolute lifetime or of a disabled agent.
func (h *Handler) loadAgent(c *fiber.Ctx) error {
	sess, err := h.Sessions.Get(c)
	if err != nil {
		return err
	}
	if sess.Fresh() {
		return c.Next() // no session cookie: nothing to load, nothing to store
	}
	id, ok := sess.Get(sessionAgentKey).(int64)
	if !ok {
		return c.Next()
	}
	signedIn, _ := sess.Get(sessionSignedInKey).(int64)
	if time.Since(time.Unix(signedIn, 0)) > h.SessionMaxAge {
		_ = sess.Destroy()
		return c.Next()
	}
	agent, err := h.Store.AgentByID(c.UserContext(), id)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND || (err == nil && agent.Status != "active") {
		_ = sess.Destroy()
		return c.Next()
	}
	if err != nil {
		return err
	}
	c.Locals(templates.LocalAgent, agent)
	if msg, ok := sess.Get(sessionFlashKey).(string); ok {
		c.Locals("flash", msg)
		sess.Delete(sessionFlashKey)
	}
	// Saving renews the idle timeout.
	if err := sess.Save(); err != nil {
		return err
	}
	return c.Next()
}

// requireAgent sends visitors who are not signed in to the sign-in page,
// which brings them back afterwards.
func (h *Handler) requireAgent(c *fiber.Ctx) error {
	if currentAgent(c) == nil {
		if c.Method() != fiber.MethodGet {
			return vivier.Errorf(vivier.EUNAUTHORIZED, "Votre session a expiré. Connectez-vous pour continuer.")
		}
		return c.Redirect(signInURL+"?retour="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	return c.Next()
}
