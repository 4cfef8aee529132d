package vivier

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"
)

// presidentSeat locks the board for a president's decision, which needs the
// marking closed and the results not yet arrested.
func presidentSeat(ctx context.Context, tx *sqlx.Tx, adminID, boardID, agentID int64, what string) (*SelectionBoard, error) {
	b, m, err := memberSeat(ctx, tx, adminID, boardID, agentID, "FOR UPDATE")
	if err != nil {
		return nil, err
	}
	if !m.President {
		return nil, errNotPresident(what)
	}
	if b.Arrested() {
		return nil, ErrBoardArrested
	}
	if b.MarkingClosedAt == nil {
		return nil, Errorf(ECONFLICT, "Clôturez d'abord la notation.")
	}
	return b, nil
}

func checkList(list BoardList) error {
	if list != ListPrincipale && list != ListComplementaire {
		return FieldError("list", "Choisissez la liste principale ou la liste complémentaire.")
	}
	return nil
}

// PlaceOnList puts an application on a list at a rank (0 or past the end:
// last), moving those below it down; an application already on a list
// leaves it. The application moves in the pipeline only when the results
// are arrested (see moveForList); the placement only checks that it can.
func (s *Store) PlaceOnList(ctx context.Context, adminID, boardID, agentID, appID int64, list BoardList, rank int, actor Actor) error {
	if err := checkList(list); err != nil {
		return err
	}
	return s.boardTx(ctx, "PlaceOnList", func(tx *sqlx.Tx) error {
		if _, err := presidentSeat(ctx, tx, adminID, boardID, agentID, "dresser les listes"); err != nil {
			return err
		}
		if err := assignedTo(ctx, tx, boardID, appID); err != nil {
			return err
		}
		if err := takeOffList(ctx, tx, boardID, appID); err != nil {
			return err
		}
		var count int
		if err := tx.GetContext(ctx, &count, `SELECT count(*) FROM board_list_entries WHERE board_id = $1 AND list = $2`, boardID, list); err != nil {
			return err
		}
		if rank <= 0 || rank > count+1 {
			rank = count + 1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE board_list_entries SET rank = rank + 1 WHERE board_id = $1 AND list = $2 AND rank >= $3`,
			boardID, list, rank); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO board_list_entries (board_id, application_id, list, rank) VALUES ($1, $2, $3, $4)`,
			boardID, appID, list, rank); err != nil {
			return err
		}
		if err := checkMoveForList(ctx, tx, adminID, appID, list, actor); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.list_placed", boardTarget(boardID),
			map[string]any{"candidature": appID, "liste": list, "rang": rank})
	})
}

// takeOffList removes an application from its list, if any, and closes the
// gap it leaves.
func takeOffList(ctx context.Context, tx *sqlx.Tx, boardID, appID int64) error {
	var was BoardListEntry
	err := tx.GetContext(ctx, &was, `DELETE FROM board_list_entries WHERE board_id = $1 AND application_id = $2
		RETURNING board_id, application_id, list, rank, placed_at`, boardID, appID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE board_list_entries SET rank = rank - 1 WHERE board_id = $1 AND list = $2 AND rank > $3`,
		boardID, was.List, was.Rank)
	return err
}

// moveForList moves an application in the pipeline as its list says,
// through the status machine (moveOne: history, audit, outbox email), when
// the president arrests the results (Arrest): until then the lists are a
// draft, which tells no one anything and records no hire.
//
//   - liste principale: the board retains it (the category "acceptee" is
//     what the candidate reads as "retenue"): it goes to the
//     administration's first step of that category, and the candidate is
//     told as for any decision. With the default steps that step is
//     "Recrutée", the last one, so the hire is also recorded for the SIRH
//     export as any move there does;
//   - liste complémentaire: it waits for a place on the main list. One
//     already in a step "en_cours" stays where it is; any other goes to the
//     first step "en_cours" (by default "Présélection"), without an email,
//     since nothing is decided yet.
//
// The status machine's refusals (a withdrawn application, a refused one to
// reopen first) refuse the placement with its words.
func moveForList(ctx context.Context, tx *sqlx.Tx, adminID, appID int64, list BoardList, actor Actor) error {
	app, err := lockApplication(ctx, tx, adminID, appID)
	if err != nil {
		return err
	}
	cat := CategoryAccepted
	if list == ListComplementaire {
		if app.Category == CategoryReview {
			return nil
		}
		cat = CategoryReview
	}
	var step Step
	if err := tx.GetContext(ctx, &step, `SELECT id, administration_id, name, category, position, public FROM pipeline_steps
		WHERE administration_id = $1 AND category = $2 ORDER BY position, id LIMIT 1`, adminID, cat); err != nil {
		return err
	}
	if app.StageID != nil && *app.StageID == step.ID {
		return nil
	}
	m := Move{StageID: step.ID, Notify: NotifyByDefault(step.Category)}
	if err := moveOne(ctx, tx, app, &step, nil, m, actor); err != nil {
		return err
	}
	return endMovedConvocations(ctx, tx, adminID, &step, []int64{appID}, actor)
}

// checkMoveForList says whether the status machine lets an application
// move as its list says, with its words when it does not, and leaves
// nothing: the move is made in a savepoint, then rolled back.
func checkMoveForList(ctx context.Context, tx *sqlx.Tx, adminID, appID int64, list BoardList, actor Actor) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT board_check`); err != nil {
		return err
	}
	err := moveForList(ctx, tx, adminID, appID, list, actor)
	if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT board_check`); rerr != nil {
		return rerr
	}
	if _, rerr := tx.ExecContext(ctx, `RELEASE SAVEPOINT board_check`); rerr != nil {
		return rerr
	}
	return err
}

// RemoveFromList takes an application off its list. Nothing has moved in
// the pipeline yet: the lists move it only when arrested.
func (s *Store) RemoveFromList(ctx context.Context, adminID, boardID, agentID, appID int64, actor Actor) error {
	return s.boardTx(ctx, "RemoveFromList", func(tx *sqlx.Tx) error {
		if _, err := presidentSeat(ctx, tx, adminID, boardID, agentID, "dresser les listes"); err != nil {
			return err
		}
		var on bool
		if err := tx.GetContext(ctx, &on, `SELECT EXISTS (SELECT 1 FROM board_list_entries WHERE board_id = $1 AND application_id = $2)`,
			boardID, appID); err != nil {
			return err
		}
		if !on {
			return Errorf(ENOTFOUND, "Cette candidature n'est sur aucune liste.")
		}
		if err := takeOffList(ctx, tx, boardID, appID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.list_removed", boardTarget(boardID), map[string]any{"candidature": appID})
	})
}

// ListsDrawn says what DrawUpLists placed, and what the status machine
// kept off the lists (a withdrawn application, for instance).
type ListsDrawn struct {
	Principale, Complementaire, Skipped []int64
}

// DrawUpLists replaces the lists by the ranking's proposal: the first n
// ranked applications (admissible ones only when a threshold is set) on the
// liste principale, the next m on the liste complémentaire.
func (s *Store) DrawUpLists(ctx context.Context, adminID, boardID, agentID int64, n, m int, actor Actor) (ListsDrawn, error) {
	var out ListsDrawn
	if n < 0 || m < 0 || n+m == 0 || n+m > 10000 {
		return out, FieldError("count", "Indiquez combien de candidatures placer sur chaque liste.")
	}
	err := s.boardTx(ctx, "DrawUpLists", func(tx *sqlx.Tx) error {
		out = ListsDrawn{}
		b, err := presidentSeat(ctx, tx, adminID, boardID, agentID, "dresser les listes")
		if err != nil {
			return err
		}
		res := &BoardResults{Board: *b, Applicants: map[int64]BoardApplicant{}}
		in := &ResultInput{Board: *b}
		if err := s.loadSnapshot(ctx, tx, adminID, res, in); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM board_list_entries WHERE board_id = $1`, boardID); err != nil {
			return err
		}
		ranked := make([]ApplicationResult, 0, len(res.Rows))
		for _, r := range res.Rows {
			if r.Rank > 0 && (b.Threshold == nil || r.Admissible) {
				ranked = append(ranked, r)
			}
		}
		for _, r := range ranked {
			list, rank := ListPrincipale, len(out.Principale)+1
			if len(out.Principale) >= n {
				list, rank = ListComplementaire, len(out.Complementaire)+1
				if len(out.Complementaire) >= m {
					break
				}
			}
			if err := placeOne(ctx, tx, adminID, boardID, r.ApplicationID, list, rank, actor); ErrorCode(err) == ECONFLICT {
				out.Skipped = append(out.Skipped, r.ApplicationID)
				continue
			} else if err != nil {
				return err
			}
			if list == ListPrincipale {
				out.Principale = append(out.Principale, r.ApplicationID)
			} else {
				out.Complementaire = append(out.Complementaire, r.ApplicationID)
			}
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.lists_drawn", boardTarget(boardID), map[string]any{
			"principale": out.Principale, "complémentaire": out.Complementaire, "écartées": out.Skipped})
	})
	return out, err
}

// placeOne adds an application at the end of a list being drawn up, in a
// savepoint so that a move the status machine refuses leaves nothing.
func placeOne(ctx context.Context, tx *sqlx.Tx, adminID, boardID, appID int64, list BoardList, rank int, actor Actor) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT board_place`); err != nil {
		return err
	}
	err := func() error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO board_list_entries (board_id, application_id, list, rank) VALUES ($1, $2, $3, $4)`,
			boardID, appID, list, rank); err != nil {
			return err
		}
		return checkMoveForList(ctx, tx, adminID, appID, list, actor)
	}()
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT board_place`); rerr != nil {
			return rerr
		}
		return err
	}
	_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT board_place`)
	return err
}

// Arrest makes the results final: from then on the database refuses any
// change of the board's marks, conflicts, grid, comments and lists.
func (s *Store) Arrest(ctx context.Context, adminID, boardID, agentID int64, actor Actor) error {
	return s.boardTx(ctx, "Arrest", func(tx *sqlx.Tx) error {
		if _, err := presidentSeat(ctx, tx, adminID, boardID, agentID, "arrêter les résultats"); err != nil {
			return err
		}
		// The lists take effect now, once: each application moves as its
		// list says (the liste principale's emails and hires with it).
		var entries []BoardListEntry
		if err := tx.SelectContext(ctx, &entries, `SELECT board_id, application_id, list, rank, placed_at FROM board_list_entries
			WHERE board_id = $1 ORDER BY list = 'principale' DESC, rank`, boardID); err != nil {
			return err
		}
		for _, e := range entries {
			if err := moveForList(ctx, tx, adminID, e.ApplicationID, e.List, actor); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE selection_boards SET arrested_at = now(), arrested_by = $2, updated_at = now()
			WHERE id = $1`, boardID, actor.Email); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "board.arrested", boardTarget(boardID), nil)
	})
}
