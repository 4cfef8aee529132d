package vivier

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Changes to what an application says of its candidate. Two people may make
// them: the candidate, from the tracking space (the link proves the
// address), on the applications they choose; and an agent of the
// application's administration correcting a typo, audited. Both are checked
// as at application time, and both leave an event in the application's
// history; a candidate's change is announced to the recruiters.

// changedFields names, in French, what differs between two identities.
func changedFields(before, after Identity) []string {
	var out []string
	for _, f := range []struct {
		name string
		a, b string
	}{
		{"civilité", before.Civility, after.Civility}, {"prénom", before.FirstName, after.FirstName},
		{"nom", before.LastName, after.LastName}, {"téléphone", before.Phone, after.Phone},
	} {
		if f.a != f.b {
			out = append(out, f.name)
		}
	}
	return out
}

// setIdentity writes the identity on a locked application and notes it in
// its history; it returns what changed (nothing: no write, no event).
func setIdentity(ctx context.Context, tx *sqlx.Tx, a *Application, id Identity, actor, who string) ([]string, error) {
	changed := changedFields(a.Identity, id)
	if len(changed) == 0 {
		return nil, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET civility = $2, first_name = $3, last_name = $4, phone = $5,
		updated_at = now() WHERE id = $1`, a.ID, id.Civility, id.FirstName, id.LastName, id.Phone); err != nil {
		return nil, err
	}
	return changed, insertNote(ctx, tx, a.ID, time.Time{}, actor, "Coordonnées "+who+" : "+strings.Join(changed, ", "))
}

// UpdateIdentityFromSpace changes the candidate's details on the chosen
// applications of theirs (not the erased ones) and returns how many
// changed.
func (s *Store) UpdateIdentityFromSpace(ctx context.Context, candidateID int64, appIDs []int64, id Identity) (int, error) {
	if err := id.Validate(); err != nil {
		return 0, err
	}
	if len(appIDs) == 0 {
		return 0, FieldError("applications", "Choisissez au moins une candidature à mettre à jour.")
	}
	n := 0
	err := s.inTx(ctx, "UpdateIdentityFromSpace", func(tx *sqlx.Tx) error {
		var apps []Application
		if err := tx.SelectContext(ctx, &apps, `SELECT `+applicationColumns+`, stage_id FROM applications
			WHERE id = ANY($1) AND candidate_id = $2 ORDER BY id FOR UPDATE`, pq.Array(appIDs), candidateID); err != nil {
			return err
		}
		if len(apps) != len(slices.Compact(slices.Sorted(slices.Values(appIDs)))) {
			return Errorf(ENOTFOUND, "Candidature introuvable.")
		}
		for i := range apps {
			a := &apps[i]
			if a.Category == CategoryErased || a.Category == CategoryTransferred {
				return Errorf(ECONFLICT, "Une candidature supprimée ou transférée ne peut plus changer : choisissez une autre candidature.")
			}
			changed, err := setIdentity(ctx, tx, a, id, "candidat·e", "modifiées par la personne candidate")
			if err != nil {
				return err
			}
			if changed == nil {
				continue // already so: nothing to record or announce
			}
			n++
			if _, err := tx.ExecContext(ctx, `UPDATE applications SET last_activity_at = now() WHERE id = $1`, a.ID); err != nil {
				return err
			}
			if err := addApplicationTask(ctx, tx, TaskIdentityChanged, "default", a); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// CorrectIdentity lets an agent of the administration correct what one of
// its applications says of its candidate (a typo in a name, a phone), with
// an event in its history and an entry in the audit log that names the
// fields, not their values (the log outlives an erasure).
func (s *Store) CorrectIdentity(ctx context.Context, adminID, appID int64, id Identity, actor Actor) error {
	if err := id.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, "CorrectIdentity", func(tx *sqlx.Tx) error {
		a, err := lockApplication(ctx, tx, adminID, appID)
		if err != nil {
			return err
		}
		if a.Category == CategoryErased {
			return Errorf(ECONFLICT, "Les données de cette candidature sont supprimées : il n'y a plus rien à corriger.")
		}
		changed, err := setIdentity(ctx, tx, a, id, actor.Email, "corrigées par "+actor.Email)
		if err != nil || changed == nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "application.identity_corrected", "candidature "+strconv.FormatInt(a.ID, 10),
			map[string]string{"champs": strings.Join(changed, ", ")})
	})
}
