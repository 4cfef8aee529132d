package vivier

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"
)

// The SIRH export's settings and hire records (batches and deliveries are
// in sirh_batch_store.go). Every query takes the administration id.

// recordHire writes the export record of an application that reached the
// administration's last "acceptée" step, and the outbox row that delivers
// it, in the move's transaction. An application hired before (reopened, then
// hired again) keeps its first record: it is exported once.
func recordHire(ctx context.Context, tx *sqlx.Tx, a *Application, step *Step, d HireDetails) error {
	if step.Category != CategoryAccepted {
		return nil
	}
	var last int64
	if err := tx.GetContext(ctx, &last, `SELECT id FROM pipeline_steps WHERE administration_id = $1 AND category = 'acceptee'
		ORDER BY position DESC, id DESC LIMIT 1`, a.AdministrationID); err != nil {
		return err
	}
	if last != step.ID {
		return nil
	}
	if d.Nature != "" && d.Nature != NatureTitulaire && d.Nature != NatureContractuel {
		return FieldError("nature", "Choisissez la nature du recrutement : titulaire ou contractuel.")
	}
	// Only what the SIRH needs to open the agent's file (data
	// minimisation): no answers, letter, source nor history. The nature
	// the recruiter gives wins; else a concours makes a titulaire, an offer
	// for contractuals or with only fixed-term forms a contractuel.
	var id int64
	err := tx.GetContext(ctx, &id, `
		INSERT INTO sirh_hires (administration_id, application_id, civility, first_name, last_name, email, phone,
			offer_reference, post, siret, nature, categorie, start_date, documents)
		SELECT a.administration_id, a.id, a.civility, a.first_name, a.last_name, coalesce(c.email::text, ''), a.phone,
			coalesce(o.reference, ''), coalesce(o.title, ''), coalesce(nullif(o.organisation_siret, ''), ad.siret, ''),
			CASE WHEN $3::text <> '' THEN $3::text
			     WHEN o.kind = 'concours' THEN 'titulaire'
			     WHEN o.contract_type = 'CONTRACTUELS' THEN 'contractuel'
			     WHEN cardinality(o.contract_forms) > 0 AND NOT ('PERMANENT' = ANY (o.contract_forms)) THEN 'contractuel'
			     ELSE 'titulaire' END,
			coalesce(array_to_string(o.categories, ','), ''), coalesce($4::date, o.vacancy_start),
			coalesce((SELECT jsonb_agg(jsonb_build_object('type', f.kind, 'nom', f.name, 'type_mime', f.content_type,
					'taille', f.size, 'sha256', f.sha256,
					'reference', '/admin/' || ad.slug || '/candidatures/' || a.id || '/fichiers/' || f.id) ORDER BY f.id)
				FROM application_files f WHERE f.application_id = a.id AND f.deleted_at IS NULL), '[]')
		FROM applications a JOIN candidates c ON c.id = a.candidate_id
		JOIN administrations ad ON ad.id = a.administration_id
		LEFT JOIN offers o ON o.id = a.offer_id
		WHERE a.id = $1 AND a.administration_id = $2
		ON CONFLICT (application_id) DO NOTHING RETURNING id`, a.ID, a.AdministrationID, d.Nature, d.StartDate)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	msg, err := NewOutboxMessage(TaskSIRHHire, "low", SIRHHireTask{AdministrationID: a.AdministrationID, HireID: id})
	if err != nil {
		return err
	}
	msg.AdministrationID = &a.AdministrationID
	return insertOutbox(ctx, tx, &msg)
}

// SIRHSettingsOf returns the administration's settings, the defaults if it
// has none.
func (s *Store) SIRHSettingsOf(ctx context.Context, adminID int64) (SIRHSettings, error) {
	return sirhSettings(ctx, s.db, adminID)
}

func sirhSettings(ctx context.Context, q sqlx.QueryerContext, adminID int64) (SIRHSettings, error) {
	var st SIRHSettings
	err := sqlx.GetContext(ctx, q, &st, `SELECT administration_id, destination, format, cadence, webhook_url,
			webhook_secret, webhook_secret_sealed, updated_at
		FROM sirh_settings WHERE administration_id = $1`, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSIRHSettings(adminID), nil
	}
	return st, wrap("SIRHSettings", err)
}

// SaveSIRHSettings validates and stores the settings. A webhook gets a
// secret the first time, and a new one when renew is set, sealed by box; a
// secret still in clear from the first versions is sealed on the way. The
// settings returned hold the secret in clear, for the page that shows it.
func (s *Store) SaveSIRHSettings(ctx context.Context, adminID int64, in SIRHSettings, renew bool, box *SecretBox, actor Actor) (SIRHSettings, error) {
	if err := in.Validate(ctx, s.outbound); err != nil {
		return in, err
	}
	if in.WebhookURL != "" && box == nil {
		return in, FieldError("webhook_url", "La plateforme n'a pas de clé de chiffrement (CSP_SECRET_KEY) : le secret de signature du webhook ne peut pas être enregistré. Prévenez l'exploitant.")
	}
	err := s.inTx(ctx, "SaveSIRHSettings", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM sirh_settings WHERE administration_id = $1 FOR UPDATE`, adminID); err != nil {
			return err
		}
		cur, err := sirhSettings(ctx, tx, adminID)
		if err != nil {
			return err
		}
		in.AdministrationID, in.SecretSealed, in.LegacySecret, in.WebhookSecret = adminID, cur.SecretSealed, cur.LegacySecret, ""
		fresh := in.WebhookURL != "" && (!cur.HasWebhookSecret() || renew)
		switch {
		case fresh:
			in.WebhookSecret = NewWebhookSecret()
		case box != nil && in.LegacySecret != "" && len(in.SecretSealed) == 0:
			in.WebhookSecret = in.LegacySecret
		case box != nil && cur.HasWebhookSecret():
			// A secret that no longer opens (the platform's key changed
			// without its previous one) shows as none: renewing replaces it.
			_, _ = in.OpenWebhookSecret(box)
		}
		if in.WebhookSecret != "" {
			if in.SecretSealed, err = box.Seal(in.WebhookSecret, sirhSecretContext(adminID)); err != nil {
				return err
			}
			in.LegacySecret = ""
		}
		if err := tx.GetContext(ctx, &in.UpdatedAt, `
			INSERT INTO sirh_settings (administration_id, destination, format, cadence, webhook_url, webhook_secret, webhook_secret_sealed)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (administration_id) DO UPDATE SET destination = $2, format = $3, cadence = $4,
				webhook_url = $5, webhook_secret = $6, webhook_secret_sealed = $7, updated_at = now()
			RETURNING updated_at`, adminID, in.Destination, in.Format, in.Cadence, in.WebhookURL, in.LegacySecret, in.SecretSealed); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "sirh.settings", "exports SIRH", map[string]any{
			"destination": in.Destination, "format": in.Format, "cadence": in.Cadence, "webhook": in.WebhookURL,
			"nouveau_secret": fresh})
	})
	return in, err
}

// SealLegacySIRHSecrets seals the webhook secrets still kept in clear by
// the first versions, and empties their clear column; it returns how many.
func (s *Store) SealLegacySIRHSecrets(ctx context.Context, box *SecretBox) (int, error) {
	n := 0
	err := s.inTx(ctx, "SealLegacySIRHSecrets", func(tx *sqlx.Tx) error {
		var rows []SIRHSettings
		if err := tx.SelectContext(ctx, &rows, `SELECT administration_id, webhook_secret, webhook_secret_sealed
			FROM sirh_settings WHERE webhook_secret <> '' ORDER BY administration_id FOR UPDATE`); err != nil {
			return err
		}
		for _, r := range rows {
			sealed := r.SecretSealed
			if len(sealed) == 0 {
				var err error
				if sealed, err = box.Seal(r.LegacySecret, sirhSecretContext(r.AdministrationID)); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE sirh_settings SET webhook_secret = '', webhook_secret_sealed = $2
				WHERE administration_id = $1`, r.AdministrationID, sealed); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
