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

// The pipeline's steps and reasons, the history of one application, what a
// status email says, and the moves (the list and the board are in
// pipeline_list_store.go). Every query takes the administration id.

// Steps lists the administration's steps in order.
func (s *Store) Steps(ctx context.Context, adminID int64) ([]Step, error) {
	var out []Step
	err := s.db.SelectContext(ctx, &out, `SELECT id, administration_id, name, category, position, public FROM pipeline_steps
		WHERE administration_id = $1 ORDER BY position, id`, adminID)
	return out, wrap("Steps", err)
}

// RefusalReasons lists the administration's active refusal reasons.
func (s *Store) RefusalReasons(ctx context.Context, adminID int64) ([]RefusalReason, error) {
	var out []RefusalReason
	err := s.db.SelectContext(ctx, &out, `SELECT id, label, candidate_text FROM refusal_reasons
		WHERE administration_id = $1 AND active ORDER BY position, id`, adminID)
	return out, wrap("RefusalReasons", err)
}

// AddRefusalReason extends the administration's list of reasons.
func (s *Store) AddRefusalReason(ctx context.Context, adminID int64, label, candidateText string) (*RefusalReason, error) {
	r := &RefusalReason{Label: label, CandidateText: candidateText}
	err := s.db.GetContext(ctx, &r.ID, `INSERT INTO refusal_reasons (administration_id, label, candidate_text, position)
		VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 10 FROM refusal_reasons WHERE administration_id = $1)) RETURNING id`,
		adminID, label, candidateText)
	return r, wrap("AddRefusalReason", err)
}

// ApplicationHistory lists the moves of one of the administration's
// applications, oldest first.
func (s *Store) ApplicationHistory(ctx context.Context, adminID, appID int64) ([]HistoryEvent, error) {
	var out []HistoryEvent
	err := s.db.SelectContext(ctx, &out, `SELECT e.at, e.actor, e.from_category, e.to_category, e.step, e.reason, e.email_sent
		FROM application_events e JOIN applications a ON a.id = e.application_id
		WHERE e.application_id = $1 AND a.administration_id = $2 ORDER BY e.at, e.id`, appID, adminID)
	return out, wrap("ApplicationHistory", err)
}

// StatusChangeByEvent returns what an event of the application says to
// the candidate.
func (s *Store) StatusChangeByEvent(ctx context.Context, appID, eventID int64) (*StatusChange, error) {
	var c StatusChange
	err := s.db.GetContext(ctx, &c, `SELECT e.to_category, CASE WHEN st.public THEN st.name ELSE '' END AS public_step,
			coalesce(r.candidate_text, '') AS reason_text
		FROM application_events e LEFT JOIN pipeline_steps st ON st.id = e.stage_id
		LEFT JOIN refusal_reasons r ON r.id = e.refusal_reason_id
		WHERE e.id = $2 AND e.application_id = $1`, appID, eventID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Évènement introuvable.")
	}
	return &c, wrap("StatusChangeByEvent", err)
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
		if err := endMovedConvocations(ctx, tx, adminID, step, []int64{appID}, actor); err != nil {
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
		moved := make([]int64, 0, len(apps))
		for i := range apps {
			err := moveOne(ctx, tx, &apps[i], step, reason, m, actor)
			if ErrorCode(err) == ECONFLICT {
				res.Skipped++
				continue
			}
			if err != nil {
				return err
			}
			moved = append(moved, apps[i].ID)
			res.Moved++
			if m.Notify {
				res.Emails++
			}
		}
		return endMovedConvocations(ctx, tx, adminID, step, moved, actor)
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
