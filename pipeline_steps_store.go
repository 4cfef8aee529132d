package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Editing an administration's steps and refusal reasons. The rules keep the
// pipeline usable whatever is edited:
//
//   - steps stay grouped by category, in the platform's order (nouvelle,
//     en_cours, acceptee, refusee); a step moves up or down among the steps
//     of its own category only, since the board reads left to right;
//   - every category keeps at least one step: a new application enters the
//     first step of nouvelle (a trigger), and a decision needs a step to go to;
//   - a step that holds applications is not removed (the foreign key would
//     refuse it anyway): the recruiter moves them first. The history keeps
//     the step's name in words, so removing an empty step loses nothing;
//   - a refusal reason is never deleted, only deactivated: past refusals name
//     it, and the emails already sent quoted it.
//
// Positions are renumbered 10, 20, … after each change, so that they never
// collide and stay readable in the database.

// StepsWithUsage lists the administration's steps in order, with their
// number of applications.
func (s *Store) StepsWithUsage(ctx context.Context, adminID int64) ([]StepUsage, error) {
	var out []StepUsage
	err := s.db.SelectContext(ctx, &out, `SELECT st.id, st.administration_id, st.name, st.category, st.position, st.public,
			(SELECT count(*) FROM applications a WHERE a.administration_id = st.administration_id AND a.stage_id = st.id) AS applications
		FROM pipeline_steps st WHERE st.administration_id = $1 ORDER BY `+categoryRank+`, st.position, st.id`, adminID)
	return out, wrap("StepsWithUsage", err)
}

// AddStep adds a step at the end of its category.
func (s *Store) AddStep(ctx context.Context, adminID int64, name string, cat Category, public bool, actor Actor) (int64, error) {
	name, err := checkStepName(name)
	if err != nil {
		return 0, err
	}
	if !oneOf(string(cat), categoriesOfSteps) {
		return 0, FieldError("category", "Choisissez la catégorie de l'étape dans la liste.")
	}
	var id int64
	err = s.inTx(ctx, "AddStep", func(tx *sqlx.Tx) error {
		if err := lockSteps(ctx, tx, adminID); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &id, `INSERT INTO pipeline_steps (administration_id, name, category, position, public)
			VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 1 FROM pipeline_steps WHERE administration_id = $1 AND category = $3), $4)
			RETURNING id`, adminID, name, cat, public)
		if err != nil {
			return stepConflict(err)
		}
		if err := renumberSteps(ctx, tx, adminID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "pipeline.step_added", name, map[string]string{
			"catégorie": string(cat), "publique": strconv.FormatBool(public)})
	})
	return id, err
}

// lockSteps serialises the edits of one administration's steps, so that two
// agents reordering at once do not interleave their renumbering.
func lockSteps(ctx context.Context, tx *sqlx.Tx, adminID int64) error {
	var id int64
	err := tx.GetContext(ctx, &id, `SELECT id FROM administrations WHERE id = $1 FOR UPDATE`, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return Errorf(ENOTFOUND, "Administration introuvable.")
	}
	return err
}

func renumberSteps(ctx context.Context, tx *sqlx.Tx, adminID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE pipeline_steps st SET position = r.n * 10
		FROM (SELECT id, row_number() OVER (ORDER BY `+categoryRank+`, position, id) AS n
		      FROM pipeline_steps WHERE administration_id = $1) r
		WHERE st.id = r.id AND st.administration_id = $1`, adminID)
	return err
}

func stepOf(ctx context.Context, tx *sqlx.Tx, adminID, stepID int64) (*Step, error) {
	var st Step
	err := tx.GetContext(ctx, &st, `SELECT id, administration_id, name, category, position, public FROM pipeline_steps
		WHERE id = $1 AND administration_id = $2`, stepID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Étape introuvable.")
	}
	return &st, err
}

// UpdateStep renames a step and says whether candidates may read its name.
func (s *Store) UpdateStep(ctx context.Context, adminID, stepID int64, name string, public bool, actor Actor) error {
	name, err := checkStepName(name)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "UpdateStep", func(tx *sqlx.Tx) error {
		st, err := stepOf(ctx, tx, adminID, stepID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pipeline_steps SET name = $3, public = $4 WHERE id = $1 AND administration_id = $2`,
			stepID, adminID, name, public); err != nil {
			return stepConflict(err)
		}
		return insertAudit(ctx, tx, &adminID, actor, "pipeline.step_updated", name, map[string]string{
			"ancien nom": st.Name, "publique": strconv.FormatBool(public)})
	})
}

// MoveStep swaps a step with its neighbour of the same category (up: the
// one before it).
func (s *Store) MoveStep(ctx context.Context, adminID, stepID int64, up bool, actor Actor) error {
	return s.inTx(ctx, "MoveStep", func(tx *sqlx.Tx) error {
		if err := lockSteps(ctx, tx, adminID); err != nil {
			return err
		}
		st, err := stepOf(ctx, tx, adminID, stepID)
		if err != nil {
			return err
		}
		cmp, order := "<", "DESC"
		if !up {
			cmp, order = ">", "ASC"
		}
		var other Step
		err = tx.GetContext(ctx, &other, `SELECT id, administration_id, name, category, position, public FROM pipeline_steps
			WHERE administration_id = $1 AND category = $2 AND position `+cmp+` $3 ORDER BY position `+order+` LIMIT 1`,
			adminID, st.Category, st.Position)
		if errors.Is(err, sql.ErrNoRows) {
			where := "la dernière"
			if up {
				where = "la première"
			}
			return Errorf(ECONFLICT, "L'étape « %s » est déjà %s de sa catégorie : une étape ne quitte pas sa catégorie.", st.Name, where)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pipeline_steps SET position = CASE id WHEN $2 THEN $5::int ELSE $4::int END
			WHERE administration_id = $1 AND id IN ($2, $3)`, adminID, st.ID, other.ID, st.Position, other.Position); err != nil {
			return err
		}
		dir := "bas"
		if up {
			dir = "haut"
		}
		return insertAudit(ctx, tx, &adminID, actor, "pipeline.step_moved", st.Name, map[string]string{"sens": dir})
	})
}

// RemoveStep removes an empty step that is not the last of its category.
func (s *Store) RemoveStep(ctx context.Context, adminID, stepID int64, actor Actor) error {
	return s.inTx(ctx, "RemoveStep", func(tx *sqlx.Tx) error {
		if err := lockSteps(ctx, tx, adminID); err != nil {
			return err
		}
		st, err := stepOf(ctx, tx, adminID, stepID)
		if err != nil {
			return err
		}
		var n, siblings int
		if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM applications WHERE administration_id = $1 AND stage_id = $2`,
			adminID, stepID); err != nil {
			return err
		}
		if n > 0 {
			return Errorf(ECONFLICT, "L'étape « %s » contient encore %s : déplacez-les vers une autre étape avant de la supprimer.",
				st.Name, countWords(n, "candidature", "candidatures"))
		}
		if err := tx.GetContext(ctx, &siblings, `SELECT count(*) FROM pipeline_steps WHERE administration_id = $1 AND category = $2`,
			adminID, st.Category); err != nil {
			return err
		}
		if siblings <= 1 {
			return Errorf(ECONFLICT, "L'étape « %s » est la seule de la catégorie « %s » : ajoutez-en une autre avant de la supprimer.",
				st.Name, StatusLabel(st.Category, false))
		}
		// An offer screening anonymously until the step holds it (the
		// database refuses to remove it): the offers are named.
		var screening []string
		if err := tx.SelectContext(ctx, &screening, `SELECT '« ' || title || ' »' FROM offers
			WHERE administration_id = $1 AND anonymous_until_step_id = $2 ORDER BY title, id LIMIT 6`, adminID, stepID); err != nil {
			return err
		}
		if len(screening) > 0 {
			names := strings.Join(screening[:min(len(screening), 5)], ", ")
			if len(screening) > 5 {
				names += "…"
			}
			return Errorf(ECONFLICT, "L'étape « %s » termine la présélection anonyme de %s %s : choisissez une autre étape pour ces offres avant de la supprimer.",
				st.Name, map[bool]string{true: "l'offre", false: "les offres"}[len(screening) == 1], names)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pipeline_steps WHERE id = $1 AND administration_id = $2`, stepID, adminID); err != nil {
			return err
		}
		if err := renumberSteps(ctx, tx, adminID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "pipeline.step_removed", st.Name, nil)
	})
}

// AllRefusalReasons lists the administration's reasons, inactive ones too.
func (s *Store) AllRefusalReasons(ctx context.Context, adminID int64) ([]ReasonUsage, error) {
	var out []ReasonUsage
	err := s.db.SelectContext(ctx, &out, `SELECT r.id, r.label, r.candidate_text, r.active,
			(SELECT count(*) FROM application_events e WHERE e.refusal_reason_id = r.id) AS used
		FROM refusal_reasons r WHERE r.administration_id = $1 ORDER BY r.position, r.id`, adminID)
	return out, wrap("AllRefusalReasons", err)
}

// CreateRefusalReason adds a reason, checked, with an audit entry.
func (s *Store) CreateRefusalReason(ctx context.Context, adminID int64, label, text string, actor Actor) error {
	label, text, err := checkReason(label, text)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "CreateRefusalReason", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO refusal_reasons (administration_id, label, candidate_text, position)
			VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 10 FROM refusal_reasons WHERE administration_id = $1))`,
			adminID, label, text); err != nil {
			return reasonConflict(err)
		}
		return insertAudit(ctx, tx, &adminID, actor, "pipeline.reason_added", label, nil)
	})
}

// UpdateRefusalReason renames a reason and changes what the candidate reads.
// Emails already sent keep what they said.
func (s *Store) UpdateRefusalReason(ctx context.Context, adminID, reasonID int64, label, text string, actor Actor) error {
	label, text, err := checkReason(label, text)
	if err != nil {
		return err
	}
	return s.inTx(ctx, "UpdateRefusalReason", func(tx *sqlx.Tx) error {
		var before string
		err := tx.GetContext(ctx, &before, `SELECT label FROM refusal_reasons WHERE id = $1 AND administration_id = $2 FOR UPDATE`,
			reasonID, adminID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Motif introuvable.")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE refusal_reasons SET label = $3, candidate_text = $4 WHERE id = $1 AND administration_id = $2`,
			reasonID, adminID, label, text); err != nil {
			return reasonConflict(err)
		}
		return insertAudit(ctx, tx, &adminID, actor, "pipeline.reason_updated", label, map[string]string{"ancien libellé": before})
	})
}

// SetRefusalReasonActive deactivates a reason (no longer offered) or
// reactivates it. The last active reason stays: a refusal needs one.
func (s *Store) SetRefusalReasonActive(ctx context.Context, adminID, reasonID int64, active bool, actor Actor) error {
	return s.inTx(ctx, "SetRefusalReasonActive", func(tx *sqlx.Tx) error {
		var label string
		err := tx.GetContext(ctx, &label, `SELECT label FROM refusal_reasons WHERE id = $1 AND administration_id = $2 FOR UPDATE`,
			reasonID, adminID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Motif introuvable.")
		}
		if err != nil {
			return err
		}
		if !active {
			var others int
			if err := tx.GetContext(ctx, &others, `SELECT count(*) FROM refusal_reasons WHERE administration_id = $1 AND active AND id <> $2`,
				adminID, reasonID); err != nil {
				return err
			}
			if others == 0 {
				return Errorf(ECONFLICT, "« %s » est le dernier motif actif : un refus demande un motif, ajoutez-en un autre avant de le désactiver.", label)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE refusal_reasons SET active = $3 WHERE id = $1 AND administration_id = $2`,
			reasonID, adminID, active); err != nil {
			return err
		}
		action := "pipeline.reason_deactivated"
		if active {
			action = "pipeline.reason_activated"
		}
		return insertAudit(ctx, tx, &adminID, actor, action, label, nil)
	})
}

// categoryRank orders the categories on the board.
const categoryRank = `CASE category WHEN 'nouvelle' THEN 1 WHEN 'en_cours' THEN 2 WHEN 'acceptee' THEN 3 ELSE 4 END`
