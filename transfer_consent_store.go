package vivier

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

const transferFrom = `FROM application_transfers t JOIN applications a ON a.id = t.application_id
	JOIN administrations f ON f.id = t.from_administration_id JOIN administrations d ON d.id = t.to_administration_id
	LEFT JOIN offers o ON o.id = a.offer_id`

// ProposeTransfer proposes to the candidate to send one of the
// administration's pending applications to another administration.
func (s *Store) ProposeTransfer(ctx context.Context, adminID, appID int64, slug string, actor Actor) (int64, error) {
	// Another administration's application is not found before anything
	// about the form is said.
	var mine bool
	if err := s.db.GetContext(ctx, &mine, `SELECT EXISTS (SELECT 1 FROM applications WHERE id = $1 AND administration_id = $2)`,
		appID, adminID); err != nil {
		return 0, wrap("ProposeTransfer", err)
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
	var id int64
	err = s.inTx(ctx, "ProposeTransfer", func(tx *sqlx.Tx) error {
		a, err := openApplication(ctx, tx, adminID, appID)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &id, `INSERT INTO application_transfers (application_id, from_administration_id, to_administration_id,
				agent_email, expires_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id`,
			a.ID, adminID, target.ID, actor.Email, s.now().Add(TransferLifetime))
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ECONFLICT, "Un transfert de cette candidature attend déjà la réponse de la personne candidate.")
		}
		if err != nil {
			return err
		}
		if err := insertNote(ctx, tx, a.ID, time.Time{}, actor.Email, "Transfert proposé à "+target.Name+
			" : en attente de l'accord de la personne candidate"); err != nil {
			return err
		}
		msg, err := NewOutboxMessage(TaskTransferProposed, "critical", TransferTask{TransferID: id})
		if err != nil {
			return err
		}
		msg.AdministrationID = &adminID
		if err := insertOutbox(ctx, tx, &msg); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "application.transfer_proposed", "candidature "+strconv.FormatInt(a.ID, 10),
			map[string]string{"vers l'administration": target.Slug})
	})
	return id, err
}

// TransferByID returns a transfer, for the worker.
func (s *Store) TransferByID(ctx context.Context, id int64) (*Transfer, error) {
	var t Transfer
	err := s.db.GetContext(ctx, &t, `SELECT `+transferColumns+` `+transferFrom+` WHERE t.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "Transfert introuvable.")
	}
	return &t, wrap("TransferByID", err)
}

// ApplicationTransfers lists the transfers proposed for one of the
// administration's applications, newest first.
func (s *Store) ApplicationTransfers(ctx context.Context, adminID, appID int64) ([]Transfer, error) {
	var out []Transfer
	err := s.db.SelectContext(ctx, &out, `SELECT `+transferColumns+` `+transferFrom+`
		WHERE t.application_id = $1 AND t.from_administration_id = $2 ORDER BY t.created_at DESC, t.id DESC`, appID, adminID)
	return out, wrap("ApplicationTransfers", err)
}

// PendingTransfers lists the transfers waiting for the candidate.
func (s *Store) PendingTransfers(ctx context.Context, candidateID int64, now time.Time) ([]Transfer, error) {
	var out []Transfer
	err := s.db.SelectContext(ctx, &out, `SELECT `+transferColumns+` `+transferFrom+`
		WHERE a.candidate_id = $1 AND t.outcome = 'en_attente' AND t.expires_at > $2 ORDER BY t.id`, candidateID, now)
	return out, wrap("PendingTransfers", err)
}

// lockPendingTransfer locks one of the candidate's transfers that still
// waits for an answer, with its application.
func lockPendingTransfer(ctx context.Context, tx *sqlx.Tx, candidateID, transferID int64, now time.Time) (*Transfer, *Application, error) {
	var t Transfer
	err := tx.GetContext(ctx, &t, `SELECT `+transferColumns+` `+transferFrom+`
		WHERE t.id = $1 AND a.candidate_id = $2 FOR UPDATE OF t`, transferID, candidateID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, Errorf(ENOTFOUND, "Transfert introuvable.")
	}
	if err != nil {
		return nil, nil, err
	}
	if t.Outcome != "en_attente" || !now.Before(t.ExpiresAt) {
		return nil, nil, Errorf(ECONFLICT, "Ce transfert n'attend plus de réponse : il a expiré ou a déjà reçu la vôtre.")
	}
	a, err := candidateApplication(ctx, tx, candidateID, t.ApplicationID)
	if err != nil {
		return nil, nil, err
	}
	return &t, a, nil
}

// RefuseTransfer records the candidate's refusal: nothing reaches the other
// administration.
func (s *Store) RefuseTransfer(ctx context.Context, candidateID, transferID int64, now time.Time) error {
	return s.inTx(ctx, "RefuseTransfer", func(tx *sqlx.Tx) error {
		t, a, err := lockPendingTransfer(ctx, tx, candidateID, transferID, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE application_transfers SET outcome = 'refusee', decided_at = $2 WHERE id = $1`,
			t.ID, now); err != nil {
			return err
		}
		return insertNote(ctx, tx, a.ID, now, "candidat·e", "Transfert à "+t.ToAdminName+" refusé par la personne candidate")
	})
}

// AcceptTransfer makes the application in the other administration, with
// the candidate's consent, and returns its id.
func (s *Store) AcceptTransfer(ctx context.Context, candidateID, transferID int64, files FileStore, now time.Time) (int64, error) {
	// Files are copied before the transaction, like Apply stores them; a
	// failed transaction removes the copies.
	var src []StoredFile
	if err := s.db.SelectContext(ctx, &src, `SELECT f.id, f.application_id, f.kind, f.file_key, f.name, f.content_type, f.size, f.sha256, f.created_at
		FROM application_files f JOIN application_transfers t ON t.application_id = f.application_id
		JOIN applications a ON a.id = f.application_id
		WHERE t.id = $1 AND a.candidate_id = $2 AND f.deleted_at IS NULL ORDER BY f.id`, transferID, candidateID); err != nil {
		return 0, wrap("AcceptTransfer", err)
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
			return 0, fmt.Errorf("AcceptTransfer: %w", err)
		}
		copies = append(copies, key)
	}
	var newID int64
	err := s.inTx(ctx, "AcceptTransfer", func(tx *sqlx.Tx) error {
		t, a, err := lockPendingTransfer(ctx, tx, candidateID, transferID, now)
		if err != nil {
			return err
		}
		if a.Category != CategoryNew && a.Category != CategoryReview {
			return Errorf(ECONFLICT, "Cette candidature est close (%s) : elle ne peut plus être transférée.", StatusLabel(a.Category, false))
		}
		var active bool
		if err := tx.GetContext(ctx, &active, `SELECT status = 'active' FROM administrations WHERE id = $1`, t.ToAdminID); err != nil {
			return err
		}
		if !active {
			return Errorf(ECONFLICT, "%s ne reçoit plus de candidatures : le transfert n'est plus possible.", t.ToAdminName)
		}
		if err := tx.GetContext(ctx, &newID, `INSERT INTO applications (administration_id, candidate_id, civility, first_name, last_name,
				phone, source, letter_text, domaine_code, consent_at, idempotency_key, transferred_from)
			SELECT $2, candidate_id, civility, first_name, last_name, phone, source, letter_text, domaine_code, $4, $3, id
			FROM applications WHERE id = $1
			RETURNING id`, a.ID, t.ToAdminID, uuid.NewString(), now); err != nil {
			return err
		}
		for i, f := range src {
			if _, err := tx.ExecContext(ctx, `INSERT INTO application_files (application_id, kind, file_key, name, content_type, size, sha256, text, label)
				SELECT $2, kind, $3, name, content_type, size, sha256, text, label FROM application_files WHERE id = $1`, f.ID, newID, copies[i]); err != nil {
				return err
			}
		}
		events := []struct {
			app      int64
			from, to Category
			reason   string
		}{
			{a.ID, a.Category, CategoryTransferred, "Transférée à " + t.ToAdminName + " avec l'accord de la personne candidate"},
			{newID, "", CategoryNew, "Transférée par " + t.FromAdminName + " avec l'accord de la personne candidate"},
		}
		for _, e := range events {
			if _, err := tx.ExecContext(ctx, `INSERT INTO application_events (application_id, actor, from_category, to_category, reason, email_sent)
				VALUES ($1, 'candidat·e', $2, $3, $4, $5)`, e.app, e.from, e.to, e.reason, e.app == newID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET category = 'transferee', stage_id = NULL, updated_at = now(),
			last_activity_at = now() WHERE id = $1`, a.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE application_transfers SET outcome = 'acceptee', decided_at = $2, new_application_id = $3
			WHERE id = $1`, t.ID, now, newID); err != nil {
			return err
		}
		for _, m := range []struct{ task, queue string }{{TaskApplicationTransferred, "critical"}, {TaskNewApplication, "default"}} {
			msg, err := NewOutboxMessage(m.task, m.queue, ApplicationTask{ApplicationID: newID})
			if err != nil {
				return err
			}
			msg.AdministrationID = &t.ToAdminID
			if err := insertOutbox(ctx, tx, &msg); err != nil {
				return err
			}
		}
		cand := Actor{Email: "candidat·e"}
		if err := insertAudit(ctx, tx, &t.FromAdminID, cand, "application.transferred", "candidature "+strconv.FormatInt(a.ID, 10),
			map[string]string{"vers l'administration": t.ToAdminName}); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &t.ToAdminID, cand, "application.received_by_transfer", "candidature "+strconv.FormatInt(newID, 10),
			map[string]string{"de l'administration": t.FromAdminName})
	})
	if err != nil {
		cleanup()
		return 0, err
	}
	return newID, nil
}

// ExpireTransfers cancels the transfers left without an answer, noting it
// in each application's history, and returns how many.
func (s *Store) ExpireTransfers(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.inTx(ctx, "ExpireTransfers", func(tx *sqlx.Tx) error {
		var rows []struct {
			ApplicationID int64  `db:"application_id"`
			To            string `db:"to_name"`
		}
		if err := tx.SelectContext(ctx, &rows, `UPDATE application_transfers t SET outcome = 'expiree', decided_at = $1
			FROM administrations d WHERE d.id = t.to_administration_id AND t.outcome = 'en_attente' AND t.expires_at <= $1
			RETURNING t.application_id, d.name AS to_name`, now); err != nil {
			return err
		}
		n = len(rows)
		for _, r := range rows {
			if err := insertNote(ctx, tx, r.ApplicationID, now, "tâche planifiée",
				"Transfert à "+r.To+" annulé : pas de réponse de la personne candidate dans le délai"); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}
