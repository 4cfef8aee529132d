package admin

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The bulk convocation, from an offer's list or board: the applications
// ticked there are carried in hidden fields through three steps, with no
// server-side state: the choice of the session (or a new one), the preview
// of one convocation email with the count typed past bulkConfirmAbove,
// then the convocation itself.

// convokeStep says which step a bulk convocation form comes from.
const (
	convokeChosen  = "choix" // the session is chosen: show the preview
	convokeConfirm = "envoi" // the preview is read: convoke
)

func (h *Handler) convoke(c *fiber.Ctx) error {
	o, ids, err := h.bulkSelection(c)
	if err != nil {
		return err
	}
	step := c.FormValue("etape")
	if step == "" {
		return h.convokeChoice(c, o, ids, fiber.StatusOK, "")
	}
	sessionID, err := templates.FormID(c, "session")
	if err != nil {
		return err
	}
	if sessionID == 0 {
		return h.convokeChoice(c, o, ids, fiber.StatusUnprocessableEntity, "Choisissez la session à laquelle convoquer, ou créez-en une.")
	}
	if step != convokeConfirm {
		return h.convokePreview(c, o, sessionID, ids, "")
	}
	if len(ids) > bulkConfirmAbove && strings.TrimSpace(c.FormValue("confirm")) != strconv.Itoa(len(ids)) {
		return h.convokePreviewRefused(c, o, sessionID, ids, vivier.FieldError("confirm",
			fmt.Sprintf("Vous convoquez %d candidatures d'un coup : saisissez %d pour confirmer.", len(ids), len(ids))))
	}
	adm := currentAdministration(c)
	res, err := h.Store.Convoke(c.UserContext(), adm.ID, sessionID, ids, actor(c), time.Now())
	if code := vivier.ErrorCode(err); code == vivier.EINVALID || code == vivier.ECONFLICT {
		return h.convokePreviewRefused(c, o, sessionID, ids, err)
	}
	if err != nil {
		return err
	}
	msg, err := h.convokeMessage(c, res)
	if err != nil {
		return err
	}
	return h.back(c, sessionURL(adm, o.ID, sessionID), msg)
}

// convokeMessage says how many were convoked, and who was left out and why.
func (h *Handler) convokeMessage(c *fiber.Ctx, res vivier.ConvokeResult) (string, error) {
	msg := plural(len(res.Convoked), "candidature convoquée", "candidatures convoquées") + ", " +
		plural(len(res.Convoked), "courriel mis en envoi", "courriels mis en envoi") + "."
	if len(res.Skipped) == 0 {
		return msg, nil
	}
	var why []string
	for _, s := range res.Skipped {
		name := "candidature " + strconv.FormatInt(s.ApplicationID, 10)
		d, err := h.Store.ApplicationForAgents(c.UserContext(), currentAdministration(c).ID, s.ApplicationID)
		if vivier.ErrorCode(err) == vivier.ENOTFOUND {
			why = append(why, name+" ("+s.Reason+")")
			continue
		}
		if err == nil {
			err = h.maskDetail(c, d)
		}
		if err != nil {
			return "", err
		}
		if d.Category != vivier.CategoryErased {
			name = strings.TrimSpace(d.FirstName + " " + d.LastName)
		}
		why = append(why, name+" ("+s.Reason+")")
	}
	return msg + " Non convoquées\u202f: " + strings.Join(why, ", ") + ".", nil
}

// convokeChoicePage chooses the session of a bulk convocation.
type convokeChoicePage struct {
	templates.Page
	Offer    *vivier.Offer
	IDs      []int64
	Sessions []vivier.InterviewSession // those still to come, not cancelled
	Base     string
}

func (h *Handler) convokeChoice(c *fiber.Ctx, o *vivier.Offer, ids []int64, status int, refusal string) error {
	adm := currentAdministration(c)
	all, err := h.Store.SessionsOfOffer(c.UserContext(), adm.ID, o.ID)
	if err != nil {
		return err
	}
	p := &convokeChoicePage{Offer: o, IDs: ids, Base: offerURL(adm, o.ID)}
	now := time.Now()
	for _, s := range all {
		if s.CanceledAt == nil && s.StartsAt.After(now) {
			p.Sessions = append(p.Sessions, s)
		}
	}
	if refusal != "" {
		p.RefuseFields("Aucune session n'est choisie.", map[string]string{"session": refusal})
	}
	return h.page(c, status, "admin/convoke_choice", p)
}

// convokePreviewPage shows a convocation email as the first candidate will
// get it, with the form that convokes them all.
type convokePreviewPage struct {
	templates.Page
	Offer      *vivier.Offer
	Session    *vivier.SessionDetail
	IDs        []int64
	First      *vivier.ApplicationDetail // whose email is shown
	Email      templates.Email
	Note       string // what the previous step did
	ConfirmMin int
	Base       string
}

func (h *Handler) convokePreview(c *fiber.Ctx, o *vivier.Offer, sessionID int64, ids []int64, note string) error {
	return h.renderConvokePreview(c, o, sessionID, ids, note, fiber.StatusOK, nil)
}

func (h *Handler) convokePreviewRefused(c *fiber.Ctx, o *vivier.Offer, sessionID int64, ids []int64, ferr error) error {
	return h.renderConvokePreview(c, o, sessionID, ids, "", templates.StatusFor(vivier.ErrorCode(ferr)), ferr)
}

func (h *Handler) renderConvokePreview(c *fiber.Ctx, o *vivier.Offer, sessionID int64, ids []int64, note string, status int, ferr error) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	d, err := h.Store.SessionByID(ctx, adm.ID, sessionID)
	if err != nil {
		return err
	}
	if d.OfferID != o.ID {
		return vivier.Errorf(vivier.ENOTFOUND, "Session introuvable.")
	}
	first, err := h.firstEmailable(c, ids)
	if err != nil {
		return err
	}
	email, err := h.convocationEmail(c, &first.ApplicationSummary, d)
	if err != nil {
		return err
	}
	p := &convokePreviewPage{Offer: o, Session: d, IDs: ids, First: first, Email: email, Note: note,
		ConfirmMin: bulkConfirmAbove, Base: offerURL(adm, o.ID)}
	if ferr != nil {
		p.RefuseFields(vivier.ErrorMessage(ferr), vivier.AsFormErrors(ferr).ByField())
		if vivier.ErrorCode(ferr) == vivier.EINVALID {
			p.Error = "Les convocations ne sont pas envoyées."
		}
	}
	return h.page(c, status, "admin/convoke_preview", p)
}

// firstEmailable is the first of the applications ticked whose candidate
// can be mailed: whose email a bulk action's preview shows. Another
// administration's is skipped, as the bulk actions skip it.
func (h *Handler) firstEmailable(c *fiber.Ctx, ids []int64) (*vivier.ApplicationDetail, error) {
	for _, id := range ids {
		a, err := h.Store.ApplicationForAgents(c.UserContext(), currentAdministration(c).ID, id)
		if vivier.ErrorCode(err) == vivier.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		if a.Candidate.Email != nil {
			return a, h.maskDetail(c, a) // the preview names no one the agent may not see
		}
	}
	return nil, vivier.FieldError("ids", "Aucune des candidatures cochées ne peut recevoir de courriel.")
}

// convocationEmail renders the convocation as the worker sends it: the
// administration's own interview template when it wrote one (not for slots
// to choose), the built-in convocation email otherwise, for the time the
// first candidate would get.
func (h *Handler) convocationEmail(c *fiber.Ctx, a *vivier.ApplicationSummary, d *vivier.SessionDetail) (templates.Email, error) {
	iv, link := d.SampleInterview(), h.BaseURL+"/suivi/lien-personnel-de-la-personne-candidate"
	if d.Mode != vivier.SessionChoice {
		t, err := h.Store.EmailTemplate(c.UserContext(), a.AdministrationID, vivier.EventInterview)
		if err != nil {
			return templates.Email{}, err
		}
		if t.Custom {
			v := vivier.ApplicationValues(a, link)
			for k, val := range vivier.InterviewValues(iv, vivier.Paris()) {
				v[k] = val
			}
			return h.Renderer.CustomEmail(t.Render(v))
		}
	}
	return h.Renderer.Email(d.EmailName(), vivier.NewConvocationEmail(iv, a, &d.InterviewSession, link))
}
