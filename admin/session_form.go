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

// The convocation session's form: what the recruiter typed, kept as typed so
// that a refused form comes back filled in, and read into a session
// request. The slots of a "choix" session are typed as a list of start
// times, or made from a range ("from 9:00 to 12:00 every 30 minutes").

// sessionForm is what the agent typed.
type sessionForm struct {
	Title, Mode, Date, Time, Duration, Place, Video, Instructions string
	Agents                                                        map[int64]bool
	Outside                                                       string // "Nom <email>", one a line
	SlotTimes, SlotCapacity, GenFrom, GenTo, GenEvery             string
	DeadlineDate, DeadlineTime                                    string
	Keep                                                          []int64 // applications to convoke once the session is made
}

// sessionModes are the form's radio buttons, in their order.
var sessionModes = []vivier.SessionMode{vivier.SessionIndividual, vivier.SessionGroup, vivier.SessionChoice}

func readSessionForm(c *fiber.Ctx) sessionForm {
	v := func(k string) string { return strings.TrimSpace(c.FormValue(k)) }
	f := sessionForm{Title: v("title"), Mode: v("mode"), Date: v("date"), Time: v("time"), Duration: v("duration"),
		Place: v("place"), Video: v("video"), Instructions: c.FormValue("instructions"), Agents: map[int64]bool{},
		Outside: c.FormValue("outside"), SlotTimes: v("slot_times"), SlotCapacity: v("slot_capacity"),
		GenFrom: v("gen_from"), GenTo: v("gen_to"), GenEvery: v("gen_every"),
		DeadlineDate: v("deadline_date"), DeadlineTime: v("deadline_time")}
	f.Keep, _ = formIDList(c, "ids", "")
	return f
}

// request turns the typed form into a session request; a field that does
// not read has its own message, and the request's rules check the rest.
func (f *sessionForm) request(c *fiber.Ctx) (vivier.SessionRequest, vivier.FormErrors) {
	var errs vivier.FormErrors
	r := vivier.SessionRequest{Title: f.Title, Mode: vivier.SessionMode(f.Mode), Place: f.Place, VideoURL: f.Video,
		Instructions: f.Instructions, OutsideMembers: f.Outside}
	ids, ierr := formIDList(c, "interviewers", "Choisissez les membres du jury parmi les agents de l'administration.")
	errs = append(errs, vivier.AsFormErrors(ierr)...)
	for _, id := range ids {
		r.Interviewers = append(r.Interviewers, id)
		f.Agents[id] = true
	}
	if f.Duration != "" {
		n, err := strconv.Atoi(f.Duration)
		if err != nil {
			errs = append(errs, vivier.FieldError("duration", "Saisissez la durée en minutes, par un nombre."))
		}
		r.DurationMinutes = n
	}
	day, derr := time.ParseInLocation("2006-01-02", f.Date, vivier.Paris())
	start, terr := clockOf(f.Time)
	if (f.Date != "" || f.Time != "") && (derr != nil || terr != nil) {
		errs = append(errs, vivier.FieldError("date", "Saisissez la date (jj/mm/aaaa) et l'heure de début (hh:mm) de la session."))
	} else if derr == nil {
		r.StartsAt = onDay(day, start)
	}
	if r.Mode == vivier.SessionChoice && derr == nil {
		slots, serr := f.slots(day, r.DurationMinutes)
		r.Slots, errs = slots, append(errs, vivier.AsFormErrors(serr)...)
		if f.DeadlineDate != "" || f.DeadlineTime != "" {
			dd, err := time.ParseInLocation("2006-01-02 15:04", f.DeadlineDate+" "+f.DeadlineTime, vivier.Paris())
			if err != nil {
				errs = append(errs, vivier.FieldError("deadline", "Saisissez la date (jj/mm/aaaa) et l'heure (hh:mm) limites du choix des créneaux."))
			} else {
				r.ChoiceDeadline = &dd
			}
		}
	}
	return r, errs
}

// formIDList reads the ids of a field of a form, urlencoded or multipart
// (the session form sends a file); a malformed one refuses the field with
// msg.
func formIDList(c *fiber.Ctx, name, msg string) ([]int64, error) {
	var values []string
	if mf, err := c.MultipartForm(); err == nil {
		values = mf.Value[name]
	} else {
		for _, v := range c.Request().PostArgs().PeekMulti(name) {
			values = append(values, string(v))
		}
	}
	ids := make([]int64, 0, len(values))
	for _, v := range values {
		id, ok := templates.ParseID(v)
		if !ok {
			return nil, vivier.FieldError(name, msg)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// clockOf reads "hh:mm" as a duration since midnight.
func clockOf(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// onDay is the time d after midnight on day, in Paris, a change of clock
// that day included.
func onDay(day time.Time, d time.Duration) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, vivier.Paris())
}

// maxSlots bounds the slots of a session, typed or generated.
const maxSlots = 200

// slots reads the slots to publish on day: the start times typed, or those
// of the range, each with the capacity given.
func (f *sessionForm) slots(day time.Time, duration int) ([]vivier.SlotRequest, error) {
	capacity, err := strconv.Atoi(f.SlotCapacity)
	if err != nil || capacity < 1 || capacity > 1000 {
		return nil, vivier.FieldError("slots", "Saisissez le nombre de places par créneau, entre 1 et 1 000.")
	}
	var starts []time.Duration
	switch {
	case f.SlotTimes != "":
		for _, s := range strings.FieldsFunc(f.SlotTimes, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' || r == '\r' }) {
			d, err := clockOf(strings.ReplaceAll(strings.ReplaceAll(s, "h", ":"), "::", ":"))
			if err != nil {
				return nil, vivier.FieldError("slots", fmt.Sprintf("« %s » n'est pas une heure : écrivez les heures de début au format hh:mm, séparées par des espaces.", s))
			}
			starts = append(starts, d)
		}
	case f.GenFrom != "" || f.GenTo != "":
		from, ferr := clockOf(f.GenFrom)
		to, terr := clockOf(f.GenTo)
		every, eerr := strconv.Atoi(f.GenEvery)
		if f.GenEvery == "" {
			every, eerr = duration, nil
		}
		if ferr != nil || terr != nil || eerr != nil || every < 5 || duration < 5 || to <= from {
			return nil, vivier.FieldError("slots", "Pour générer les créneaux, saisissez une heure de début, une heure de fin plus tardive et un intervalle d'au moins 5 minutes.")
		}
		for d := from; d+time.Duration(duration)*time.Minute <= to && len(starts) <= maxSlots; d += time.Duration(every) * time.Minute {
			starts = append(starts, d)
		}
	}
	if len(starts) == 0 {
		return nil, vivier.FieldError("slots", "Indiquez les créneaux à publier : leurs heures de début, ou une plage à découper.")
	}
	if len(starts) > maxSlots {
		return nil, vivier.FieldError("slots", fmt.Sprintf("Publiez %d créneaux au plus.", maxSlots))
	}
	out := make([]vivier.SlotRequest, 0, len(starts))
	seen := map[time.Duration]bool{}
	for _, d := range starts {
		if seen[d] {
			continue
		}
		seen[d] = true
		out = append(out, vivier.SlotRequest{StartsAt: onDay(day, d), Capacity: capacity})
	}
	return out, nil
}
