package vivier

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
)

// What a candidate does with their own data from their space: write to the
// recruiters, change their CV, take a copy of everything, erase it (their
// details: candidate_identity.go).

// SendCandidateMessage sends the recruiters a message about an application
// ("relancer"), allowed once the promised response time has passed.
func (s *Store) SendCandidateMessage(ctx context.Context, candidateID, appID int64, body string) error {
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > 5000 {
		return FieldError("message", "Écrivez votre message (5 000 caractères au plus).")
	}
	apps, err := s.CandidateApplications(ctx, candidateID)
	if err != nil {
		return err
	}
	var app *TrackedApplication
	for i := range apps {
		if apps[i].ID == appID {
			app = &apps[i]
		}
	}
	switch {
	case app == nil:
		return Errorf(ENOTFOUND, "Candidature introuvable.")
	case !app.CanNudge(s.now()):
		return Errorf(ECONFLICT, "Vous pourrez relancer le recruteur à partir du %s, si votre candidature n'a pas reçu de réponse d'ici là.",
			app.AnswerDue().Format("02/01/2006"))
	}
	return s.inTx(ctx, "SendCandidateMessage", func(tx *sqlx.Tx) error {
		a, err := candidateApplication(ctx, tx, candidateID, appID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO application_messages (application_id, from_candidate, body) VALUES ($1, true, $2)`,
			a.ID, body); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET last_activity_at = now() WHERE id = $1`, a.ID); err != nil {
			return err
		}
		return addApplicationTask(ctx, tx, TaskCandidateMessage, "default", a)
	})
}

// ReplaceCV adds a newer CV to a pending application; the old one stays, so
// recruiters see what they rated.
func (s *Store) ReplaceCV(ctx context.Context, candidateID, appID int64, up *Upload, files FileStore) error {
	key := "applications/" + uuid.NewString() + "/cv"
	if err := files.Put(ctx, key, up.Data, up.ContentType); err != nil {
		return err
	}
	err := s.inTx(ctx, "ReplaceCV", func(tx *sqlx.Tx) error {
		a, err := candidateApplication(ctx, tx, candidateID, appID)
		if err != nil {
			return err
		}
		if a.Category != CategoryNew && a.Category != CategoryReview {
			return Errorf(ECONFLICT, "Cette candidature est close : son CV ne peut plus changer.")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO application_files (application_id, kind, file_key, name, content_type, size, sha256, text)
			VALUES ($1, 'cv', $2, $3, $4, $5, $6, $7)`, a.ID, key, up.Name, up.ContentType, up.Size, up.SHA256, up.Text); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE applications SET last_activity_at = now(), updated_at = now() WHERE id = $1`, a.ID)
		return err
	})
	if err != nil {
		_ = files.Delete(context.WithoutCancel(ctx), key)
	}
	return err
}

// CandidateFiles lists the live files of a candidate's applications.
func (s *Store) CandidateFiles(ctx context.Context, candidateID int64) ([]StoredFile, error) {
	var out []StoredFile
	err := s.db.SelectContext(ctx, &out, `SELECT f.id, f.application_id, f.kind, f.file_key, f.name, f.content_type, f.size, f.sha256, f.created_at
		FROM application_files f JOIN applications a ON a.id = f.application_id
		WHERE a.candidate_id = $1 AND f.deleted_at IS NULL ORDER BY f.id`, candidateID)
	return out, wrap("CandidateFiles", err)
}

// EraseCandidate erases a candidate's personal data: identity, answers,
// letters, messages, links, the addresses in the email log, and the files.
// The application rows stay, anonymised, for the statistics. Files are
// marked in the transaction and removed from the store after it; a file the
// store could not remove is removed by the hourly purge.
func (s *Store) EraseCandidate(ctx context.Context, candidateID int64, files FileStore) error {
	var keys []string
	err := s.inTx(ctx, "EraseCandidate", func(tx *sqlx.Tx) error {
		var email *string
		if err := tx.GetContext(ctx, &email, `SELECT email FROM candidates WHERE id = $1 FOR UPDATE`, candidateID); err != nil {
			return err
		}
		stmts := []string{
			`UPDATE candidates SET email = NULL, erased_at = now(), updated_at = now() WHERE id = $1`,
			// Applications the retention already anonymised keep their one event.
			`INSERT INTO application_events (application_id, actor, from_category, to_category) SELECT id, 'candidat·e', '', 'anonymisee' FROM applications WHERE candidate_id = $1 AND category <> 'anonymisee'`,
			`UPDATE applications SET category = 'anonymisee', answers = '{}', letter_text = '', withdraw_reason = '', talent_pool_at = NULL,
				civility = '', first_name = '', last_name = '', phone = '', updated_at = now() WHERE candidate_id = $1`,
			// Nothing waits for this person any more.
			`UPDATE application_transfers SET outcome = 'annulee', decided_at = now()
				WHERE outcome = 'en_attente' AND application_id IN (SELECT id FROM applications WHERE candidate_id = $1)`,
			`UPDATE candidate_merges SET outcome = 'refusee', decided_at = now() WHERE outcome = 'en_attente' AND $1 IN (keep_id, other_id)`,
			`UPDATE application_events SET reason = '' WHERE application_id IN (SELECT id FROM applications WHERE candidate_id = $1)`,
			`DELETE FROM application_messages WHERE application_id IN (SELECT id FROM applications WHERE candidate_id = $1)`,
			`DELETE FROM tracking_links WHERE candidate_id = $1`,
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q, candidateID); err != nil {
				return err
			}
		}
		if email != nil {
			if _, err := tx.ExecContext(ctx, `UPDATE sent_emails SET recipient = 'supprime@invalid' WHERE recipient = $1`, *email); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE email_bounces SET recipient = 'supprime@invalid' WHERE recipient = $1`, *email); err != nil {
				return err
			}
			// Link requests keep the address in their payload until the
			// outbox purge; an erased candidate gets no link anyway.
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET payload = payload - 'email' WHERE task_type = $1 AND payload->>'email' = $2`,
				TaskTrackingLink, *email); err != nil {
				return err
			}
			// The confirmation is the last email to this address: its
			// payload carries it, the outbox purge removes it within a week.
			if err := insertErasureDone(ctx, tx, candidateID, *email, s.now()); err != nil {
				return err
			}
			if err := deleteJobAlertsOf(ctx, tx, *email); err != nil {
				return err
			}
		}
		return tx.SelectContext(ctx, &keys, `UPDATE application_files SET name = '', text = '', deleted_at = now()
			WHERE application_id IN (SELECT id FROM applications WHERE candidate_id = $1) AND deleted_at IS NULL RETURNING file_key`, candidateID)
	})
	if err != nil {
		return err
	}
	return s.removeDeletedFiles(ctx, files, keys)
}

func (s *Store) removeDeletedFiles(ctx context.Context, files FileStore, keys []string) error {
	for _, k := range keys {
		if err := files.Delete(ctx, k); err != nil {
			return wrap("removeDeletedFiles", err)
		}
		if _, err := s.db.ExecContext(ctx, `DELETE FROM application_files WHERE file_key = $1 AND deleted_at IS NOT NULL`, k); err != nil {
			return wrap("removeDeletedFiles", err)
		}
	}
	return nil
}

// PurgeDeletedFiles removes from the store the files an erasure marked but
// could not remove.
func (s *Store) PurgeDeletedFiles(ctx context.Context, files FileStore) error {
	var keys []string
	if err := s.db.SelectContext(ctx, &keys, `SELECT file_key FROM application_files WHERE deleted_at IS NOT NULL LIMIT 1000`); err != nil {
		return wrap("PurgeDeletedFiles", err)
	}
	return s.removeDeletedFiles(ctx, files, keys)
}
