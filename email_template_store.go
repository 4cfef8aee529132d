package vivier

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
)

// EmailTemplate returns the administration's template for an event, or the
// platform's default when it wrote none.
func (s *Store) EmailTemplate(ctx context.Context, adminID int64, e TemplateEvent) (EmailTemplate, error) {
	t := EmailTemplate{Event: e}
	err := s.db.QueryRowxContext(ctx, `SELECT subject, body FROM email_templates WHERE administration_id = $1 AND event = $2`,
		adminID, e).Scan(&t.Subject, &t.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultEmailTemplate(e), nil
	}
	t.Custom = err == nil
	return t, wrap("EmailTemplate", err)
}

// EmailTemplates returns the administration's template of every event.
func (s *Store) EmailTemplates(ctx context.Context, adminID int64) ([]EmailTemplate, error) {
	out := make([]EmailTemplate, 0, len(TemplateEvents))
	for _, e := range TemplateEvents {
		t, err := s.EmailTemplate(ctx, adminID, e)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// SaveEmailTemplate records the administration's own template for an event.
func (s *Store) SaveEmailTemplate(ctx context.Context, adminID int64, t EmailTemplate, actor Actor) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return s.inTx(ctx, "SaveEmailTemplate", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO email_templates (administration_id, event, subject, body, updated_by)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (administration_id, event)
			DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, updated_by = EXCLUDED.updated_by, updated_at = now()`,
			adminID, t.Event, t.Subject, t.Body, actor.Email); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "email_template.saved", "modèle "+string(t.Event), map[string]string{"objet": t.Subject})
	})
}

// ResetEmailTemplate goes back to the platform's default.
func (s *Store) ResetEmailTemplate(ctx context.Context, adminID int64, e TemplateEvent, actor Actor) error {
	return s.inTx(ctx, "ResetEmailTemplate", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM email_templates WHERE administration_id = $1 AND event = $2`, adminID, e)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already the default: nothing to log
		}
		return insertAudit(ctx, tx, &adminID, actor, "email_template.reset", "modèle "+string(e), nil)
	})
}

// PreviewChoice is an application a recruiter may preview a template with.
type PreviewChoice struct {
	ID        int64     `db:"id"`
	FirstName string    `db:"first_name"`
	LastName  string    `db:"last_name"`
	Offer     *string   `db:"offer_title"`
	CreatedAt time.Time `db:"created_at"`
}

// PreviewChoices lists the administration's latest applications whose
// candidate is not erased, for the preview's select.
func (s *Store) PreviewChoices(ctx context.Context, adminID int64, limit int) ([]PreviewChoice, error) {
	var out []PreviewChoice
	err := s.db.SelectContext(ctx, &out, `SELECT a.id, a.first_name, a.last_name, o.title AS offer_title, a.created_at
		FROM applications a JOIN candidates c ON c.id = a.candidate_id LEFT JOIN offers o ON o.id = a.offer_id
		WHERE a.administration_id = $1 AND c.erased_at IS NULL AND a.category <> 'anonymisee' ORDER BY a.created_at DESC, a.id DESC LIMIT $2`, adminID, limit)
	return out, wrap("PreviewChoices", err)
}

// ApplicationValues are the variables every email of an application knows;
// link is the tracking link this email carries.
func ApplicationValues(a *ApplicationSummary, link string) TemplateValues {
	offer := "candidature spontanée"
	if a.OfferTitle != nil {
		offer = *a.OfferTitle
	}
	return TemplateValues{"prenom": a.FirstName, "nom": a.LastName, "offre": offer,
		"administration": a.AdminName, "lien_suivi": link}
}
