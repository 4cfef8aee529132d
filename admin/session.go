package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

const sessionAgentKey = "agent_id"

// loadAgent puts the signed-in agent, if any, in the request's locals.
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
	agent, err := h.Store.AgentByID(c.UserContext(), id)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND || (err == nil && agent.Status != "active") {
		_ = sess.Destroy()
		return c.Next()
	}
	if err != nil {
		return err
	}
	c.Locals(templates.LocalAgent, agent)
	// Saving renews the idle timeout.
	if err := sess.Save(); err != nil {
		return err
	}
	return c.Next()
}

func currentAgent(c *fiber.Ctx) *vivier.Agent {
	a, _ := c.Locals(templates.LocalAgent).(*vivier.Agent)
	return a
}

// requireAgent sends visitors who are not signed in to the sign-in page.
func (h *Handler) requireAgent(c *fiber.Ctx) error {
	if currentAgent(c) == nil {
		return c.Redirect("/admin/connexion", fiber.StatusSeeOther)
	}
	return c.Next()
}
