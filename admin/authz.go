package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

const localAdministration = "administration"

// authorize checks p in the administration named by :adm and puts it in the
// locals: handlers take its id from there, never from the form.
func (h *Handler) authorize(p policies.Permission) fiber.Handler {
	read := policies.DashboardRead
	return func(c *fiber.Ctx) error {
		agent := currentAgent(c)
		adm, err := h.Store.AdministrationBySlug(c.UserContext(), c.Params("adm"))
		if vivier.ErrorCode(err) == vivier.ENOTFOUND {
			return vivier.Errorf(vivier.ENOTFOUND, "Page introuvable.") // the same words as for a stranger below
		}
		if err != nil {
			return err
		}
		ok, err := h.Policies.Allowed(agent.ID, adm.ID, p)
		if err != nil {
			return err
		}
		if !ok {
			// Whoever has no role at all here does not learn that the
			// administration exists.
			if member, err := h.Policies.Allowed(agent.ID, adm.ID, read); err != nil || !member {
				return vivier.Errorf(vivier.ENOTFOUND, "Page introuvable.")
			}
			return vivier.Errorf(vivier.EFORBIDDEN, "Votre rôle dans cette administration ne permet pas cette action.")
		}
		if h.Policies.Suspended(adm.ID) {
			if onPlatform, _ := h.Policies.AllowedOnPlatform(agent.ID, policies.PlatformManage); !onPlatform {
				return vivier.Errorf(vivier.EFORBIDDEN, "Cette administration est suspendue. Contactez l'administrateur de la plateforme.")
			}
		}
		c.Locals(localAdministration, adm)
		if err := h.withinReach(c, adm); err != nil {
			return err
		}
		return c.Next()
	}
}

// localApplication holds the id of the route's :application once
// withinReach has found it within the agent's scope.
const localApplication = "vivier.application"

// withinReach is the one place that decides whether the agent may act on
// what the route names of the administration's applications, for every
// route: the application of :application, the applications an offer's
// route lists (:offer) and those a bulk form selects (ids). The store
// checks them against the administration and the agent's scope; what is
// outside is not found, as if it did not exist. Handlers take the
// application from currentApplication, never from the path, so that none
// acts on one this check has not seen.
func (h *Handler) withinReach(c *fiber.Ctx, adm *vivier.Administration) error {
	var sc *vivier.Scope
	scope := func() vivier.Scope { // read once, and only by the routes that need it
		if sc == nil {
			s := h.scope(c)
			sc = &s
		}
		return *sc
	}
	for _, name := range c.Route().Params {
		switch name {
		case "application":
			id, err := templates.ParamID(c, "application")
			if err != nil {
				return err
			}
			if err := h.Store.InScope(c.UserContext(), adm.ID, id, scope()); err != nil {
				return err
			}
			c.Locals(localApplication, id)
		case "offer":
			if !scope().Narrowed() {
				continue // the offer's handlers read it in the administration
			}
			id, err := templates.ParamID(c, "offer")
			if err != nil {
				return err
			}
			if err := h.Store.OfferInScope(c.UserContext(), adm.ID, id, scope()); err != nil {
				return err
			}
		}
	}
	if c.Method() != fiber.MethodPost {
		return nil
	}
	if ids := selectedIDs(c); len(ids) > 0 && scope().Narrowed() {
		// Bulk forms select among the administration's applications; the
		// store checks them there, and here against a narrowed scope.
		return h.Store.AllInScope(c.UserContext(), adm.ID, ids, scope())
	}
	return nil
}

// scope is what the agent may reach of the administration's applications:
// all of them with applications:read, else (a jury member, who reached the
// route with applications:read_assigned) those assigned to them.
func (h *Handler) scope(c *fiber.Ctx) vivier.Scope {
	if h.can(c, policies.ApplicationsRead) {
		return vivier.Scope{}
	}
	return vivier.Scope{AssignedTo: currentAgent(c).ID}
}

func (h *Handler) authorizePlatform(p policies.Permission) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ok, err := h.Policies.AllowedOnPlatform(currentAgent(c).ID, p)
		if err != nil {
			return err
		}
		if !ok {
			return vivier.Errorf(vivier.ENOTFOUND, "Page introuvable.")
		}
		return c.Next()
	}
}
