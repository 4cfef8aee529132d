package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// CSP is what the back-office needs for the publication to Choisir le
// Service Public.
type CSP struct {
	Box        *vivier.SecretBox // seals the API keys; nil: none can be recorded
	DefaultURL string            // CSP_API_URL
}

func (h *Handler) cspRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/:adm/csp", Access: administration, perm: policies.CSPManage, handler: h.cspPage},
		{Method: "POST", Path: "/:adm/csp", Access: administration, perm: policies.CSPManage, handler: h.saveCSP},
		// Recruiters send again an offer CSP refused, once they fixed it.
		{Method: "POST", Path: "/:adm/offres/:offer/csp", Access: administration, perm: policies.OffersPublish, handler: h.resendCSP},
	}
}

// cspPage sets the publication to Choisir le Service Public.
type cspPage struct {
	templates.Page
	Settings   *vivier.CSPSettings
	DefaultURL string
	CanSeal    bool // a key can be recorded: the platform has a sealing key
	Form       cspForm
}

// cspForm is what the settings form shows: the stored settings, or those of
// a refused form.
type cspForm struct {
	Enabled          bool
	APIURL, SourceID string
}

func (h *Handler) cspPage(c *fiber.Ctx) error {
	return h.renderCSP(c, fiber.StatusOK, &cspPage{})
}

func (h *Handler) renderCSP(c *fiber.Ctx, status int, p *cspPage) error {
	st, err := h.Store.CSPSettingsOf(c.UserContext(), currentAdministration(c).ID)
	if err != nil {
		return err
	}
	p.Settings, p.DefaultURL, p.CanSeal = st, h.CSP.DefaultURL, h.CSP.Box != nil
	if p.Error == "" {
		p.Form = cspForm{Enabled: st.Enabled, APIURL: st.APIURL}
		if st.SourceID != nil {
			p.Form.SourceID = *st.SourceID
		}
	}
	return h.page(c, status, "admin/csp", p)
}

// saveCSP records the settings; the key typed in is sealed and never shown
// again, an empty field keeps the one recorded.
func (h *Handler) saveCSP(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	in := vivier.CSPSettingsInput{Enabled: c.FormValue("enabled") == "on", APIURL: c.FormValue("api_url"),
		SourceID: c.FormValue("source_id"), APIKey: c.FormValue("api_key")}
	err := h.Store.SaveCSPSettings(c.UserContext(), adm.ID, in, h.CSP.DefaultURL, h.CSP.Box, actor(c))
	refuse := func(err error) error {
		p := &cspPage{Form: cspForm{Enabled: in.Enabled, APIURL: in.APIURL, SourceID: in.SourceID}}
		p.Refuse("Les réglages n'ont pas été enregistrés.", fieldOf(err), err)
		return h.renderCSP(c, fiber.StatusUnprocessableEntity, p)
	}
	msg := "Réglages enregistrés : la publication sur Choisir le Service Public est désactivée."
	if in.Enabled {
		msg = "Réglages enregistrés : les offres publiées sont envoyées à Choisir le Service Public."
	}
	return h.finish(c, err, refuse, admURL(adm, "/csp"), msg)
}

func (h *Handler) resendCSP(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := offerParam(c)
	if err != nil {
		return err
	}
	if err := h.Store.ResendCSP(c.UserContext(), adm.ID, id, actor(c)); err != nil {
		return err
	}
	return h.back(c, offerURL(adm, id)+"#csp",
		"L'offre sera envoyée de nouveau à Choisir le Service Public dans quelques instants.")
}

// cspView is the offer page's block about CSP: nil when the publication
// does not concern the offer.
type cspView struct {
	Concours  bool
	State     *vivier.CSPOfferState
	CanResend bool
}

func (h *Handler) cspView(c *fiber.Ctx, o *vivier.Offer) (*cspView, error) {
	if o.ID == 0 {
		return nil, nil
	}
	ctx := c.UserContext()
	st, err := h.Store.CSPSettingsOf(ctx, o.AdministrationID)
	if err != nil {
		return nil, err
	}
	state, err := h.Store.CSPOfferStateOf(ctx, o.AdministrationID, o.ID)
	if vivier.ErrorCode(err) == vivier.ENOTFOUND {
		state, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !st.Enabled && state == nil {
		return nil, nil
	}
	v := &cspView{Concours: o.Kind == vivier.KindConcours, State: state}
	v.CanResend = st.Enabled && !v.Concours && h.can(c, policies.OffersPublish) &&
		(o.Status == vivier.OfferPublished || (state != nil && state.SentAt != nil && state.State != vivier.CSPArchived))
	return v, nil
}
