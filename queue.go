package vivier

// "Ma file": what waits for an agent in an administration. Each kind is a
// filter of the administration's list, so that the dashboard's count of a
// kind and the list its link opens are one query's answers.

// DueSoonDays is how close the promised answer must be for an application
// to be "délai proche".
const DueSoonDays = 7

// QueueKind is one kind of what waits for an agent.
type QueueKind string

const (
	QueueAssigned  QueueKind = "assigned"  // assigned to me, without a decision
	QueueMentions  QueueKind = "mentions"  // a note mentions me, not seen since
	QueueMessages  QueueKind = "messages"  // the candidate wrote last
	QueueToConfirm QueueKind = "interview" // an interview not confirmed yet
	QueueDueSoon   QueueKind = "due"       // the promised answer is near
)

// QueueKinds lists the kinds in the order the dashboard shows them.
var QueueKinds = []QueueKind{QueueAssigned, QueueMentions, QueueMessages, QueueToConfirm, QueueDueSoon}

// Filter narrows f (the agent's scope and the administrations listed) to
// what the kind counts, for agent me.
func (k QueueKind) Filter(f PipelineFilter, me int64) PipelineFilter {
	f.Me = me
	switch k {
	case QueueAssigned:
		f.AssigneeID, f.Pending = me, true
	case QueueMentions:
		f.Mentioned = true
	case QueueMessages:
		f.UnreadMessages = true
	case QueueToConfirm:
		f.ToConfirm = true
	case QueueDueSoon:
		f.DueSoon = true
	}
	return f
}

// QueueCount is how many applications of one kind wait for the agent.
type QueueCount struct {
	Kind QueueKind
	N    int
}
