package admin

import (
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// The attendance sheet of a sitting, saved in one POST: one radio group a
// convoked candidate ("presence-<interview>"); a group left blank keeps
// what was marked.

func (h *Handler) saveAttendance(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	o, d, err := h.currentSession(c)
	if err != nil {
		return err
	}
	marks := map[int64]vivier.Attendance{}
	for _, cv := range d.Live() {
		if v := c.FormValue("presence-" + strconv.FormatInt(cv.InterviewID, 10)); v != "" {
			marks[cv.InterviewID] = vivier.Attendance(v) // checked by the store
		}
	}
	n, err := h.Store.RecordAttendance(c.UserContext(), adm.ID, d.ID, marks, actor(c), time.Now())
	msg := "Feuille d'émargement enregistrée : " + plural(n, "présence mise à jour", "présences mises à jour") + "."
	return h.finishOrShow(c, err, h.showSession(o, d), sessionURL(adm, o.ID, d.ID)+"#emargement", msg)
}

// showSession shows the sitting's page again with a refused change's
// message, for its action forms.
func (h *Handler) showSession(o *vivier.Offer, d *vivier.SessionDetail) func(c *fiber.Ctx, status int, err error) error {
	return func(c *fiber.Ctx, status int, ferr error) error {
		p, err := h.sessionPageData(c, o, d)
		if err != nil {
			return err
		}
		p.RefuseFields(vivier.ErrorMessage(ferr), nil)
		return h.page(c, status, "admin/session_page", p)
	}
}

// sessionConvocation is the URL's convocation, of the URL's session.
func (h *Handler) sessionConvocation(c *fiber.Ctx) (*vivier.Offer, *vivier.SessionDetail, *vivier.Convocation, error) {
	o, d, err := h.currentSession(c)
	if err != nil {
		return nil, nil, nil, err
	}
	id, err := templates.ParamID(c, "interview")
	if err != nil {
		return nil, nil, nil, err
	}
	for i := range d.Convocations {
		if d.Convocations[i].InterviewID == id {
			return o, d, &d.Convocations[i], nil
		}
	}
	return nil, nil, nil, vivier.Errorf(vivier.ENOTFOUND, "Convocation introuvable.")
}

func (h *Handler) cancelConvocation(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	o, d, cv, err := h.sessionConvocation(c)
	if err != nil {
		return err
	}
	err = h.Store.CancelConvocation(c.UserContext(), adm.ID, cv.InterviewID, c.FormValue("reason"), actor(c))
	return h.finishOrShow(c, err, h.showSession(o, d), sessionURL(adm, o.ID, d.ID),
		"La convocation de "+cv.CandidateName+" est annulée ; la personne en est prévenue par courriel.")
}

func (h *Handler) rescheduleConvocation(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	o, d, cv, err := h.sessionConvocation(c)
	if err != nil {
		return err
	}
	at, err := time.ParseInLocation("2006-01-02 15:04", c.FormValue("date")+" "+c.FormValue("time"), vivier.Paris())
	if err != nil {
		err = vivier.FieldError("date", "Saisissez la nouvelle date (jj/mm/aaaa) et la nouvelle heure (hh:mm) de "+cv.CandidateName+".")
	} else {
		_, err = h.Store.RescheduleConvocation(c.UserContext(), adm.ID, cv.InterviewID, at, actor(c), time.Now())
	}
	return h.finishOrShow(c, err, h.showSession(o, d), sessionURL(adm, o.ID, d.ID), "Le nouvel horaire de "+cv.CandidateName+
		" est enregistré : "+vivier.FrenchDateTime(at, vivier.Paris())+" ; la mise à jour part par courriel.")
}

func (h *Handler) cancelSession(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	o, d, err := h.currentSession(c)
	if err != nil {
		return err
	}
	err = h.Store.CancelSession(c.UserContext(), adm.ID, d.ID, c.FormValue("reason"), actor(c))
	return h.finishOrShow(c, err, h.showSession(o, d), sessionsURL(adm, o.ID),
		"La session «\u00a0"+d.Title+"\u00a0» est annulée ; chaque personne convoquée en est prévenue par courriel.")
}
