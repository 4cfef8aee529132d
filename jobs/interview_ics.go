package jobs

import (
	"net/url"
	"strconv"
	"strings"

	ics "github.com/arran4/golang-ical"

	"vivier"
)

// InterviewICS is the calendar invitation of an interview (RFC 5545,
// METHOD:REQUEST). Its UID is the interview's, so that a calendar that
// already has it updates it; times are in UTC, which every calendar reads
// without a VTIMEZONE block; DTSTAMP is the invitation's creation, so that a
// retried email carries the same file.
func InterviewICS(iv *vivier.Interview, a *vivier.ApplicationSummary, baseURL string) []byte {
	host := "vivier"
	if u, err := url.Parse(baseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	cal := ics.NewCalendarFor("Vivier")
	cal.SetMethod(ics.MethodRequest)
	ev := cal.AddEvent("entretien-" + strconv.FormatInt(iv.ID, 10) + "@" + host)
	ev.SetDtStampTime(iv.CreatedAt)
	ev.SetSequence(0)
	ev.SetStartAt(iv.StartsAt)
	ev.SetEndAt(iv.EndsAt())
	ev.SetSummary(interviewSummary(a))
	ev.SetLocation(iv.Where())
	if iv.VideoURL != "" {
		ev.SetURL(iv.VideoURL)
	}
	if iv.Message != "" {
		ev.SetDescription(iv.Message)
	}
	ev.SetStatus(ics.ObjectStatusConfirmed)
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

func interviewSummary(a *vivier.ApplicationSummary) string {
	s := "Entretien avec " + a.AdminName
	if a.OfferTitle != nil {
		s += " : " + *a.OfferTitle
	}
	return s
}
