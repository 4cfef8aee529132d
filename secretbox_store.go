package vivier

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// ResealReport is what a rotation of the platform's key did.
type ResealReport struct {
	CSPKeys     int      // CSP API keys moved to the current key
	SIRHSecrets int      // SIRH webhook secrets moved to the current key
	Legacy      int      // SIRH secrets that were still in clear, now sealed
	Current     int      // values already under the current key
	Unopened    []string // values no key of the box opens, left as they are
}

// ResealSecrets seals every sealed value again under the box's current key
// (opening with a previous one as needed), and seals the SIRH secrets left
// in clear: after it, the previous key may be forgotten. It runs in one
// transaction, rows locked, so that a save at the same time waits for it.
// A value no key opens is listed in the report and left as it is: its
// administration must enter it again.
func (s *Store) ResealSecrets(ctx context.Context, box *SecretBox) (ResealReport, error) {
	var rep ResealReport
	if box == nil {
		return rep, fmt.Errorf("ResealSecrets: no key")
	}
	err := s.inTx(ctx, "ResealSecrets", func(tx *sqlx.Tx) error {
		type sealedRow struct {
			AdministrationID int64  `db:"administration_id"`
			Sealed           []byte `db:"sealed"`
		}
		reseal := func(table, column, what string, context func(int64) string, count *int) error {
			var rows []sealedRow
			if err := tx.SelectContext(ctx, &rows, `SELECT administration_id, `+column+` AS sealed FROM `+table+`
				WHERE `+column+` IS NOT NULL ORDER BY administration_id FOR UPDATE`); err != nil {
				return err
			}
			for _, r := range rows {
				out, changed, err := box.Reseal(r.Sealed, context(r.AdministrationID))
				switch {
				case err != nil:
					rep.Unopened = append(rep.Unopened, fmt.Sprintf("%s of administration %d", what, r.AdministrationID))
					continue
				case !changed:
					rep.Current++
					continue
				}
				if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+column+` = $2 WHERE administration_id = $1`,
					r.AdministrationID, out); err != nil {
					return err
				}
				*count++
			}
			return nil
		}
		if err := reseal("csp_settings", "api_key_sealed", "CSP API key", cspKeyContext, &rep.CSPKeys); err != nil {
			return err
		}
		return reseal("sirh_settings", "webhook_secret_sealed", "SIRH webhook secret", sirhSecretContext, &rep.SIRHSecrets)
	})
	if err != nil {
		return rep, err
	}
	rep.Legacy, err = s.SealLegacySIRHSecrets(ctx, box)
	return rep, err
}
