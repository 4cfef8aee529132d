package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

const boardColumns = `b.id, b.administration_id, b.offer_id, b.kind, b.name, b.scale_max, b.tie_rule, b.tie_criterion_id,
	b.threshold::float8 AS threshold, b.marking_closed_at, b.marking_closed_by, b.arrested_at, b.arrested_by,
	b.created_by, b.created_at, b.updated_at`

// ErrBoardArrested is what any change of an arrested board's results gets,
// whether the store or the database's trigger refuses it.
var ErrBoardArrested = &Error{Code: ECONFLICT, Message: "Les résultats ont été arrêtés : ils ne peuvent plus être modifiés."}

// arrestedErr turns the database's refusal (constraint board_arrested, raised
// by the triggers of migration 00031) into the French words: it must run
// before wrap, which would call it an invalid value.
func arrestedErr(err error) error {
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Constraint == "board_arrested" {
		return ErrBoardArrested
	}
	return err
}

// boardTx is inTx for the boards' changes, with the trigger's refusal named.
func (s *Store) boardTx(ctx context.Context, op string, fn func(tx *sqlx.Tx) error) error {
	return s.inTx(ctx, op, func(tx *sqlx.Tx) error { return arrestedErr(fn(tx)) })
}

func boardTarget(id int64) string { return "jury " + strconv.FormatInt(id, 10) }

var errBoardNotFound = &Error{Code: ENOTFOUND, Message: "Jury ou commission introuvable."}

// lockBoard locks one of the administration's boards, so that closing,
// arresting and marking cannot cross.
func lockBoard(ctx context.Context, tx *sqlx.Tx, adminID, boardID int64) (*SelectionBoard, error) {
	var b SelectionBoard
	err := tx.GetContext(ctx, &b, `SELECT `+boardColumns+` FROM selection_boards b
		WHERE b.id = $1 AND b.administration_id = $2 FOR UPDATE`, boardID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBoardNotFound
	}
	return &b, err
}

// lockOpenBoard is lockBoard for a change that an arrested board refuses.
func lockOpenBoard(ctx context.Context, tx *sqlx.Tx, adminID, boardID int64) (*SelectionBoard, error) {
	b, err := lockBoard(ctx, tx, adminID, boardID)
	if err == nil && b.Arrested() {
		return nil, ErrBoardArrested
	}
	return b, err
}

// CreateBoard gives an offer of the administration a jury or a commission,
// with an empty grid and no member yet.
func (s *Store) CreateBoard(ctx context.Context, adminID, offerID int64, kind BoardKind, name string, scaleMax int, actor Actor) (*SelectionBoard, error) {
	name = strings.TrimSpace(name)
	if kind != BoardJury && kind != BoardCommission {
		return nil, FieldError("kind", "Choisissez un jury ou une commission.")
	}
	if err := checkBoardName(name); err != nil {
		return nil, err
	}
	if err := checkScale(scaleMax); err != nil {
		return nil, err
	}
	var b SelectionBoard
	err := s.boardTx(ctx, "CreateBoard", func(tx *sqlx.Tx) error {
		var id int64
		err := tx.GetContext(ctx, &id, `INSERT INTO selection_boards (administration_id, offer_id, kind, name, scale_max, created_by)
			SELECT o.administration_id, o.id, $3, $4, $5, $6 FROM offers o WHERE o.id = $1 AND o.administration_id = $2
			RETURNING id`, offerID, adminID, kind, name, scaleMax, actor.Email)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Offre introuvable.")
		}
		if err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &b, `SELECT `+boardColumns+` FROM selection_boards b WHERE b.id = $1`, id); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.created", boardTarget(id),
			map[string]any{"offre": offerID, "nature": kind, "nom": name, "barème": scaleMax})
	})
	if err != nil {
		return nil, err
	}
	return &b, nil
}

func checkBoardName(name string) error {
	if name == "" || len([]rune(name)) > 200 {
		return FieldError("name", "Donnez un nom au jury (200 caractères au plus).")
	}
	return nil
}

func checkScale(scaleMax int) error {
	if scaleMax < 1 || scaleMax > 1000 {
		return FieldError("scale_max", "Le barème va de 1 à 1000 (par exemple 20 pour une note sur 20).")
	}
	return nil
}

// BoardSettings are what a manager may change of a board until its results
// are arrested. The scale changes only while nothing is marked.
type BoardSettings struct {
	Name           string
	ScaleMax       int
	TieRule        TieRule
	TieCriterionID *int64 // TieByCriterion only; nil: the first criterion of the grid
	Threshold      *float64
}

// UpdateBoardSettings changes a board's name, scale, tie rule and
// admissibility threshold.
func (s *Store) UpdateBoardSettings(ctx context.Context, adminID, boardID int64, set BoardSettings, actor Actor) error {
	set.Name = strings.TrimSpace(set.Name)
	if err := checkBoardName(set.Name); err != nil {
		return err
	}
	if err := checkScale(set.ScaleMax); err != nil {
		return err
	}
	if err := checkTieRule(set.TieRule); err != nil {
		return err
	}
	if set.TieRule != TieByCriterion {
		set.TieCriterionID = nil
	}
	if set.Threshold != nil && (*set.Threshold < 0 || *set.Threshold > float64(set.ScaleMax)) {
		return FieldError("threshold", "Le seuil d'admissibilité se situe entre 0 et le barème.")
	}
	return s.boardTx(ctx, "UpdateBoardSettings", func(tx *sqlx.Tx) error {
		b, err := lockOpenBoard(ctx, tx, adminID, boardID)
		if err != nil {
			return err
		}
		if set.ScaleMax != b.ScaleMax {
			var marked bool
			if err := tx.GetContext(ctx, &marked, `SELECT EXISTS (SELECT 1 FROM board_marks WHERE board_id = $1)`, boardID); err != nil {
				return err
			}
			if marked {
				return FieldError("scale_max", "Des notes sont déjà saisies : le barème ne peut plus changer.")
			}
		}
		if err := checkTieCriterion(ctx, tx, boardID, set.TieCriterionID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE selection_boards SET name = $2, scale_max = $3, tie_rule = $4,
			tie_criterion_id = $5, threshold = $6, updated_at = now() WHERE id = $1`,
			boardID, set.Name, set.ScaleMax, set.TieRule, set.TieCriterionID, set.Threshold); err != nil {
			return err
		}
		summary := map[string]any{"nom": set.Name, "barème": set.ScaleMax, "départage": set.TieRule}
		if set.TieCriterionID != nil {
			summary["critère de départage"] = *set.TieCriterionID
		}
		if set.Threshold != nil {
			summary["seuil"] = *set.Threshold
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.updated", boardTarget(boardID), summary)
	})
}

func checkTieRule(rule TieRule) error {
	switch rule {
	case TieByCriterion, TieBySpread, TieByAppliedAt:
		return nil
	}
	return FieldError("tie_rule", "Choisissez comment départager les ex æquo.")
}

func checkTieCriterion(ctx context.Context, tx *sqlx.Tx, boardID int64, id *int64) error {
	if id == nil {
		return nil
	}
	var ok bool
	if err := tx.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM board_criteria WHERE id = $1 AND board_id = $2)`, *id, boardID); err != nil {
		return err
	}
	if !ok {
		return FieldError("tie_criterion", "Choisissez un critère de la grille.")
	}
	return nil
}

// SetTieRule is the president's choice of how equal means are ordered
// (criterionID: TieByCriterion only; nil: the first criterion), until the
// results are arrested.
func (s *Store) SetTieRule(ctx context.Context, adminID, boardID, agentID int64, rule TieRule, criterionID *int64, actor Actor) error {
	if err := checkTieRule(rule); err != nil {
		return err
	}
	if rule != TieByCriterion {
		criterionID = nil
	}
	return s.boardTx(ctx, "SetTieRule", func(tx *sqlx.Tx) error {
		b, m, err := memberSeat(ctx, tx, adminID, boardID, agentID, "FOR UPDATE")
		if err != nil {
			return err
		}
		if !m.President {
			return errNotPresident("choisir la règle de départage")
		}
		if b.Arrested() {
			return ErrBoardArrested
		}
		if err := checkTieCriterion(ctx, tx, boardID, criterionID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE selection_boards SET tie_rule = $2, tie_criterion_id = $3, updated_at = now() WHERE id = $1`,
			boardID, rule, criterionID); err != nil {
			return err
		}
		summary := map[string]any{"départage": rule}
		if criterionID != nil {
			summary["critère de départage"] = *criterionID
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.tie_rule_set", boardTarget(boardID), summary)
	})
}

// CriterionInput is one line of a grid as a manager writes it.
type CriterionInput struct {
	Label  string
	Weight float64
}

// SetBoardCriteria replaces a board's grid. Once a member has marked, the
// grid is what the marks mean: it no longer changes.
func (s *Store) SetBoardCriteria(ctx context.Context, adminID, boardID int64, grid []CriterionInput, actor Actor) ([]BoardCriterion, error) {
	if len(grid) == 0 || len(grid) > 50 {
		return nil, FieldError("criteria", "La grille compte de 1 à 50 critères.")
	}
	labels := make([]string, len(grid))
	for i, c := range grid {
		labels[i] = strings.TrimSpace(c.Label)
		if labels[i] == "" || len([]rune(labels[i])) > 200 {
			return nil, FieldError("criteria", "Chaque critère a un intitulé (200 caractères au plus).")
		}
		if c.Weight <= 0 || c.Weight > 9999 {
			return nil, FieldError("criteria", "Chaque critère a un coefficient positif.")
		}
	}
	var out []BoardCriterion
	err := s.boardTx(ctx, "SetBoardCriteria", func(tx *sqlx.Tx) error {
		if _, err := lockOpenBoard(ctx, tx, adminID, boardID); err != nil {
			return err
		}
		var marked bool
		if err := tx.GetContext(ctx, &marked, `SELECT EXISTS (SELECT 1 FROM board_marks WHERE board_id = $1)`, boardID); err != nil {
			return err
		}
		if marked {
			return Errorf(ECONFLICT, "Des notes sont déjà saisies : la grille ne peut plus changer.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM board_criteria WHERE board_id = $1`, boardID); err != nil {
			return err
		}
		summary := make([]map[string]any, len(grid))
		for i, c := range grid {
			if _, err := tx.ExecContext(ctx, `INSERT INTO board_criteria (board_id, position, label, weight) VALUES ($1, $2, $3, $4)`,
				boardID, i+1, labels[i], c.Weight); err != nil {
				return err
			}
			summary[i] = map[string]any{"critère": labels[i], "coefficient": c.Weight}
		}
		var err error
		if out, err = criteriaOf(ctx, tx, boardID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.criteria_set", boardTarget(boardID), map[string]any{"grille": summary})
	})
	return out, err
}

func criteriaOf(ctx context.Context, q sqlx.QueryerContext, boardID int64) ([]BoardCriterion, error) {
	var out []BoardCriterion
	err := sqlx.SelectContext(ctx, q, &out, `SELECT id, board_id, position, label, weight::float8 AS weight
		FROM board_criteria WHERE board_id = $1 ORDER BY position`, boardID)
	return out, err
}

// BoardCriteria returns a board's grid in order.
func (s *Store) BoardCriteria(ctx context.Context, adminID, boardID int64) ([]BoardCriterion, error) {
	if _, err := s.BoardByID(ctx, adminID, boardID); err != nil {
		return nil, err
	}
	out, err := criteriaOf(ctx, s.db, boardID)
	return out, wrap("BoardCriteria", err)
}

// BoardsOfOffer lists the boards of one of the administration's offers.
func (s *Store) BoardsOfOffer(ctx context.Context, adminID, offerID int64) ([]SelectionBoard, error) {
	var out []SelectionBoard
	err := s.db.SelectContext(ctx, &out, `SELECT `+boardColumns+` FROM selection_boards b
		WHERE b.administration_id = $1 AND b.offer_id = $2 ORDER BY b.created_at, b.id`, adminID, offerID)
	return out, wrap("BoardsOfOffer", err)
}

// BoardByID returns one of the administration's boards.
func (s *Store) BoardByID(ctx context.Context, adminID, boardID int64) (*SelectionBoard, error) {
	var b SelectionBoard
	err := s.db.GetContext(ctx, &b, `SELECT `+boardColumns+` FROM selection_boards b
		WHERE b.id = $1 AND b.administration_id = $2`, boardID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBoardNotFound
	}
	if err != nil {
		return nil, wrap("BoardByID", err)
	}
	return &b, nil
}

// BoardForMember returns a board and the agent's seat on it; an agent who
// does not sit on it gets ENOTFOUND, as if the board did not exist.
func (s *Store) BoardForMember(ctx context.Context, adminID, boardID, agentID int64) (*SelectionBoard, *BoardMember, error) {
	b, m, err := boardForMember(ctx, s.db, adminID, boardID, agentID)
	return b, m, wrap("BoardForMember", err)
}

func boardForMember(ctx context.Context, q sqlx.QueryerContext, adminID, boardID, agentID int64) (*SelectionBoard, *BoardMember, error) {
	var b SelectionBoard
	err := sqlx.GetContext(ctx, q, &b, `SELECT `+boardColumns+` FROM selection_boards b
		WHERE b.id = $1 AND b.administration_id = $2`, boardID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errBoardNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	var m BoardMember
	err = sqlx.GetContext(ctx, q, &m, `SELECT `+memberColumns+` FROM board_members m
		WHERE m.board_id = $1 AND m.agent_id = $2`, boardID, agentID)
	if errors.Is(err, sql.ErrNoRows) || agentID == 0 {
		return nil, nil, errBoardNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return &b, &m, nil
}

// BoardsOfMember lists the administration's boards an agent sits on.
func (s *Store) BoardsOfMember(ctx context.Context, adminID, agentID int64) ([]SelectionBoard, error) {
	var out []SelectionBoard
	err := s.db.SelectContext(ctx, &out, `SELECT `+boardColumns+` FROM selection_boards b
		JOIN board_members m ON m.board_id = b.id AND m.agent_id = $2
		WHERE b.administration_id = $1 ORDER BY b.created_at DESC, b.id DESC`, adminID, agentID)
	return out, wrap("BoardsOfMember", err)
}
