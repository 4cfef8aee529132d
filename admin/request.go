package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// What a handler needs of its request, in one place: who acts, in which
// administration, on which application, whether they may, and how the
// request ends. Numbers in the path, the query or a form are read with
// templates.ParamID, QueryID, FormID and FormNumber: a malformed one is an
// error with a French message, never a silent 0.

// currentAgent is the signed-in agent (loadAgent), nil for a visitor.
func currentAgent(c *fiber.Ctx) *vivier.Agent {
	a, _ := c.Locals(templates.LocalAgent).(*vivier.Agent)
	return a
}

// currentAdministration is the administration of the route's :adm, once
// authorize has let the agent in.
func currentAdministration(c *fiber.Ctx) *vivier.Administration {
	a, _ := c.Locals(localAdministration).(*vivier.Administration)
	return a
}

// currentApplication is the route's application, checked by withinReach.
func currentApplication(c *fiber.Ctx) (int64, error) {
	id, ok := c.Locals(localApplication).(int64)
	if !ok {
		return 0, vivier.Errorf(vivier.EINTERNAL, "admin: %s has no checked application", c.Route().Path)
	}
	return id, nil
}

// actor is who the audit log records for a change.
func actor(c *fiber.Ctx) vivier.Actor {
	a := vivier.Actor{IP: templates.ClientIP(c)}
	if ag := currentAgent(c); ag != nil {
		a.AgentID, a.Email = ag.ID, ag.Email
	}
	return a
}

// can reports whether the agent holds a permission in the current
// administration: what a page offers beyond what its route requires.
func (h *Handler) can(c *fiber.Ctx, p policies.Permission) bool {
	ok, _ := h.Policies.Allowed(currentAgent(c).ID, currentAdministration(c).ID, p)
	return ok
}

func offerParam(c *fiber.Ctx) (int64, error) {
	return templates.ParamID(c, "offer")
}

func agentParam(c *fiber.Ctx) (int64, error) {
	return templates.ParamID(c, "agent")
}

// formIDs reads the ids ticked in a form's field name (checkboxes, a
// multiple select): a malformed one refuses the field with msg rather than
// being dropped.
func formIDs(c *fiber.Ctx, name, msg string) ([]int64, error) {
	var ids []int64
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		id, ok := templates.ParseID(string(v))
		if !ok {
			return nil, vivier.FieldError(name, msg)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// fieldOf names the form field an error is about, if any: such an error
// refuses the form, which is shown again with it.
func fieldOf(err error) string {
	var e *vivier.Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// flash keeps a message for the next page the agent sees (after a redirect).
func (h *Handler) flash(c *fiber.Ctx, msg string) error {
	sess, err := h.Sessions.Get(c)
	if err != nil {
		return err
	}
	sess.Set(sessionFlashKey, msg)
	return sess.Save()
}

// back redirects after a change, with a message for the next page.
func (h *Handler) back(c *fiber.Ctx, to, msg string) error {
	if err := h.flash(c, msg); err != nil {
		return err
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// finish ends a form's handler on the outcome of its change: done, back to
// `to` with msg; refused on a field, the form again through redo, which
// shows err beside that field; anything else, the error page.
func (h *Handler) finish(c *fiber.Ctx, err error, redo func(error) error, to, msg string) error {
	if fieldOf(err) != "" {
		return redo(err)
	}
	if err != nil {
		return err
	}
	return h.back(c, to, msg)
}

// finishOrShow is finish for the screens that list what a form changes
// (steps, talent pool, duplicates): a change refused as invalid or in
// conflict, field or not, shows the screen again with its message, and the
// status of its code.
func (h *Handler) finishOrShow(c *fiber.Ctx, err error, show func(c *fiber.Ctx, status int, err error) error, to, msg string) error {
	if code := vivier.ErrorCode(err); code == vivier.EINVALID || code == vivier.ECONFLICT {
		return show(c, templates.StatusFor(code), err)
	}
	if err != nil {
		return err
	}
	return h.back(c, to, msg)
}
