package jobs

import (
	"net/url"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"vivier"
)

// The calendar files (RFC 5545) of interviews and sessions. An event keeps
// one UID for its whole life and a SEQUENCE that grows with each change, so
// that a calendar that has it updates it, and a cancellation (METHOD:CANCEL)
// names it. Times are written in Europe/Paris with its VTIMEZONE, so that the
// file says the time the recruiter typed. DTSTAMP is the last change of the
// event: a retried email carries the same file.

const parisTZID = "Europe/Paris"

// icsLocal is the form of a local date-time that a TZID qualifies.
const icsLocal = "20060102T150405"

// The properties of a time zone's parts, which the library names only as
// calendar properties.
const (
	tzOffsetFrom = ics.ComponentProperty(ics.PropertyTzoffsetfrom)
	tzOffsetTo   = ics.ComponentProperty(ics.PropertyTzoffsetto)
	tzName       = ics.ComponentProperty(ics.PropertyTzname)
)

// InterviewICS is the candidate's calendar event of an interview:
// METHOD:REQUEST, or METHOD:CANCEL once it is cancelled.
func InterviewICS(iv *vivier.Interview, a *vivier.ApplicationSummary, baseURL string) []byte {
	canceled := iv.Status == vivier.InterviewCanceled
	cal := newCalendar(canceled)
	ev := cal.AddEvent(iv.UID + "@" + icsHost(baseURL))
	ev.SetDtStampTime(iv.UpdatedAt)
	ev.SetSequence(iv.Sequence)
	setParisTimes(ev, iv.StartsAt, iv.EndsAt())
	ev.SetSummary(interviewSummary(a))
	ev.SetLocation(iv.Where())
	if iv.VideoURL != "" {
		ev.SetURL(iv.VideoURL)
	}
	if iv.Message != "" {
		ev.SetDescription(iv.Message)
	}
	setStatus(ev, canceled)
	ev.SetOrganizer("mailto:"+iv.Organizer, ics.WithCN(a.AdminName))
	if a.Candidate.Email != nil {
		ev.AddAttendee("mailto:"+*a.Candidate.Email, ics.WithCN(strings.TrimSpace(a.FirstName+" "+a.LastName)),
			ics.CalendarUserTypeIndividual, ics.ParticipationRoleReqParticipant, ics.ParticipationStatusNeedsAction, ics.WithRSVP(true))
	}
	for _, ag := range iv.Interviewers {
		ev.AddAttendee("mailto:"+ag.Email, ics.WithCN(strings.TrimSpace(ag.FirstName+" "+ag.LastName)),
			ics.CalendarUserTypeIndividual, ics.ParticipationRoleReqParticipant, ics.ParticipationStatusAccepted)
	}
	return []byte(cal.Serialize())
}

// SessionICS is the interviewers' event of a session: from its start to the
// end of its last slot, with the candidates convoked and their times in the
// description, and the interviewers as attendees.
func SessionICS(d *vivier.SessionDetail, adminName, baseURL string) []byte {
	canceled := d.CanceledAt != nil
	cal := newCalendar(canceled)
	ev := cal.AddEvent("session-" + d.UID + "@" + icsHost(baseURL))
	ev.SetDtStampTime(d.UpdatedAt)
	ev.SetSequence(d.Sequence)
	setParisTimes(ev, d.StartsAt, d.EndsAt())
	ev.SetSummary(d.Title + " : " + d.OfferTitle)
	iv := vivier.Interview{Place: d.Place, VideoURL: d.VideoURL}
	ev.SetLocation(iv.Where())
	if d.VideoURL != "" {
		ev.SetURL(d.VideoURL)
	}
	ev.SetDescription(sessionDescription(d))
	setStatus(ev, canceled)
	ev.SetOrganizer("mailto:"+d.Organizer, ics.WithCN(adminName))
	for _, m := range d.Interviewers {
		params := []ics.PropertyParameter{ics.CalendarUserTypeIndividual, ics.ParticipationRoleReqParticipant,
			ics.ParticipationStatusNeedsAction, ics.WithRSVP(true)}
		if m.Name != "" {
			params = append(params, ics.WithCN(m.Name))
		}
		ev.AddAttendee("mailto:"+m.Email, params...)
	}
	return []byte(cal.Serialize())
}

// sessionDescription lists the candidates convoked, with their times.
func sessionDescription(d *vivier.SessionDetail) string {
	var b strings.Builder
	live := d.Live()
	if len(live) == 0 {
		b.WriteString("Aucune personne candidate convoquée pour l'instant.")
	} else {
		b.WriteString("Personnes candidates convoquées :")
	}
	for _, c := range live {
		b.WriteString("\n- ")
		if c.Status == vivier.InterviewToChoose {
			b.WriteString("créneau à choisir")
		} else {
			b.WriteString(c.StartsAt.In(vivier.Paris()).Format("02/01 15:04"))
		}
		b.WriteString(" : " + c.CandidateName)
	}
	if d.Instructions != "" {
		b.WriteString("\n\n" + d.Instructions)
	}
	return b.String()
}

// newCalendar starts a calendar of one event with the Paris time zone.
func newCalendar(canceled bool) *ics.Calendar {
	cal := ics.NewCalendarFor("Vivier")
	if canceled {
		cal.SetMethod(ics.MethodCancel)
	} else {
		cal.SetMethod(ics.MethodRequest)
	}
	cal.AddVTimezone(parisTimezone())
	return cal
}

// parisTimezone is Europe/Paris's VTIMEZONE, with the European Union's
// rules since 1996 (summer time from the last Sunday of March at 2:00 to
// the last Sunday of October at 3:00). The library has no constructor for
// a DAYLIGHT part: it goes in through the generic component list.
func parisTimezone() *ics.VTimezone {
	tz := ics.NewTimezone(parisTZID)
	summer := &ics.Daylight{}
	summer.SetProperty(tzOffsetFrom, "+0100")
	summer.SetProperty(tzOffsetTo, "+0200")
	summer.SetProperty(tzName, "CEST")
	summer.SetProperty(ics.ComponentPropertyDtStart, "19700329T020000")
	summer.SetProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")
	tz.Components = append(tz.Components, summer)
	winter := tz.AddStandard()
	winter.SetProperty(tzOffsetFrom, "+0200")
	winter.SetProperty(tzOffsetTo, "+0100")
	winter.SetProperty(tzName, "CET")
	winter.SetProperty(ics.ComponentPropertyDtStart, "19701025T030000")
	winter.SetProperty(ics.ComponentPropertyRrule, "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
	return tz
}

func setParisTimes(ev *ics.VEvent, start, end time.Time) {
	paris := vivier.Paris()
	ev.SetProperty(ics.ComponentPropertyDtStart, start.In(paris).Format(icsLocal), ics.WithTZID(parisTZID))
	ev.SetProperty(ics.ComponentPropertyDtEnd, end.In(paris).Format(icsLocal), ics.WithTZID(parisTZID))
}

func setStatus(ev *ics.VEvent, canceled bool) {
	if canceled {
		ev.SetStatus(ics.ObjectStatusCancelled)
	} else {
		ev.SetStatus(ics.ObjectStatusConfirmed)
	}
}

func icsHost(baseURL string) string {
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		return u.Hostname()
	}
	return "vivier"
}

// icsAttachment joins a calendar file, with the method the calendar reads
// in the content type too.
func icsAttachment(data []byte, canceled bool) Attachment {
	method := "REQUEST"
	if canceled {
		method = "CANCEL"
	}
	return Attachment{Name: "invitation.ics", ContentType: "text/calendar; method=" + method + "; charset=utf-8", Data: data}
}

func interviewSummary(a *vivier.ApplicationSummary) string {
	s := "Entretien avec " + a.AdminName
	if a.OfferTitle != nil {
		s += " : " + *a.OfferTitle
	}
	return s
}
