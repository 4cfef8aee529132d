package vivier

import "time"

// The candidate's side of a convocation, from the tracking space: choosing
// a slot of a session (and changing it until the session's deadline), or
// answering a time the recruiter gave (confirm, decline with a reason, ask
// for another time). A chosen slot counts as accepted: the candidate picked
// it.

// CandidateConvocation is what the candidate's space shows of a convoked
// interview: its session, and the slots to come with their places.
type CandidateConvocation struct {
	Session InterviewSession
	// Slots are the session's slots that start after now, full ones
	// included (the space shows them, disabled); empty unless the session
	// lets candidates choose.
	Slots []InterviewSlot
	// CanChoose says whether the candidate may choose (or change) a slot
	// now: a session of chosen slots, before its deadline.
	CanChoose bool
}

// Booked is the interview's slot among Slots, if any.
func (c *CandidateConvocation) Booked(iv *Interview) *InterviewSlot {
	for i := range c.Slots {
		if c.Holds(iv, c.Slots[i].ID) {
			return &c.Slots[i]
		}
	}
	return nil
}

// Instructions are the session's instructions to candidates.
func (c *CandidateConvocation) Instructions() string { return c.Session.Instructions }

// ConvocationAnswer is a candidate's answer to a time given by the
// recruiter.
type ConvocationAnswer string

// The answers a candidate gives from the space.
const (
	AnswerConfirm   ConvocationAnswer = "confirme"
	AnswerDecline   ConvocationAnswer = "decline"
	AnswerOtherTime ConvocationAnswer = "autre_horaire"
)

// choosable says whether an interview's slot may be chosen at now: a
// session of chosen slots, not cancelled, before its deadline, and an
// interview still waiting for a slot or holding one.
func choosable(iv *Interview, s *InterviewSession, now time.Time) bool {
	if s.Mode != SessionChoice || s.CanceledAt != nil || s.ChoiceDeadline == nil || !now.Before(*s.ChoiceDeadline) {
		return false
	}
	switch iv.Status {
	case InterviewToChoose, InterviewOtherSlot:
		return true
	case InterviewAccepted, InterviewProposed:
		return iv.SlotID != nil
	}
	return false
}

// Holds says whether the interview holds the slot.
func (c *CandidateConvocation) Holds(iv *Interview, slotID int64) bool {
	return iv.SlotID != nil && *iv.SlotID == slotID
}

// SlotReminder is a convocation whose candidate has not chosen a slot yet,
// with the deadline the reminder gives.
type SlotReminder struct {
	InterviewID   int64     `db:"interview_id"`
	ApplicationID int64     `db:"application_id"`
	Deadline      time.Time `db:"choice_deadline"`
}
