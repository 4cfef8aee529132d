package vivier

import "time"

// AutoRefuseActor is who the history and the log name for an automatic
// refusal.
const AutoRefuseActor = "Vivier (automatique)"

// AutoRefuseReason is the refusal reason of an automatic refusal; the
// migration gives it to every administration, AutoRefuse to later ones.
const AutoRefuseReason = "Délai de réponse dépassé"

const autoRefuseText = "Nous n'avons pas pu étudier votre candidature dans le délai annoncé, et nous préférons vous le dire plutôt que de vous laisser sans réponse."

// pendingCategories: the candidate still waits for an answer.
const pendingSQL = `a.category IN ('nouvelle', 'en_cours')`

// OverdueApplication is an application whose promised answer is late.
type OverdueApplication struct {
	ID         int64     `db:"id"`
	OfferTitle *string   `db:"offer_title"`
	FirstName  string    `db:"first_name"`
	LastName   string    `db:"last_name"`
	Category   Category  `db:"category"`
	CreatedAt  time.Time `db:"created_at"`
	Due        time.Time `db:"due"`
}

// ReminderDue is a pending application at 80 % of its administration's
// promised time, not yet past it.
type ReminderDue struct {
	ApplicationID    int64 `db:"id"`
	AdministrationID int64 `db:"administration_id"`
}

// AutoRefuseSettings is an administration's choice about automatic refusals.
type AutoRefuseSettings struct {
	Enabled bool `db:"auto_refuse"`
	Days    int  `db:"auto_refuse_days"`
}
