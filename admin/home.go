package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// home sends an agent to their administration, or lets them choose among
// theirs ("mes administrations").
func (h *Handler) home(c *fiber.Ctx) error {
	agent := currentAgent(c)
	ms, err := h.Store.MembershipsOf(c.UserContext(), agent.ID)
	if err != nil {
		return err
	}
	onPlatform, err := h.Policies.AllowedOnPlatform(agent.ID, policies.PlatformManage)
	if err != nil {
		return err
	}
	var choices []homeChoice
	index := map[int64]int{}
	for _, m := range ms {
		i, ok := index[m.Administration.ID]
		if !ok {
			i = len(choices)
			index[m.Administration.ID] = i
			choices = append(choices, homeChoice{Administration: m.Administration})
		}
		choices[i].Roles = append(choices[i].Roles, m.Role.Label())
	}
	if len(choices) == 1 && !onPlatform {
		return c.Redirect(admURL(&choices[0].Administration, ""), fiber.StatusSeeOther)
	}
	p := &homePage{Choices: choices, Platform: onPlatform}
	if onPlatform {
		p.FailedTasks = h.failedCount(c)
	}
	return h.page(c, fiber.StatusOK, "admin/home", p)
}

// homePage lets an agent choose among their administrations ("mes
// administrations"), and platform administrators reach the platform.
type homePage struct {
	templates.Page
	Choices     []homeChoice
	Platform    bool
	FailedTasks int // for platform administrators
}

type homeChoice struct {
	Administration vivier.Administration
	Roles          []string // the agent's roles there, in French
}

// dashboardPage is an administration's home: what waits for the agent,
// its directions, its parent when the agent may open it, and the
// applications past the response promise.
type dashboardPage struct {
	templates.Page
	Children     []vivier.Administration
	Parent       *vivier.Administration
	Overdue      []vivier.OverdueApplication
	OverdueTotal int
	Queue        []queueTile // "Ma file" (dashboardQueue)
	ShowQueue    bool        // the agent reads applications
	// Validation before publication (dashboardValidation).
	PendingOffers int
	ShowPending   bool // the agent validates offers
	Decisions     []vivier.ValidationNotice
	Boards        []boardLink // the boards the agent sits on, to mark (dashboardBoards)
}

func (h *Handler) dashboard(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	children, err := h.Store.ChildAdministrations(c.UserContext(), adm.ID)
	if err != nil {
		return err
	}
	var parent *vivier.Administration
	if adm.ParentID != nil {
		// Shown only if the agent may open it.
		if ok, _ := h.Policies.Allowed(currentAgent(c).ID, *adm.ParentID, policies.DashboardRead); ok {
			if parent, err = h.Store.AdministrationByID(c.UserContext(), *adm.ParentID); err != nil {
				return err
			}
		}
	}
	p := &dashboardPage{Children: children, Parent: parent}
	if err := h.dashboardOverdue(c, p); err != nil {
		return err
	}
	if err := h.dashboardQueue(c, p); err != nil {
		return err
	}
	if err := h.dashboardValidation(c, p); err != nil {
		return err
	}
	if err := h.dashboardBoards(c, p); err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/dashboard", p)
}
