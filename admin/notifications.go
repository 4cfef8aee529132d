package admin

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// Notifications: each agent chooses, per administration, how to hear of new
// applications; administrators choose whether applications left without an
// answer are refused automatically; a digest's one-click link unsubscribes
// without signing in; recruiters write to a candidate from the application
// page; and the dashboard lists what is past the response promise.

func (h *Handler) notificationRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/:adm/notifications", Access: administration, perm: policies.NotificationsManage, handler: h.notificationsPage},
		{Method: "POST", Path: "/:adm/notifications", Access: administration, perm: policies.NotificationsManage, handler: h.setNotifications},
		{Method: "POST", Path: "/:adm/notifications/refus-automatique", Access: administration, perm: policies.AdministrationsManage, handler: h.setAutoRefuse},
		{Method: "POST", Path: "/:adm/candidatures/:application/message", Access: administration, perm: policies.ApplicationsComment, handler: h.sendMessage},
		// The link of a digest: the token is the credential. Mail clients
		// POST "List-Unsubscribe=One-Click" to it without a CSRF token
		// (RFC 8058); the server exempts this path from the CSRF check.
		{Method: "GET", Path: "/desabonnement/:token", Access: public, handler: h.unsubscribeForm},
		{Method: "POST", Path: "/desabonnement/:token", Access: public, handler: h.unsubscribe, limited: true},
	}
}

// notificationsPage is where an agent chooses how to hear of new
// applications and, for administrators, whether those left without an
// answer are refused automatically.
type notificationsPage struct {
	templates.Page
	Mode  vivier.NotifyMode
	Modes []vivier.NotifyMode
	// For administrators only: the settings (stored, or a refused form's),
	// the days typed in a refused form, and the response promise.
	AutoRefuse     *vivier.AutoRefuseSettings
	AutoRefuseDays string
	ResponseDays   int
}

func (h *Handler) notificationsPage(c *fiber.Ctx) error {
	return h.renderNotifications(c, fiber.StatusOK, &notificationsPage{})
}

func (h *Handler) renderNotifications(c *fiber.Ctx, status int, p *notificationsPage) error {
	adm := currentAdministration(c)
	var err error
	if p.Mode, err = h.Store.NotificationMode(c.UserContext(), currentAgent(c).ID, adm.ID); err != nil {
		return err
	}
	p.Modes = vivier.NotifyModes
	if h.can(c, policies.AdministrationsManage) {
		set, err := h.Store.AutoRefuseSettingsOf(c.UserContext(), adm.ID)
		if err != nil {
			return err
		}
		if p.AutoRefuse == nil {
			p.AutoRefuse = &set
		}
		if p.ResponseDays, err = h.Store.ResponseDays(c.UserContext(), adm.ID); err != nil {
			return err
		}
	}
	return h.page(c, status, "admin/notifications", p)
}

func (h *Handler) setNotifications(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	mode, err := vivier.ParseNotifyMode(c.FormValue("new_application"))
	if err != nil {
		p := &notificationsPage{}
		p.Refuse("Votre choix n'a pas été enregistré.", "new_application", err)
		return h.renderNotifications(c, fiber.StatusUnprocessableEntity, p)
	}
	if err := h.Store.SetNotificationMode(c.UserContext(), currentAgent(c).ID, adm.ID, mode); err != nil {
		return err
	}
	return h.back(c, admURL(adm, "/notifications"), "Vos notifications sont enregistrées : "+strings.ToLower(mode.Label())+".")
}

func (h *Handler) setAutoRefuse(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	days, err := templates.FormNumber(c, "auto_refuse_days")
	set := vivier.AutoRefuseSettings{Enabled: c.FormValue("auto_refuse") == "oui", Days: days}
	if err == nil {
		err = h.Store.SetAutoRefuse(c.UserContext(), adm.ID, set, actor(c))
	}
	refuse := func(err error) error {
		p := &notificationsPage{AutoRefuse: &set, AutoRefuseDays: c.FormValue("auto_refuse_days")}
		p.Refuse("Le refus automatique n'a pas été enregistré.", fieldOf(err), err)
		return h.renderNotifications(c, fiber.StatusUnprocessableEntity, p)
	}
	msg := "Refus automatique désactivé."
	if set.Enabled {
		msg = "Refus automatique activé : les candidatures sans aucune activité depuis " + strconv.Itoa(days) + " jours seront refusées, avec un courriel motivé."
	}
	return h.finish(c, err, refuse, admURL(adm, "/notifications"), msg)
}

func (h *Handler) sendMessage(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	appID, err := currentApplication(c)
	if err != nil {
		return err
	}
	err = h.Store.SendRecruiterMessage(c.UserContext(), adm.ID, appID, c.FormValue("message"), actor(c))
	if f := fieldOf(err); f != "" {
		c.Locals(localMessageForm, &messageForm{Error: vivier.ErrorMessage(err), Body: c.FormValue("message")})
		c.Status(fiber.StatusUnprocessableEntity)
		return h.applicationPage(c)
	}
	if err != nil {
		return err
	}
	return h.back(c, applicationURL(adm, appID)+"#messages",
		"Votre message est envoyé : la personne candidate le reçoit par courriel.")
}

// OneClickUnsubscribe says whether a request is a mail client's one-click
// unsubscribe (RFC 8058): a POST of "List-Unsubscribe=One-Click" to a
// digest's link, sent without our cookies, so without a CSRF token. The
// token in the path is the credential, which a forger does not have; the
// CSRF checks let this one through. The confirmation form of the link's
// page carries its CSRF token like any other.
func OneClickUnsubscribe(c *fiber.Ctx) bool {
	return c.Method() == fiber.MethodPost && strings.HasPrefix(c.Path(), "/admin/desabonnement/") &&
		c.FormValue("List-Unsubscribe") == "One-Click"
}

func (h *Handler) csrfUnlessOneClick(c *fiber.Ctx) error {
	if OneClickUnsubscribe(c) {
		return c.Next()
	}
	return h.CSRF(c)
}

// localMessageForm carries a refused message back to the application page.
const localMessageForm = "vivier.message_form"

// messageForm is a refused message to the candidate: why, and what was
// typed.
type messageForm struct {
	Error, Body string
}

// applicationNotifications adds to the application page its exchange of
// messages, the message form and the candidate's failing address.
func (h *Handler) applicationNotifications(c *fiber.Ctx, d *vivier.ApplicationDetail, p *applicationPage) error {
	adm := currentAdministration(c)
	msgs, err := h.Store.ApplicationMessages(c.UserContext(), adm.ID, d.ID)
	if err != nil {
		return err
	}
	p.Messages = msgs
	p.CanWrite = h.can(c, policies.ApplicationsComment) && d.Candidate.Email != nil &&
		d.Category != vivier.CategoryErased && d.Category != vivier.CategoryWithdrawn
	p.MessageForm, _ = c.Locals(localMessageForm).(*messageForm)
	if d.Candidate.Email != nil {
		if p.Bounces, err = h.Store.BouncesOf(c.UserContext(), adm.ID, *d.Candidate.Email); err != nil {
			return err
		}
	}
	return nil
}

// dashboardOverdue adds to the dashboard the applications past the promise.
func (h *Handler) dashboardOverdue(c *fiber.Ctx, p *dashboardPage) error {
	if !h.can(c, policies.ApplicationsRead) {
		return nil
	}
	list, total, err := h.Store.OverdueApplications(c.UserContext(), currentAdministration(c).ID, time.Now(), 10)
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	masks, err := h.masksOf(c, ids)
	for i := range list {
		masks.Names(list[i].ID, &list[i].FirstName, &list[i].LastName)
	}
	p.Overdue, p.OverdueTotal = list, total
	return err
}

// unsubscribePage asks to confirm, from a link in an email, that the agent
// no longer wants emails of new applications.
type unsubscribePage struct {
	templates.Page
	Target *vivier.UnsubscribeTarget
	Token  string
}

func (h *Handler) unsubscribeForm(c *fiber.Ctx) error {
	t, err := h.Store.UnsubscribeTargetByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/unsubscribe", &unsubscribePage{Target: t, Token: c.Params("token")})
}

func (h *Handler) unsubscribe(c *fiber.Ctx) error {
	t, err := h.Store.Unsubscribe(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	if c.FormValue("List-Unsubscribe") == "One-Click" {
		return c.SendStatus(fiber.StatusOK) // a mail client's request: nobody reads a page
	}
	return h.page(c, fiber.StatusOK, "admin/message", &messagePage{
		Title: "Vous êtes désabonné·e",
		Text: "Vous ne recevrez plus de courriel pour les nouvelles candidatures de " + t.AdminName +
			". Vous pouvez changer d'avis à tout moment depuis la page « Notifications » du back-office.",
		Link: slugURL(t.AdminSlug, "/notifications"), LinkText: "Choisir mes notifications",
	})
}
