package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/jmoiron/sqlx"
)

const memberColumns = `m.id, m.board_id, m.agent_id, m.email, m.name, m.president, m.added_at`

// AddBoardMember seats someone on a board: an agent of the administration
// (agentID), or an outside person by email and name. An outside person
// without a role in the administration is invited with the role
// membre_jury, which lets them open only the boards they sit on; their seat
// is linked to their account when they accept (AcceptInvitation).
func (s *Store) AddBoardMember(ctx context.Context, adminID, boardID, agentID int64, email, name string, actor Actor) (*BoardMember, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	name = strings.TrimSpace(name)
	if agentID == 0 {
		if _, err := ParseEmail(email); err != nil {
			return nil, FieldError("email", "Saisissez l'adresse électronique du membre, par exemple prenom.nom@exemple.fr.")
		}
		if len([]rune(name)) > 200 {
			return nil, FieldError("name", "Le nom compte 200 caractères au plus.")
		}
	}
	var m BoardMember
	err := s.boardTx(ctx, "AddBoardMember", func(tx *sqlx.Tx) error {
		b, err := lockOpenBoard(ctx, tx, adminID, boardID)
		if err != nil {
			return err
		}
		if b.MarkingClosedAt != nil {
			return Errorf(ECONFLICT, "La notation est close : la composition du jury ne change plus.")
		}
		var ag struct {
			ID    int64  `db:"id"`
			Email string `db:"email"`
			Name  string `db:"name"`
		}
		q := `SELECT a.id, a.email, trim(a.first_name || ' ' || a.last_name) AS name FROM agents a
			WHERE a.status = 'active' AND EXISTS (SELECT 1 FROM casbin_rules r WHERE r.ptype = 'g' AND r.v0 = 'agent:' || a.id AND r.v2 = $2)`
		if agentID != 0 {
			err = tx.GetContext(ctx, &ag, q+` AND a.id = $1`, agentID, AdministrationDomain(adminID))
			if errors.Is(err, sql.ErrNoRows) {
				return FieldError("agent", "Choisissez un agent de l'administration dans la liste.")
			}
		} else {
			err = tx.GetContext(ctx, &ag, q+` AND a.email = $1`, email, AdministrationDomain(adminID))
			if errors.Is(err, sql.ErrNoRows) {
				err = nil
			}
		}
		if err != nil {
			return err
		}
		var linked *int64
		if ag.ID != 0 {
			linked, email = &ag.ID, ag.Email
			if name == "" || agentID != 0 {
				name = ag.Name
			}
		}
		err = tx.GetContext(ctx, &m, `INSERT INTO board_members (board_id, agent_id, email, name) VALUES ($1, $2, $3, $4)
			RETURNING id, board_id, agent_id, email, name, president, added_at`, boardID, linked, email, name)
		if ErrorCode(wrap("", err)) == ECONFLICT {
			return Errorf(ECONFLICT, "Cette personne siège déjà dans ce jury.")
		}
		if err != nil {
			return err
		}
		if linked == nil {
			if err := s.inviteBoardMember(ctx, tx, adminID, email, actor); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.member_added", boardTarget(boardID),
			map[string]any{"membre": email, "extérieur": linked == nil})
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// inviteBoardMember invites an outside member as membre_jury, unless an
// invitation of theirs is still pending (any role lets their seat link).
func (s *Store) inviteBoardMember(ctx context.Context, tx *sqlx.Tx, adminID int64, email string, actor Actor) error {
	var pending bool
	if err := tx.GetContext(ctx, &pending, `SELECT EXISTS (SELECT 1 FROM agent_invitations
		WHERE administration_id = $1 AND email = $2 AND accepted_at IS NULL AND expires_at > $3)`, adminID, email, s.now()); err != nil {
		return err
	}
	if pending {
		return nil
	}
	return s.inviteTx(ctx, tx, adminID, email, RoleMembreJury, actor, &Invitation{})
}

// linkBoardMembers gives an agent the seats they were offered by email in
// the administration's boards.
func linkBoardMembers(ctx context.Context, tx *sqlx.Tx, adminID, agentID int64, email string) error {
	_, err := tx.ExecContext(ctx, `UPDATE board_members SET agent_id = $1
		WHERE lower(email) = lower($2) AND agent_id IS NULL
		  AND board_id IN (SELECT id FROM selection_boards WHERE administration_id = $3)`, agentID, email, adminID)
	return err
}

// RemoveBoardMember takes a member off a board while the marking is open,
// with their marks, comments and declarations.
func (s *Store) RemoveBoardMember(ctx context.Context, adminID, boardID, memberID int64, actor Actor) error {
	return s.boardTx(ctx, "RemoveBoardMember", func(tx *sqlx.Tx) error {
		b, err := lockOpenBoard(ctx, tx, adminID, boardID)
		if err != nil {
			return err
		}
		if b.MarkingClosedAt != nil {
			return Errorf(ECONFLICT, "La notation est close : la composition du jury ne change plus.")
		}
		var email string
		err = tx.GetContext(ctx, &email, `DELETE FROM board_members WHERE id = $1 AND board_id = $2 RETURNING email`, memberID, boardID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Ce membre ne siège pas dans ce jury.")
		}
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.member_removed", boardTarget(boardID), map[string]any{"membre": email})
	})
}

// SetPresident makes one member the president of the board (the previous
// one becomes a plain member).
func (s *Store) SetPresident(ctx context.Context, adminID, boardID, memberID int64, actor Actor) error {
	return s.boardTx(ctx, "SetPresident", func(tx *sqlx.Tx) error {
		if _, err := lockOpenBoard(ctx, tx, adminID, boardID); err != nil {
			return err
		}
		var email string
		err := tx.GetContext(ctx, &email, `SELECT email FROM board_members WHERE id = $1 AND board_id = $2`, memberID, boardID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "Ce membre ne siège pas dans ce jury.")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE board_members SET president = false WHERE board_id = $1 AND president`, boardID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE board_members SET president = true WHERE id = $1`, memberID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.president_set", boardTarget(boardID), map[string]any{"président": email})
	})
}

// BoardMembers lists a board's members, the president first.
func (s *Store) BoardMembers(ctx context.Context, adminID, boardID int64) ([]BoardMember, error) {
	if _, err := s.BoardByID(ctx, adminID, boardID); err != nil {
		return nil, err
	}
	out, err := membersOf(ctx, s.db, boardID)
	return out, wrap("BoardMembers", err)
}

func membersOf(ctx context.Context, q sqlx.QueryerContext, boardID int64) ([]BoardMember, error) {
	var out []BoardMember
	err := sqlx.SelectContext(ctx, q, &out, `SELECT `+memberColumns+` FROM board_members m
		WHERE m.board_id = $1 ORDER BY m.president DESC, m.added_at, m.id`, boardID)
	return out, err
}
