package candidate

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// Job alerts. /offres links to /alertes/nouvelle with its query string rather
// than carrying the form itself: a form needs a CSRF token, and issuing one
// writes to PostgreSQL, which browsing the search must not do. A link in an
// email changes nothing when opened, since mail scanners open links: the
// confirmation link opens a page whose button (a POST with the CSRF token)
// turns the alert on; every alert email carries an unsubscribe link whose
// page has a button, and which a mail client may POST to directly (RFC 8058
// one-click, exempt from CSRF in the server: the 256-bit token in the URL is
// the credential).

func (h *Handler) registerAlerts(r fiber.Router) {
	r.Get("/alertes/nouvelle", h.CSRF, h.alertForm)
	r.Post("/alertes/nouvelle", h.CSRF, h.alertCreate)
	r.Get("/alertes/confirmation/:token", h.CSRF, h.alertConfirmPage)
	r.Post("/alertes/confirmation/:token", h.alertConfirm) // checked by the global CSRF check
	r.Get("/alertes/desinscription/:token", h.CSRF, h.alertUnsubscribePage)
	r.Post("/alertes/desinscription/:token", h.alertUnsubscribe) // checked by the global CSRF check, one-click aside
}

// alertQuery reads a search from a query string and returns it normalised
// (no page, no empty values, keys sorted), so that saving the same search
// twice finds the same alert.
func alertQuery(raw string, place func(url.Values) error) (vivier.OfferSearch, url.Values, error) {
	v, err := parseQuery(raw)
	if err != nil {
		return vivier.OfferSearch{}, nil, err
	}
	for k, vs := range v {
		if k == "page" || k == "tri" || len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			v.Del(k)
		} else {
			v[k] = vs[:1]
		}
	}
	if err := place(v); err != nil { // lieu: the commune's centre, kept in the alert
		return vivier.OfferSearch{}, v, err
	}
	q, err := ParseSearch(v)
	return q, v, err
}

// alertLabel says the search in words, for the form, the emails and the
// unsubscribe page.
func (h *Handler) alertLabel(c *fiber.Ctx, q vivier.OfferSearch, v url.Values) (string, error) {
	ref, err := h.reference(c)
	if err != nil {
		return "", err
	}
	var parts []string
	if q.Q != "" {
		parts = append(parts, "« "+q.Q+" »")
	}
	add := func(label string, labels map[string]string, value string) {
		if value == "" {
			return
		}
		if l := labels[value]; l != "" {
			value = l
		}
		parts = append(parts, label+" : "+value)
	}
	add("type", kindLabels, q.Kind)
	add("versant", versantLabels, q.Versant)
	add("catégorie", categorieLabels, q.Categorie)
	add("région", ref.regions, q.Region)
	add("département", nil, q.Departement)
	add("domaine", ref.domaines, q.Domaine)
	add("contrat", contratLabels, q.Contrat)
	add("expérience", experienceLabels, q.Experience)
	add("encadrement", managementLabels, managementValue(q.Management))
	add("employeur", nil, q.Employer)
	if q.Teletravail {
		parts = append(parts, "télétravail")
	}
	if q.Mobilite {
		parts = append(parts, "mobilité interne")
	}
	if c, ok := vivier.CityBySlug(v.Get("ville")); ok && q.Near != nil {
		parts = append(parts, "autour de "+c.Name)
	} else if l := strings.TrimSpace(v.Get("lieu")); l != "" && q.Near != nil {
		parts = append(parts, "autour de "+l)
	} else if q.Near != nil {
		parts = append(parts, "autour d'un point")
	}
	if len(parts) == 0 {
		return "toutes les offres", nil
	}
	label := strings.Join(parts, ", ")
	if r := []rune(label); len(r) > 300 {
		label = string(r[:299]) + "…"
	}
	return label, nil
}

// alertNewPage is the form that asks for an alert, and what became of it.
type alertNewPage struct {
	templates.Page
	Query string // the normalised search
	Label string // the search in words
	Email string // what was typed
	Sent  bool
}

// alertNew reads the search an alert is asked for, raw being its query
// string.
func (h *Handler) alertNew(c *fiber.Ctx, raw string) (*alertNewPage, vivier.OfferSearch, error) {
	q, v, err := alertQuery(raw, func(v url.Values) error { return h.placeToPoint(c.UserContext(), v) })
	if err != nil {
		return nil, q, err
	}
	label, err := h.alertLabel(c, q, v)
	if err != nil {
		return nil, q, err
	}
	return &alertNewPage{Query: v.Encode(), Label: label}, q, nil
}

func (h *Handler) alertForm(c *fiber.Ctx) error {
	p, _, err := h.alertNew(c, rawQuery(c))
	if err != nil {
		return err
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/alert_new", p)
}

func (h *Handler) alertCreate(c *fiber.Ctx) error {
	p, q, err := h.alertNew(c, c.FormValue("recherche"))
	if err != nil {
		return err
	}
	p.Email = c.FormValue("email")
	email, err := vivier.ParseEmail(p.Email)
	f := form{name: "candidate/alert_new", summary: "L'adresse électronique n'est pas valide.",
		page: func() (templates.Model, error) { return p, nil }}
	return h.finish(c, err, f, func() error {
		// Like applications, each alert sends a confirmation email.
		if err := h.allow(c, time.Hour, "Trop d'alertes demandées en peu de temps. Patientez une heure avant de réessayer.",
			clientLimit(c, "alert", h.ApplyPerHour), emailLimit("alert", email, max(h.ApplyPerHour/3, 1))); err != nil {
			return err
		}
		if err := h.Store.SaveJobAlert(c.UserContext(), email, p.Query, p.Label, q); err != nil {
			return err
		}
		// The same answer whether the alert is new, pending or already
		// confirmed: the page tells nothing about an address.
		p.Sent = true
		return h.Renderer.Page(c, fiber.StatusOK, "candidate/alert_new", p)
	})
}

// alertStatusPage says where an alert stands, with the button that acts
// on it when there is one.
type alertStatusPage struct {
	templates.Page
	Title   string
	Alert   *vivier.JobAlert
	Message string
	Action  string // the button's form URL
	Button  string
}

// alertConfirmPage shows the alert a confirmation link names and the button
// that confirms it; opening the link changes nothing.
func (h *Handler) alertConfirmPage(c *fiber.Ctx) error {
	private(c)
	a, err := h.Store.JobAlertByConfirmationToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return h.alertLinkError(c, err)
	}
	if a.ConfirmedAt != nil {
		return h.Renderer.Page(c, fiber.StatusOK, "candidate/alert_status", &alertStatusPage{
			Title: "Votre alerte est déjà activée", Alert: a,
			Message: "Vous recevez, au plus une fois par jour, les nouvelles offres de cette recherche."})
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/alert_status", &alertStatusPage{
		Title: "Activer votre alerte", Alert: a, Action: "/alertes/confirmation/" + c.Params("token"), Button: "Activer mon alerte",
		Message: "Confirmez que vous souhaitez recevoir, au plus une fois par jour, les nouvelles offres de cette recherche. Rien ne vous sera envoyé tant que l'alerte n'est pas activée."})
}

func (h *Handler) alertConfirm(c *fiber.Ctx) error {
	private(c)
	a, err := h.Store.ConfirmJobAlert(c.UserContext(), c.Params("token"))
	if err != nil {
		return h.alertLinkError(c, err)
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/alert_status", &alertStatusPage{
		Title: "Votre alerte est activée", Alert: a,
		Message: "Vous recevrez, au plus une fois par jour, les nouvelles offres de cette recherche. Chaque courriel contient un lien pour vous désinscrire."})
}

// alertLinkError says why a confirmation link does not work: unknown or
// used 404, expired 410.
func (h *Handler) alertLinkError(c *fiber.Ctx, err error) error {
	status := fiber.StatusNotFound
	switch {
	case errors.Is(err, vivier.ErrAlertLinkExpired):
		status = fiber.StatusGone
	case vivier.ErrorCode(err) != vivier.ENOTFOUND:
		return err
	}
	p := &alertStatusPage{Title: "Lien inutilisable"}
	p.Refuse(vivier.ErrorMessage(err), "", err)
	return h.Renderer.Page(c, status, "candidate/alert_status", p)
}

func (h *Handler) alertUnsubscribePage(c *fiber.Ctx) error {
	private(c)
	a, err := h.Store.JobAlertByUnsubscribeToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/alert_status", &alertStatusPage{
		Title: "Se désinscrire de cette alerte", Alert: a, Action: "/alertes/desinscription/" + c.Params("token"), Button: "Me désinscrire",
		Message: "Vous ne recevrez plus les nouvelles offres de cette recherche, et l'alerte sera supprimée avec votre adresse."})
}

func (h *Handler) alertUnsubscribe(c *fiber.Ctx) error {
	private(c)
	if err := h.Store.DeleteJobAlertByToken(c.UserContext(), c.Params("token")); err != nil {
		return err
	}
	return h.Renderer.Page(c, fiber.StatusOK, "candidate/alert_status", &alertStatusPage{
		Title: "Vous êtes désinscrit·e", Message: "Cette alerte est supprimée, avec votre adresse : vous ne recevrez plus ses courriels."})
}
