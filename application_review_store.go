package vivier

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/jmoiron/sqlx"
)

// The back-office's first view of applications: lists, one application with
// its files, and attaching a spontaneous application to an offer. Every
// query takes the administration id: an agent reaches only its own.

// ApplicationForAgents returns one application of the administration.
func (s *Store) ApplicationForAgents(ctx context.Context, adminID, id int64) (*ApplicationDetail, error) {
	sum, err := s.ApplicationSummaryByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if sum.AdministrationID != adminID {
		return nil, Errorf(ENOTFOUND, "Candidature introuvable.") // another administration's: not even its existence
	}
	d := &ApplicationDetail{ApplicationSummary: *sum}
	if err := s.db.SelectContext(ctx, &d.Files, `SELECT id, application_id, kind, file_key, name, content_type, size, sha256, created_at, text
		FROM application_files WHERE application_id = $1 AND deleted_at IS NULL ORDER BY id`, id); err != nil {
		return nil, wrap("ApplicationForAgents", err)
	}
	if err := s.db.SelectContext(ctx, &d.Events, `SELECT at, to_category FROM application_events WHERE application_id = $1 ORDER BY at, id`, id); err != nil {
		return nil, wrap("ApplicationForAgents", err)
	}
	for i := range d.Events {
		d.Events[i].Label = StatusLabel(d.Events[i].To, false)
	}
	if sum.OfferID != nil {
		var q JSONB[[]Question]
		if err := s.db.GetContext(ctx, &q, `SELECT questions FROM offers WHERE id = $1 AND administration_id = $2`, *sum.OfferID, adminID); err != nil {
			return nil, wrap("ApplicationForAgents", err)
		}
		d.Questions = q.V
	}
	return d, nil
}

// ApplicationFile returns a file of one of the administration's
// applications; a file of another administration is not found.
func (s *Store) ApplicationFile(ctx context.Context, adminID, appID, fileID int64) (*StoredFile, error) {
	var f StoredFile
	err := s.db.GetContext(ctx, &f, `SELECT f.id, f.application_id, f.kind, f.file_key, f.name, f.content_type, f.size, f.sha256, f.created_at
		FROM application_files f JOIN applications a ON a.id = f.application_id
		WHERE f.id = $1 AND f.application_id = $2 AND a.administration_id = $3 AND f.deleted_at IS NULL`, fileID, appID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Ce fichier n'existe pas.")
	}
	return &f, wrap("ApplicationFile", err)
}

// AttachToOffer turns a spontaneous application into an application to one
// of the administration's offers.
func (s *Store) AttachToOffer(ctx context.Context, adminID, appID, offerID int64, actor Actor) error {
	return s.inTx(ctx, "AttachToOffer", func(tx *sqlx.Tx) error {
		var ref string
		if err := tx.GetContext(ctx, &ref, `SELECT reference FROM offers WHERE id = $1 AND administration_id = $2`, offerID, adminID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return FieldError("offer", "Choisissez une offre de votre administration.")
			}
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE applications SET offer_id = $3, updated_at = now()
			WHERE id = $1 AND administration_id = $2 AND offer_id IS NULL`, appID, adminID, offerID)
		if err != nil {
			if ErrorCode(wrap("", err)) == ECONFLICT {
				return Errorf(ECONFLICT, "Ce candidat a déjà postulé à cette offre.")
			}
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "Candidature spontanée introuvable.")
		}
		return insertAudit(ctx, tx, &adminID, actor, "application.attached", ref, map[string]string{"candidature": strconv.FormatInt(appID, 10)})
	})
}

// ResponseDays returns how many days the administration promises to take
// before answering a candidate.
func (s *Store) ResponseDays(ctx context.Context, adminID int64) (int, error) {
	var d int
	err := s.db.GetContext(ctx, &d, `SELECT response_days FROM administrations WHERE id = $1`, adminID)
	return d, wrap("ResponseDays", err)
}

// SetResponseDays changes the promised response time; candidates see it in
// their space and may nudge the recruiters once it has passed.
func (s *Store) SetResponseDays(ctx context.Context, adminID int64, days int, actor Actor) error {
	if days < 1 || days > 180 {
		return FieldError("response_days", "Le délai de réponse se compte en jours, de 1 à 180.")
	}
	return s.inTx(ctx, "SetResponseDays", func(tx *sqlx.Tx) error {
		var before int
		if err := tx.GetContext(ctx, &before, `SELECT response_days FROM administrations WHERE id = $1 FOR UPDATE`, adminID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE administrations SET response_days = $2, updated_at = now() WHERE id = $1`, adminID, days); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "administration.response_days", "", map[string]string{
			"avant": strconv.Itoa(before), "après": strconv.Itoa(days)})
	})
}
