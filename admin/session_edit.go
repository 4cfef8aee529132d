package admin

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"vivier"
)

// The change of a session, through the session's form filled with what it
// is: the convoked and the interviewers are told of a change of time or
// place by the store's update emails.

func (h *Handler) editSessionForm(c *fiber.Ctx) error {
	o, d, err := h.currentSession(c)
	if err != nil {
		return err
	}
	if d.CanceledAt != nil {
		return vivier.Errorf(vivier.ECONFLICT, "Cette session est annulée : elle ne se modifie plus.")
	}
	return h.renderSessionForm(c, fiber.StatusOK, o, d, formOfRequest(d.Request()), nil)
}

// formOfRequest fills the form with a session as it is; the slots of a
// choice session are listed by their start times, with the first one's
// capacity.
func formOfRequest(r vivier.SessionRequest) sessionForm {
	paris := vivier.Paris()
	f := sessionForm{Title: r.Title, Mode: string(r.Mode), Date: r.StartsAt.In(paris).Format("2006-01-02"),
		Time: r.StartsAt.In(paris).Format("15:04"), Duration: strconv.Itoa(r.DurationMinutes), Place: r.Place, Video: r.VideoURL,
		Instructions: r.Instructions, Outside: r.OutsideMembers, Agents: map[int64]bool{}, SlotCapacity: "1"}
	for _, id := range r.Interviewers {
		f.Agents[id] = true
	}
	var times []string
	for i, sl := range r.Slots {
		times = append(times, sl.StartsAt.In(paris).Format("15:04"))
		if i == 0 {
			f.SlotCapacity = strconv.Itoa(sl.Capacity)
		}
	}
	f.SlotTimes = strings.Join(times, " ")
	if r.ChoiceDeadline != nil {
		f.DeadlineDate, f.DeadlineTime = r.ChoiceDeadline.In(paris).Format("2006-01-02"), r.ChoiceDeadline.In(paris).Format("15:04")
	}
	return f
}

func (h *Handler) updateSession(c *fiber.Ctx) error {
	ctx, adm := c.UserContext(), currentAdministration(c)
	o, d, err := h.currentSession(c)
	if err != nil {
		return err
	}
	f := readSessionForm(c)
	r, errs := f.request(c)
	r.RoomSize = d.Request().RoomSize // the room of a group sitting keeps its places
	show := func(c *fiber.Ctx, status int, err error) error { return h.renderSessionForm(c, status, o, d, f, err) }
	if err := h.submitSession(c, &r, errs, func() error {
		_, err := h.Store.UpdateSession(ctx, adm.ID, d.ID, r, actor(c), time.Now())
		return err
	}); err != nil {
		return h.finishOrShow(c, err, show, "", "")
	}
	return h.back(c, sessionURL(adm, o.ID, d.ID), "La session est modifiée ; les personnes convoquées et le jury reçoivent la mise à jour.")
}
