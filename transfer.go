package vivier

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// Transfers. Within the administration, an application moves to another
// offer and keeps its step and history. To another administration (named
// by its slug), a new application is made there, spontaneous and
// "nouvelle", with copies of the files (a file key belongs to one
// application) and the letter, not the answers (they answer the first
// offer's questions) nor the talent-pool consent (it was given to the first
// administration); the candidate is told by email, the receiving recruiters
// get the usual notice of a new application, and the original is closed as
// "transferee" with an event on both sides.

// CategoryTransferred is an application sent to another administration:
// closed where it was, like a withdrawal, with no step.
const CategoryTransferred Category = "transferee"

// TaskApplicationTransferred tells a candidate that their application went
// to another administration.
const TaskApplicationTransferred = "email:application_transferred"

// TransferOffers lists the administration's offers an application may move
// to: the published ones, but not the one it is on.
func (s *Store) TransferOffers(ctx context.Context, adminID int64, except *int64) ([]Offer, error) {
	offers, err := s.OffersOf(ctx, adminID, OfferPublished, 500)
	if err != nil {
		return nil, err
	}
	out := offers[:0]
	for _, o := range offers {
		if except == nil || o.ID != *except {
			out = append(out, o)
		}
	}
	return out, nil
}

func openApplication(ctx context.Context, tx *sqlx.Tx, adminID, appID int64) (*Application, error) {
	apps, err := lockApplications(ctx, tx, adminID, []int64{appID})
	if err != nil {
		return nil, err
	}
	if len(apps) == 0 {
		return nil, Errorf(ENOTFOUND, "Candidature introuvable.")
	}
	a := &apps[0]
	if a.Category != CategoryNew && a.Category != CategoryReview {
		return nil, Errorf(ECONFLICT, "Seule une candidature en attente (reçue ou en cours d'examen) peut être transférée : celle-ci est %s.",
			StatusLabel(a.Category, false))
	}
	return a, nil
}

// TransferToOffer moves an application to another offer of the
// administration; it keeps its step.
func (s *Store) TransferToOffer(ctx context.Context, adminID, appID, offerID int64, actor Actor) error {
	return s.inTx(ctx, "TransferToOffer", func(tx *sqlx.Tx) error {
		a, err := openApplication(ctx, tx, adminID, appID)
		if err != nil {
			return err
		}
		if a.OfferID != nil && *a.OfferID == offerID {
			return FieldError("offer", "La candidature est déjà sur cette offre : choisissez-en une autre.")
		}
		var to, from string
		err = tx.GetContext(ctx, &to, `SELECT title FROM offers WHERE id = $1 AND administration_id = $2 AND status = 'published'`,
			offerID, adminID)
		if errors.Is(err, sql.ErrNoRows) {
			return FieldError("offer", "Choisissez une offre publiée de votre administration.")
		}
		if err != nil {
			return err
		}
		from = "candidature spontanée"
		if a.OfferID != nil {
			if err := tx.GetContext(ctx, &from, `SELECT title FROM offers WHERE id = $1`, *a.OfferID); err != nil {
				return err
			}
			from = "« " + from + " »"
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET offer_id = $3, updated_at = now(), last_activity_at = now()
			WHERE id = $1 AND administration_id = $2`, a.ID, adminID, offerID); err != nil {
			var pe *pq.Error
			if errors.As(err, &pe) && pe.Constraint == "applications_once_per_offer" {
				return FieldError("offer", "Cette personne a déjà une candidature sur l'offre « "+to+" ».")
			}
			return err
		}
		reason := fmt.Sprintf("Transférée de %s vers l'offre « %s »", from, to)
		if _, err := tx.ExecContext(ctx, `INSERT INTO application_events (application_id, actor, from_category, to_category, stage_id, reason)
			VALUES ($1, $2, $3, $3, $4, $5)`, a.ID, actor.Email, a.Category, a.StageID, reason); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "application.transferred", "candidature "+strconv.FormatInt(a.ID, 10),
			map[string]string{"vers l'offre": to})
	})
}

// TransferToAdministration sends an application to another administration
// and returns the new application's id there.
func (s *Store) TransferToAdministration(ctx context.Context, adminID, appID int64, slug string, files FileStore, actor Actor) (int64, error) {
	// Another administration's application is not found before anything
	// about the form is said.
	var mine bool
	if err := s.db.GetContext(ctx, &mine, `SELECT EXISTS (SELECT 1 FROM applications WHERE id = $1 AND administration_id = $2)`,
		appID, adminID); err != nil {
		return 0, wrap("TransferToAdministration", err)
	}
	if !mine {
		return 0, Errorf(ENOTFOUND, "Candidature introuvable.")
	}
	target, err := s.AdministrationBySlug(ctx, slug)
	if ErrorCode(err) == ENOTFOUND || (err == nil && target.Status != "active") {
		return 0, FieldError("administration", "Aucune administration active ne porte cet identifiant : vérifiez-le (par exemple ville-demo).")
	}
	if err != nil {
		return 0, err
	}
	if target.ID == adminID {
		return 0, FieldError("administration", "La candidature est déjà dans votre administration : pour changer d'offre, choisissez une offre ci-dessus.")
	}
	// Files are copied before the transaction, like Apply stores them; a
	// failed transaction removes the copies.
	var src []StoredFile
	if err := s.db.SelectContext(ctx, &src, `SELECT f.id, f.application_id, f.kind, f.file_key, f.name, f.content_type, f.size, f.sha256, f.created_at
		FROM application_files f JOIN applications a ON a.id = f.application_id
		WHERE f.application_id = $1 AND a.administration_id = $2 AND f.deleted_at IS NULL ORDER BY f.id`, appID, adminID); err != nil {
		return 0, wrap("TransferToAdministration", err)
	}
	copies := make([]string, 0, len(src))
	cleanup := func() {
		for _, k := range copies {
			_ = files.Delete(context.WithoutCancel(ctx), k)
		}
	}
	for _, f := range src {
		key := "applications/" + uuid.NewString() + "/" + f.Kind
		if err := copyFile(ctx, files, f.Key, key, f.ContentType); err != nil {
			cleanup()
			return 0, fmt.Errorf("TransferToAdministration: %w", err)
		}
		copies = append(copies, key)
	}
	var newID int64
	err = s.inTx(ctx, "TransferToAdministration", func(tx *sqlx.Tx) error {
		a, err := openApplication(ctx, tx, adminID, appID)
		if err != nil {
			return err
		}
		var fromName string
		if err := tx.GetContext(ctx, &fromName, `SELECT name FROM administrations WHERE id = $1`, adminID); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &newID, `INSERT INTO applications (administration_id, candidate_id, source, letter_text, domaine_code,
				consent_at, idempotency_key, transferred_from)
			SELECT $2, candidate_id, source, letter_text, domaine_code, consent_at, $3, id FROM applications WHERE id = $1
			RETURNING id`, a.ID, target.ID, uuid.NewString()); err != nil {
			return err
		}
		for i, f := range src {
			if _, err := tx.ExecContext(ctx, `INSERT INTO application_files (application_id, kind, file_key, name, content_type, size, sha256, text)
				SELECT $2, kind, $3, name, content_type, size, sha256, text FROM application_files WHERE id = $1`, f.ID, newID, copies[i]); err != nil {
				return err
			}
		}
		events := []struct {
			app      int64
			from, to Category
			reason   string
		}{
			{a.ID, a.Category, CategoryTransferred, "Transférée à " + target.Name},
			{newID, "", CategoryNew, "Transférée par " + fromName},
		}
		for _, e := range events {
			if _, err := tx.ExecContext(ctx, `INSERT INTO application_events (application_id, actor, from_category, to_category, reason, email_sent)
				VALUES ($1, $2, $3, $4, $5, $6)`, e.app, actor.Email, e.from, e.to, e.reason, e.app == newID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET category = 'transferee', stage_id = NULL, updated_at = now()
			WHERE id = $1 AND administration_id = $2`, a.ID, adminID); err != nil {
			return err
		}
		for _, m := range []struct{ task, queue string }{{TaskApplicationTransferred, "critical"}, {TaskNewApplication, "default"}} {
			msg, err := NewOutboxMessage(m.task, m.queue, ApplicationTask{ApplicationID: newID})
			if err != nil {
				return err
			}
			msg.AdministrationID = &target.ID
			if err := insertOutbox(ctx, tx, &msg); err != nil {
				return err
			}
		}
		if err := insertAudit(ctx, tx, &adminID, actor, "application.transferred", "candidature "+strconv.FormatInt(a.ID, 10),
			map[string]string{"vers l'administration": target.Slug}); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &target.ID, actor, "application.received_by_transfer", "candidature "+strconv.FormatInt(newID, 10),
			map[string]string{"de l'administration": fromName})
	})
	if err != nil {
		cleanup()
		return 0, err
	}
	return newID, nil
}

func copyFile(ctx context.Context, files FileStore, from, to, contentType string) error {
	r, err := files.Open(ctx, from)
	if err != nil {
		return err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return files.Put(ctx, to, data, contentType)
}

// TransferOrigin says where an application transferred from another
// administration came from.
type TransferOrigin struct {
	AdminName  string  `db:"administration_name"`
	OfferTitle *string `db:"offer_title"`
}

// TransferredFrom returns the origin of one of the administration's
// applications, ENOTFOUND when it was not transferred.
func (s *Store) TransferredFrom(ctx context.Context, adminID, appID int64) (*TransferOrigin, error) {
	var o TransferOrigin
	err := s.db.GetContext(ctx, &o, `SELECT ad.name AS administration_name, of.title AS offer_title
		FROM applications a JOIN applications src ON src.id = a.transferred_from
		JOIN administrations ad ON ad.id = src.administration_id LEFT JOIN offers of ON of.id = src.offer_id
		WHERE a.id = $1 AND a.administration_id = $2`, appID, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Candidature non transférée.")
	}
	return &o, wrap("TransferredFrom", err)
}

// RecruitedElsewhere returns, among the given applications of the
// administration, those still pending whose candidate was recruited on
// another application of the same administration.
func (s *Store) RecruitedElsewhere(ctx context.Context, adminID int64, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var flagged []int64
	err := s.db.SelectContext(ctx, &flagged, `SELECT a.id FROM applications a
		WHERE a.administration_id = $1 AND a.id = ANY($2) AND a.category IN ('nouvelle', 'en_cours')
		AND EXISTS (SELECT 1 FROM applications r WHERE r.candidate_id = a.candidate_id AND r.administration_id = $1
			AND r.category = 'acceptee' AND r.id <> a.id)`, adminID, pq.Array(ids))
	for _, id := range flagged {
		out[id] = true
	}
	return out, wrap("RecruitedElsewhere", err)
}
