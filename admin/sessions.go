package admin

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// Convocation sessions of an offer: their list, the form that makes one
// (session_create.go), the sitting's page with its attendance sheet
// (attendance.go) and the bulk convocation from the list or the board
// (convoke.go). Every read goes through the administration of the URL, so
// another administration's session is not found.

func (h *Handler) sessionRoutes() []Route {
	const base = "/:adm/offres/:offer/convocations"
	read, decide := policies.ApplicationsRead, policies.ApplicationsDecide
	return []Route{
		{Method: "GET", Path: base, Access: administration, perm: read, handler: h.offerSessions},
		{Method: "GET", Path: base + "/nouvelle", Access: administration, perm: decide, handler: h.newSessionForm},
		{Method: "POST", Path: base + "/nouvelle", Access: administration, perm: decide, handler: h.createSession},
		// Before /:session, which would take "convoquer" for an id.
		{Method: "POST", Path: base + "/convoquer", Access: administration, perm: decide, handler: h.convoke},
		{Method: "GET", Path: base + "/:session", Access: administration, perm: read, handler: h.sessionPage},
		{Method: "GET", Path: base + "/:session/document", Access: administration, perm: read, handler: h.sessionDocument},
		{Method: "GET", Path: base + "/:session/modification", Access: administration, perm: decide, handler: h.editSessionForm},
		{Method: "POST", Path: base + "/:session/modification", Access: administration, perm: decide, handler: h.updateSession},
		{Method: "POST", Path: base + "/:session/annulation", Access: administration, perm: decide, handler: h.cancelSession},
		{Method: "POST", Path: base + "/:session/emargement", Access: administration, perm: decide, handler: h.saveAttendance},
		{Method: "POST", Path: base + "/:session/convocations/:interview/annulation", Access: administration, perm: decide, handler: h.cancelConvocation},
		{Method: "POST", Path: base + "/:session/convocations/:interview/horaire", Access: administration, perm: decide, handler: h.rescheduleConvocation},
	}
}

func sessionsURL(adm *vivier.Administration, offerID int64) string {
	return offerURL(adm, offerID) + "/convocations"
}

func sessionURL(adm *vivier.Administration, offerID, sessionID int64) string {
	return sessionsURL(adm, offerID) + "/" + strconv.FormatInt(sessionID, 10)
}

// offerSessionsPage lists an offer's sessions.
type offerSessionsPage struct {
	templates.Page
	Offer     *vivier.Offer
	Sessions  []vivier.InterviewSession
	Counts    map[int64]vivier.SessionCounts
	CanDecide bool
	Base      string // the offer's back office
}

func (h *Handler) offerSessions(c *fiber.Ctx) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	o, err := h.pipelineOffer(c)
	if err != nil {
		return err
	}
	sessions, err := h.Store.SessionsOfOffer(ctx, adm.ID, o.ID)
	if err != nil {
		return err
	}
	counts, err := h.Store.SessionCountsOfOffer(ctx, adm.ID, o.ID)
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "admin/session_list", &offerSessionsPage{Offer: o, Sessions: sessions, Counts: counts,
		CanDecide: h.can(c, policies.ApplicationsDecide), Base: offerURL(adm, o.ID)})
}

// currentSession is the URL's session, of the URL's offer and
// administration.
func (h *Handler) currentSession(c *fiber.Ctx) (*vivier.Offer, *vivier.SessionDetail, error) {
	o, err := h.pipelineOffer(c)
	if err != nil {
		return nil, nil, err
	}
	id, err := templates.ParamID(c, "session")
	if err != nil {
		return nil, nil, err
	}
	d, err := h.Store.SessionByID(c.UserContext(), currentAdministration(c).ID, id)
	if err != nil {
		return nil, nil, err
	}
	if d.OfferID != o.ID {
		return nil, nil, vivier.Errorf(vivier.ENOTFOUND, "Session introuvable.")
	}
	return o, d, nil
}

// sessionPage is the sitting's page: its facts, slots and convocations,
// the candidates' answers, and the attendance sheet; Print lays it out for
// paper, with a signature column and no navigation.
type sessionPage struct {
	templates.Page
	Offer      *vivier.Offer
	Session    *vivier.SessionDetail
	Live       []vivier.Convocation // still on, in time order
	Other      []vivier.Convocation // declined, cancelled or replaced
	Absent     []int64              // applications absent without excuse
	Refused    *vivier.Step         // the step a refusal of the absent goes to
	Reasons    []vivier.RefusalReason
	Slots      map[int64]*vivier.InterviewSlot
	CanDecide  bool
	Print      bool
	Base       string // the offer's back office
	URL        string // this page
	ConfirmMin int    // refusals at once past which the count is typed in
}

func (h *Handler) sessionPage(c *fiber.Ctx) error {
	o, d, err := h.currentSession(c)
	if err != nil {
		return err
	}
	p, err := h.sessionPageData(c, o, d)
	if err != nil {
		return err
	}
	if c.Query("imprimer") != "" {
		p.Print = true
		return h.page(c, fiber.StatusOK, "admin/session_print", p)
	}
	return h.page(c, fiber.StatusOK, "admin/session_page", p)
}

func (h *Handler) sessionPageData(c *fiber.Ctx, o *vivier.Offer, d *vivier.SessionDetail) (*sessionPage, error) {
	ctx, adm := c.UserContext(), currentAdministration(c)
	p := &sessionPage{Offer: o, Session: d, Slots: map[int64]*vivier.InterviewSlot{}, CanDecide: h.can(c, policies.ApplicationsDecide),
		Base: offerURL(adm, o.ID), URL: sessionURL(adm, o.ID, d.ID), ConfirmMin: bulkConfirmAbove}
	for i := range d.Slots {
		p.Slots[d.Slots[i].ID] = &d.Slots[i]
	}
	for _, cv := range d.Convocations {
		if !cv.Live() {
			p.Other = append(p.Other, cv)
			continue
		}
		p.Live = append(p.Live, cv)
		if cv.Attendance == vivier.AttendanceAbsent {
			p.Absent = append(p.Absent, cv.ApplicationID)
		}
	}
	if len(p.Absent) > 0 && p.CanDecide {
		steps, err := h.Store.Steps(ctx, adm.ID)
		if err != nil {
			return nil, err
		}
		for i := range steps {
			if steps[i].Category == vivier.CategoryRefused {
				p.Refused = &steps[i]
				break
			}
		}
		if p.Reasons, err = h.Store.RefusalReasons(ctx, adm.ID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Clock writes a time of day in Paris, as the sheet reads it.
func (p *sessionPage) Clock(t time.Time) string {
	t = t.In(vivier.Paris())
	return fmt.Sprintf("%d h %02d", t.Hour(), t.Minute())
}

// DateInput and TimeInput fill a date and a time field with t in Paris.
func (p *sessionPage) DateInput(t time.Time) string { return t.In(vivier.Paris()).Format("2006-01-02") }

// TimeInput: see DateInput.
func (p *sessionPage) TimeInput(t time.Time) string { return t.In(vivier.Paris()).Format("15:04") }
