package admin

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/policies"
	"vivier/templates"
)

// Interviews from the application page: the invitation form (its own page,
// so that its errors come back with the form filled in) and what the
// application page shows of them.

func (h *Handler) interviewRoutes() []Route {
	return append(h.emailTemplateRoutes(),
		Route{Method: "GET", Path: "/:adm/candidatures/:application/entretien", Access: administration, perm: policies.ApplicationsDecide, handler: h.interviewForm},
		Route{Method: "POST", Path: "/:adm/candidatures/:application/entretien", Access: administration, perm: policies.ApplicationsDecide, handler: h.inviteToInterview},
	)
}

// interviewForm is what the agent typed, to fill the form again.
type interviewForm struct {
	Date, Time, Duration, Place, Video, Message string
	Interviewers                                map[int64]bool
}

func (h *Handler) interviewApplication(c *fiber.Ctx) (*vivier.ApplicationDetail, error) {
	id, err := currentApplication(c)
	if err != nil {
		return nil, err
	}
	return h.Store.ApplicationForAgents(c.UserContext(), currentAdministration(c).ID, id)
}

func (h *Handler) interviewForm(c *fiber.Ctx) error {
	d, err := h.interviewApplication(c)
	if err != nil {
		return err
	}
	f := interviewForm{Duration: "45", Interviewers: map[int64]bool{currentAgent(c).ID: true}}
	return h.renderInterviewForm(c, fiber.StatusOK, d, f, nil)
}

func (h *Handler) inviteToInterview(c *fiber.Ctx) error {
	adm := currentAdministration(c)
	d, err := h.interviewApplication(c)
	if err != nil {
		return err
	}
	f := interviewForm{Date: strings.TrimSpace(c.FormValue("date")), Time: strings.TrimSpace(c.FormValue("time")),
		Duration: strings.TrimSpace(c.FormValue("duration")), Place: c.FormValue("place"), Video: c.FormValue("video"),
		Message: c.FormValue("message"), Interviewers: map[int64]bool{}}
	r := vivier.InterviewRequest{Place: f.Place, VideoURL: f.Video, Message: f.Message}
	ids, ierr := formIDs(c, "interviewers", "Choisissez les personnes qui mènent l'entretien parmi les agents de l'administration.")
	for _, id := range ids {
		r.Interviewers = append(r.Interviewers, id)
		f.Interviewers[id] = true
	}
	var errs vivier.FormErrors
	duration, derr := templates.FormNumber(c, "duration")
	r.DurationMinutes, errs = duration, append(vivier.AsFormErrors(derr), vivier.AsFormErrors(ierr)...)
	if f.Date != "" || f.Time != "" {
		t, err := time.ParseInLocation("2006-01-02 15:04", f.Date+" "+f.Time, vivier.Paris())
		if err != nil {
			errs = append(errs, vivier.FieldError("date", "Saisissez la date (jj/mm/aaaa) et l'heure (hh:mm) de l'entretien."))
		}
		r.StartsAt = t
	}
	if errs == nil {
		_, err = h.Store.InviteToInterview(c.UserContext(), adm.ID, d.ID, r, actor(c), time.Now())
	} else {
		err = errs
	}
	show := func(c *fiber.Ctx, status int, err error) error { return h.renderInterviewForm(c, status, d, f, err) }
	return h.finishOrShow(c, err, show, applicationURL(adm, d.ID),
		"L'invitation à l'entretien est enregistrée ; le courriel part à la personne candidate, avec l'invitation pour son agenda.")
}

func (h *Handler) renderInterviewForm(c *fiber.Ctx, status int, d *vivier.ApplicationDetail, f interviewForm, ferr error) error {
	agents, err := h.Store.AgentsOfAdministration(c.UserContext(), currentAdministration(c).ID)
	if err != nil {
		return err
	}
	if err := h.maskDetail(c, d); err != nil {
		return err
	}
	p := &interviewPage{App: d, Form: f, Agents: agents}
	if ferr != nil {
		summary := vivier.ErrorMessage(ferr)
		if vivier.ErrorCode(ferr) == vivier.EINVALID {
			summary = "L'invitation n'est pas envoyée."
		}
		p.RefuseFields(summary, vivier.AsFormErrors(ferr).ByField())
	}
	return h.page(c, status, "admin/interview", p)
}

// interviewPage invites the candidate of an application to an interview.
type interviewPage struct {
	templates.Page
	App    *vivier.ApplicationDetail
	Form   interviewForm
	Agents []vivier.AgentWithRoles // who may sit on the panel
}

// interviewsOfApplication adds the interviews to the application page.
func (h *Handler) interviewsOfApplication(c *fiber.Ctx, d *vivier.ApplicationDetail, p *applicationPage) error {
	ivs, err := h.Store.InterviewsOfApplication(c.UserContext(), currentAdministration(c).ID, d.ID)
	if err != nil {
		return err
	}
	p.Interviews = ivs
	p.CanInvite = h.can(c, policies.ApplicationsDecide) && (d.Category == vivier.CategoryNew || d.Category == vivier.CategoryReview)
	return nil
}
