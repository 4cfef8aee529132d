package vivier

import "time"

// The recruiters' pipeline. Each administration names its steps; the rules
// of a move depend only on the categories the steps belong to:
//
//   - a withdrawn or erased application never moves, and no recruiter makes
//     one withdrawn or erased (the candidate withdraws; retention erases);
//   - nouvelle goes anywhere; a step inside the same category is always
//     allowed (from one interview to the next);
//   - nothing goes back to nouvelle: "received, not yet looked at" would be
//     untrue once a recruiter has looked;
//   - a decision (acceptee, refusee) is only undone by reopening it to
//     en_cours, never turned straight into the opposite decision, so that
//     the candidate is never told "retained" then "not retained" in one click;
//   - a refusal needs one of the administration's reasons.
//
// Whether the candidate is told is the recruiter's choice on every move;
// the forms propose it by default for decisions.

// StatusTask is the payload of TaskApplicationStatus: the event says what
// changed, so that a later move does not change what this email says.
type StatusTask struct {
	ApplicationID int64 `json:"application_id"`
	EventID       int64 `json:"event_id"`
}

// Step is one of an administration's pipeline steps.
type Step struct {
	ID               int64    `db:"id"`
	AdministrationID int64    `db:"administration_id"`
	Name             string   `db:"name"`
	Category         Category `db:"category"`
	Position         int      `db:"position"`
	Public           bool     `db:"public"`
}

// RefusalReason is one of an administration's reasons to refuse.
type RefusalReason struct {
	ID            int64  `db:"id"`
	Label         string `db:"label"`
	CandidateText string `db:"candidate_text"`
}

// CheckMove says whether an application may go from one category to
// another, and if not, why in French.
func CheckMove(from, to Category) error {
	no := func(msg string) error { return Errorf(ECONFLICT, "%s", msg) }
	switch {
	case from == CategoryWithdrawn:
		return no("Cette candidature a été retirée par la personne candidate : elle ne peut plus changer d'étape.")
	case from == CategoryErased:
		return no("Les données de cette candidature ont été supprimées : elle ne peut plus changer d'étape.")
	case to == CategoryWithdrawn:
		return no("Seule la personne candidate peut retirer sa candidature.")
	case to == CategoryErased:
		return no("Une candidature n'est supprimée que par la durée de conservation ou à la demande de la personne candidate.")
	case !oneOf(string(from), categoriesOfSteps) || !oneOf(string(to), categoriesOfSteps):
		return no("Étape inconnue.")
	case from == to:
		return nil
	case to == CategoryNew:
		return no("Une candidature déjà examinée ne redevient pas nouvelle.")
	case from == CategoryAccepted && to == CategoryRefused:
		return no("Cette candidature est retenue : rouvrez-la (étape en cours d'examen) avant de la refuser.")
	case from == CategoryRefused && to == CategoryAccepted:
		return no("Cette candidature est refusée : rouvrez-la (étape en cours d'examen) avant de la retenir.")
	}
	return nil
}

var categoriesOfSteps = []string{string(CategoryNew), string(CategoryReview), string(CategoryAccepted), string(CategoryRefused)}

// NotifyByDefault says whether the move form proposes to tell the candidate:
// always for a decision, which the candidate waits for.
func NotifyByDefault(to Category) bool { return to == CategoryAccepted || to == CategoryRefused }

// Move is a recruiter's decision on one or several applications.
type Move struct {
	StageID  int64
	ReasonID int64 // refusals only
	Notify   bool
	Hire     HireDetails // the last "acceptée" step only (SIRH export)
}

// MoveResult counts what a move did.
type MoveResult struct {
	Moved, Emails, Skipped int
}

// HistoryEvent is one move of an application, as recruiters see it.
type HistoryEvent struct {
	At        time.Time `db:"at"`
	Actor     string    `db:"actor"`
	From      Category  `db:"from_category"`
	To        Category  `db:"to_category"`
	Step      string    `db:"step"`
	Reason    string    `db:"reason"`
	EmailSent bool      `db:"email_sent"`
}

// StatusChange is what a status email tells.
type StatusChange struct {
	To         Category `db:"to_category"`
	PublicStep string   `db:"public_step"` // empty when the step is internal
	ReasonText string   `db:"reason_text"` // kind words for a refusal
}
