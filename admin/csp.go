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

func (h *Handler) cspPage(c *fiber.Ctx) error {
	return h.cspPageWith(c, fiber.StatusOK, nil)
}

func (h *Handler) cspPageWith(c *fiber.Ctx, status int, data templates.Map) error {
	st, err := h.Store.CSPSettingsOf(c.UserContext(), currentAdministration(c).ID)
	if err != nil {
		return err
	}
	if data == nil {
		data = templates.Map{}
	}
	data["Settings"] = st
	data["DefaultURL"] = h.CSP.DefaultURL
	data["CanSeal"] = h.CSP.Box != nil
	if _, ok := data["Form"]; !ok {
		source := ""
		if st.SourceID != nil {
			source = *st.SourceID
		}
		data["Form"] = map[string]any{"Enabled": st.Enabled, "APIURL": st.APIURL, "SourceID": source}
	}
	return h.page(c, status, "admin/csp", data)
}

// saveCSP records the settings; the key typed in is sealed and never shown
// again, an empty field keeps the one recorded.
func (h *Handler) saveCSP(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	in := vivier.CSPSettingsInput{Enabled: c.FormValue("enabled") == "on", APIURL: c.FormValue("api_url"),
		SourceID: c.FormValue("source_id"), APIKey: c.FormValue("api_key")}
	err := h.Store.SaveCSPSettings(c.UserContext(), adm.ID, in, h.CSP.DefaultURL, h.CSP.Box, actor(c))
	if f := fieldOf(err); f != "" {
		return h.cspPageWith(c, fiber.StatusUnprocessableEntity, templates.Map{"Error": "Les réglages n'ont pas été enregistrés.",
			"Fields": map[string]string{f: vivier.ErrorMessage(err)},
			"Form":   map[string]any{"Enabled": in.Enabled, "APIURL": in.APIURL, "SourceID": in.SourceID}})
	}
	if err != nil {
		return err
	}
	msg := "Réglages enregistrés : la publication sur Choisir le Service Public est désactivée."
	if in.Enabled {
		msg = "Réglages enregistrés : les offres publiées sont envoyées à Choisir le Service Public."
	}
	return h.back(c, admURL(adm, "/csp"), msg)
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
