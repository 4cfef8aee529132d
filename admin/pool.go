package admin

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// The talent pool (/admin/{adm}/vivier): the candidates who consented, a
// search, and "Inviter à postuler" to one of the administration's published
// offers; and the possible duplicates (/admin/{adm}/doublons) with their
// merge, which the person confirms from both addresses (duplicates.go).

func (h *Handler) poolPage(c *fiber.Ctx) error {
	return h.renderPool(c, fiber.StatusOK, nil)
}

func (h *Handler) renderPool(c *fiber.Ctx, status int, err error) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	q := strings.TrimSpace(c.Query("q", c.FormValue("q")))
	page, perr := templates.QueryPage(c)
	if perr != nil {
		return perr
	}
	rows, total, lerr := h.Store.TalentPool(ctx, adm.ID, q, page)
	if lerr != nil {
		return lerr
	}
	// A page past the end (an old link, a shrunk pool) shows the last one.
	if last := templates.LastPage(total, vivier.PoolPageSize); page > last {
		page = last
		if rows, total, lerr = h.Store.TalentPool(ctx, adm.ID, q, page); lerr != nil {
			return lerr
		}
	}
	p := &poolPage{Rows: rows, Total: total, Q: q, CanInvite: h.can(c, policies.ApplicationsDecide)}
	if p.CanInvite {
		offers, err := h.Store.OffersOf(ctx, adm.ID, vivier.OfferPublished, 200)
		if err != nil {
			return err
		}
		p.Offers = offers
	}
	link := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}}
		if q != "" {
			v.Set("q", q)
		}
		return admURL(adm, "/vivier?"+v.Encode())
	}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if page*vivier.PoolPageSize < total {
		p.Next = link(page + 1)
	}
	if err != nil {
		p.Refuse(vivier.ErrorMessage(err), "", err)
	}
	return h.page(c, status, "admin/pool", p)
}

// poolPage is the talent pool: the candidates who consented, a search, and
// the invitation to apply to a published offer.
type poolPage struct {
	templates.Page
	Rows       []vivier.PoolCandidate
	Total      int
	Q          string // the search
	Prev, Next string // the pages' addresses, "" at either end
	CanInvite  bool
	Offers     []vivier.Offer // the offers to invite to
}

// duplicatesPage lists the possible duplicates, with their merge.
type duplicatesPage struct {
	templates.Page
	Pairs []vivier.DuplicatePair
}

func (h *Handler) inviteFromPool(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	id, err := templates.ParamID(c, "candidate")
	if err != nil {
		return err
	}
	offerID, err := templates.FormID(c, "offer")
	if err != nil {
		return err
	}
	_, err = h.Store.InviteFromPool(c.UserContext(), adm.ID, id, offerID, actor(c))
	to := admURL(adm, "/vivier")
	if q := strings.TrimSpace(c.FormValue("q")); q != "" {
		to += "?" + url.Values{"q": {q}}.Encode()
	}
	return h.finishOrShow(c, err, h.renderPool, to, "L'invitation à postuler est enregistrée : le courriel part dans quelques instants.")
}

func (h *Handler) duplicatesPage(c *fiber.Ctx) error {
	return h.renderDuplicates(c, fiber.StatusOK, nil)
}

func (h *Handler) renderDuplicates(c *fiber.Ctx, status int, err error) error {
	pairs, lerr := h.Store.Duplicates(c.UserContext(), currentAdministration(c).ID)
	if lerr != nil {
		return lerr
	}
	p := &duplicatesPage{Pairs: pairs}
	if err != nil {
		p.Refuse(vivier.ErrorMessage(err), "", err)
	}
	return h.page(c, status, "admin/duplicates", p)
}

// mergeCandidates asks the person behind a pair of addresses to confirm,
// from each, that they are one: nothing moves before both confirmations.
func (h *Handler) mergeCandidates(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	keep, ok1 := templates.ParseID(c.FormValue("keep"))
	other, ok2 := templates.ParseID(c.FormValue("other"))
	if !ok1 || !ok2 {
		return vivier.Errorf(vivier.EINVALID, "Choisissez deux fiches de la liste des doublons possibles.")
	}
	_, err := h.Store.RequestMerge(c.UserContext(), adm.ID, keep, other, actor(c))
	return h.finishOrShow(c, err, h.renderDuplicates, admURL(adm, "/doublons"), "La demande de confirmation est envoyée aux deux adresses : les candidatures ne seront regroupées que si la personne confirme depuis chacune d'elles, dans les 15 jours.")
}
