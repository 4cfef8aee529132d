package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

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

// MoveApplication moves one application of the administration to a step.
func (s *Store) MoveApplication(ctx context.Context, adminID, appID int64, m Move, actor Actor) (MoveResult, error) {
	var res MoveResult
	err := s.inTx(ctx, "MoveApplication", func(tx *sqlx.Tx) error {
		step, reason, err := checkMoveTarget(ctx, tx, adminID, m)
		if err != nil {
			return err
		}
		apps, err := lockApplications(ctx, tx, adminID, []int64{appID})
		if err != nil {
			return err
		}
		if len(apps) == 0 {
			return Errorf(ENOTFOUND, "Candidature introuvable.")
		}
		if err := moveOne(ctx, tx, &apps[0], step, reason, m, actor); err != nil {
			return err
		}
		res.Moved = 1
		if m.Notify {
			res.Emails = 1
		}
		return nil
	})
	return res, err
}

// MoveApplications moves several applications in one transaction. Those
// that cannot make the move (withdrawn, already there, a decision to
// reopen first) are skipped and counted; ids of another administration are
// ignored as if they did not exist.
func (s *Store) MoveApplications(ctx context.Context, adminID int64, ids []int64, m Move, actor Actor) (MoveResult, error) {
	var res MoveResult
	if len(ids) == 0 {
		return res, FieldError("ids", "Cochez au moins une candidature.")
	}
	err := s.inTx(ctx, "MoveApplications", func(tx *sqlx.Tx) error {
		res = MoveResult{}
		step, reason, err := checkMoveTarget(ctx, tx, adminID, m)
		if err != nil {
			return err
		}
		apps, err := lockApplications(ctx, tx, adminID, ids)
		if err != nil {
			return err
		}
		res.Skipped = len(ids) - len(apps)
		for i := range apps {
			err := moveOne(ctx, tx, &apps[i], step, reason, m, actor)
			if ErrorCode(err) == ECONFLICT {
				res.Skipped++
				continue
			}
			if err != nil {
				return err
			}
			res.Moved++
			if m.Notify {
				res.Emails++
			}
		}
		return nil
	})
	return res, err
}

func checkMoveTarget(ctx context.Context, tx *sqlx.Tx, adminID int64, m Move) (*Step, *RefusalReason, error) {
	var step Step
	err := tx.GetContext(ctx, &step, `SELECT id, administration_id, name, category, position, public FROM pipeline_steps
		WHERE id = $1 AND administration_id = $2`, m.StageID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, FieldError("stage", "Choisissez une étape dans la liste.")
	}
	if err != nil {
		return nil, nil, err
	}
	if step.Category != CategoryRefused {
		if m.ReasonID != 0 {
			return nil, nil, FieldError("reason", "Un motif ne se donne que pour un refus.")
		}
		return &step, nil, nil
	}
	var r RefusalReason
	err = tx.GetContext(ctx, &r, `SELECT id, label, candidate_text FROM refusal_reasons
		WHERE id = $1 AND administration_id = $2 AND active`, m.ReasonID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, FieldError("reason", "Choisissez le motif du refus dans la liste.")
	}
	if err != nil {
		return nil, nil, err
	}
	return &step, &r, nil
}

// lockApplications locks the administration's applications among ids, in
// id order so that two bulk moves cannot deadlock.
// lockApplication locks one of the administration's applications.
func lockApplication(ctx context.Context, tx *sqlx.Tx, adminID, appID int64) (*Application, error) {
	apps, err := lockApplications(ctx, tx, adminID, []int64{appID})
	if err != nil {
		return nil, err
	}
	if len(apps) == 0 {
		return nil, Errorf(ENOTFOUND, "Candidature introuvable.")
	}
	return &apps[0], nil
}

// insertNote adds to an application's history an event that moves nothing
// (a transfer, a change of details, a merge): it keeps the application's
// category and step, so the timeline and the statistics see no move. A zero
// at is the transaction's time.
func insertNote(ctx context.Context, tx *sqlx.Tx, appID int64, at time.Time, actor, reason string) error {
	var when *time.Time
	if !at.IsZero() {
		when = &at
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO application_events (application_id, at, actor, from_category, to_category, stage_id, reason)
		SELECT id, coalesce($2, now()), $3, category, category, stage_id, $4 FROM applications WHERE id = $1`, appID, when, actor, reason)
	return err
}

func lockApplications(ctx context.Context, tx *sqlx.Tx, adminID int64, ids []int64) ([]Application, error) {
	var apps []Application
	err := tx.SelectContext(ctx, &apps, `SELECT `+applicationColumns+`, stage_id FROM applications
		WHERE id = ANY($1) AND administration_id = $2 ORDER BY id FOR UPDATE`, pq.Array(ids), adminID)
	return apps, err
}

func moveOne(ctx context.Context, tx *sqlx.Tx, a *Application, step *Step, reason *RefusalReason, m Move, actor Actor) error {
	notify := m.Notify
	if a.StageID != nil && *a.StageID == step.ID {
		return Errorf(ECONFLICT, "Cette candidature est déjà à l'étape « %s ».", step.Name)
	}
	if err := CheckMove(a.Category, step.Category); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET stage_id = $2, category = $3, updated_at = now(), last_activity_at = now()
		WHERE id = $1`, a.ID, step.ID, step.Category); err != nil {
		return err
	}
	var reasonID *int64
	label := ""
	if reason != nil {
		reasonID, label = &reason.ID, reason.Label
	}
	var eventID int64
	if err := tx.GetContext(ctx, &eventID, `INSERT INTO application_events
		(application_id, actor, from_category, to_category, step, reason, email_sent, stage_id, refusal_reason_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		a.ID, actor.Email, a.Category, step.Category, step.Name, label, notify, step.ID, reasonID); err != nil {
		return err
	}
	summary := map[string]string{"de": string(a.Category), "vers": string(step.Category), "étape": step.Name,
		"courriel": strconv.FormatBool(notify)}
	if label != "" {
		summary["motif"] = label
	}
	if err := insertAudit(ctx, tx, &a.AdministrationID, actor, "application.moved", "candidature "+strconv.FormatInt(a.ID, 10), summary); err != nil {
		return err
	}
	if err := recordHire(ctx, tx, a, step, m.Hire); err != nil {
		return err
	}
	if !notify {
		return nil
	}
	msg, err := NewOutboxMessage(TaskApplicationStatus, "critical", StatusTask{ApplicationID: a.ID, EventID: eventID})
	if err != nil {
		return err
	}
	msg.AdministrationID = &a.AdministrationID
	return insertOutbox(ctx, tx, &msg)
}
