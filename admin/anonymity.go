package admin

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// Anonymised screening in the back office: the application view of a masked
// application, files refused until the step, an administrator's reveal, and
// the offer's setting. Whether an application is masked is the Store's
// answer (IdentityMasks); this file only applies it.

func (h *Handler) anonymityRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/:adm/candidatures/:application/levee-anonymat", Access: administration, perm: policies.IdentitiesReveal, handler: h.revealIdentity},
		{Method: "POST", Path: "/:adm/offres/:offer/anonymat", Access: administration, perm: policies.PipelineManage, handler: h.setOfferAnonymity},
	}
}

// masksOf returns the masks of the listed applications for the signed-in
// agent.
func (h *Handler) masksOf(c *fiber.Ctx, ids []int64) (vivier.IdentityMasks, error) {
	return h.Store.IdentityMasks(c.UserContext(), currentAdministration(c).ID, currentAgent(c).ID, ids)
}

// maskDetail masks an application loaded for another page than its own
// view (an email's preview, the interview form).
func (h *Handler) maskDetail(c *fiber.Ctx, d *vivier.ApplicationDetail) error {
	k, err := h.Store.IdentityMask(c.UserContext(), currentAdministration(c).ID, currentAgent(c).ID, d.ID)
	if k != nil {
		k.Detail(d)
	}
	return err
}

// refuseMaskedFile stops a download or a preview of a masked application's
// file: the person's CV or letter would name them.
func (h *Handler) refuseMaskedFile(c *fiber.Ctx, appID int64) error {
	k, err := h.Store.IdentityMask(c.UserContext(), currentAdministration(c).ID, currentAgent(c).ID, appID)
	if err != nil {
		return err
	}
	if k != nil {
		return vivier.Errorf(vivier.EFORBIDDEN, "Cette offre est en présélection anonyme : les fichiers de la candidature ne sont pas téléchargeables avant l'étape choisie. Leur texte, sans les éléments d'identité, est lisible sur la page de la candidature.")
	}
	return nil
}

// maskApplication is the application page's last part: for a masked
// application, every piece that names the person is replaced by its
// pseudonym or removed from the texts.
func (h *Handler) maskApplication(c *fiber.Ctx, d *vivier.ApplicationDetail, p *applicationPage) error {
	ids := []int64{d.ID}
	for _, o := range p.Others {
		ids = append(ids, o.ID)
	}
	masks, err := h.masksOf(c, ids)
	if err != nil {
		return err
	}
	// The person's masked applications are not listed under their name:
	// the list would tell who the pseudonym is.
	p.Others = slices.DeleteFunc(p.Others, func(o vivier.ApplicationRow) bool { return masks.Of(o.ID) != nil })
	p.SideTabs = sideTabs(p)
	k := masks.Of(d.ID)
	if k == nil {
		return nil
	}
	p.Mask, p.CanReveal = k, h.can(c, policies.IdentitiesReveal)
	if d.OfferID != nil {
		if p.MaskedUntil, err = h.Store.OfferAnonymity(c.UserContext(), currentAdministration(c).ID, *d.OfferID); err != nil {
			return err
		}
	}
	k.Detail(d)
	for i := range p.Docs {
		p.Docs[i].Text = k.Redact(p.Docs[i].Text)
	}
	for i := range p.Notes {
		p.Notes[i].Body = k.Redact(p.Notes[i].Body)
	}
	for i := range p.Messages {
		p.Messages[i].Body = k.Redact(p.Messages[i].Body)
	}
	for i := range p.History {
		p.History[i].Reason = k.Redact(p.History[i].Reason)
	}
	for i := range p.Interviews {
		p.Interviews[i].Message = k.Redact(p.Interviews[i].Message)
		p.Interviews[i].CandidateMessage = k.Redact(p.Interviews[i].CandidateMessage)
	}
	for i := range p.Ratings.Others {
		p.Ratings.Others[i].Comment = k.Redact(p.Ratings.Others[i].Comment)
	}
	if p.Checklist != nil {
		for _, it := range p.Checklist.Items {
			if it.File != nil {
				it.File.Name = it.Label
			}
		}
	}
	// The person's other applications would lead to their name; the
	// bounces name their address.
	p.Others, p.Bounces = nil, nil
	p.SideTabs = sideTabs(p)
	return nil
}

func (h *Handler) revealIdentity(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := currentApplication(c)
	if err != nil {
		return err
	}
	if err := h.Store.RevealIdentity(c.UserContext(), adm.ID, id, c.FormValue("reason"), actor(c)); err != nil {
		return err
	}
	return h.back(c, applicationURL(adm, id), "L'identité de la personne candidate vous est révélée ; la levée d'anonymat et son motif sont inscrits au journal.")
}

func (h *Handler) setOfferAnonymity(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	offerID, err := offerParam(c)
	if err != nil {
		return err
	}
	var step int64
	if v := c.FormValue("anonymous_until"); v != "" {
		if step, err = templates.FormID(c, "anonymous_until"); err != nil {
			return err
		}
	}
	if err := h.Store.SetOfferAnonymity(c.UserContext(), adm.ID, offerID, step, actor(c)); err != nil {
		return err
	}
	msg := "La présélection anonyme est désactivée pour cette offre."
	if step != 0 {
		msg = "La présélection anonyme est activée pour cette offre."
	}
	return h.back(c, offerApplicationsURL(adm, offerID), msg)
}
