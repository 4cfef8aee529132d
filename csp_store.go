package vivier

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// CSPSettingsInput is what an administrator submits; an empty APIKey keeps
// the key already recorded.
type CSPSettingsInput struct {
	Enabled  bool
	APIURL   string
	SourceID string
	APIKey   string
}

// CSPSettingsOf returns the administration's settings: all off when it has
// never set them.
func (s *Store) CSPSettingsOf(ctx context.Context, adminID int64) (*CSPSettings, error) {
	// A struct of its own for the scan: sqlx allocates its pointer fields
	// before it learns there is no row.
	var st CSPSettings
	err := s.db.GetContext(ctx, &st, `SELECT administration_id, enabled, api_url, source_id::text AS source_id, api_key_sealed,
		api_key_set_at, auth_error, auth_error_at, updated_at FROM csp_settings WHERE administration_id = $1`, adminID)
	if errors.Is(err, sql.ErrNoRows) {
		return &CSPSettings{AdministrationID: adminID}, nil
	}
	return &st, wrap("CSPSettingsOf", err)
}

// checkCSPURL accepts an https URL, or plain http to a network the operator
// trusts (OUTBOUND_ALLOW): a key must not travel in clear on a network, nor
// go to an address of the platform's own networks.
func (s *Store) checkCSPURL(ctx context.Context, raw string) (string, error) {
	raw = strings.TrimSuffix(strings.TrimSpace(raw), "/")
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Scheme != "https" && u.Scheme != "http") || len(raw) > 500 {
		return "", FieldError("api_url", "L'adresse de l'API doit commencer par https:// (par exemple https://api.exemple.gouv.fr).")
	}
	if err := s.outbound.CheckURL(ctx, "api_url", u); err != nil {
		return "", err
	}
	return raw, nil
}

// SaveCSPSettings records an administration's settings, the API key sealed
// by box. Turning publication on (or giving a new key) queues the
// administration's published offers that CSP does not have yet, in the same
// transaction.
func (s *Store) SaveCSPSettings(ctx context.Context, adminID int64, in CSPSettingsInput, defaultURL string, box *SecretBox, actor Actor) error {
	apiURL, err := s.checkCSPURL(ctx, in.APIURL)
	if err != nil {
		return err
	}
	var source *string
	if v := strings.TrimSpace(in.SourceID); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return FieldError("source_id", "L'identifiant de source est celui que Choisir le Service Public vous a donné, de la forme 12345678-1234-4234-b234-123456789abc.")
		}
		v = id.String()
		source = &v
	}
	key := strings.TrimSpace(in.APIKey)
	var sealed []byte
	if key != "" {
		if box == nil {
			return FieldError("api_key", "La plateforme n'a pas de clé de chiffrement (CSP_SECRET_KEY) : la clé d'API ne peut pas être enregistrée. Prévenez l'exploitant.")
		}
		if len(key) > 500 || strings.ContainsAny(key, " \t\r\n") {
			return FieldError("api_key", "La clé d'API est d'un seul tenant, sans espace (500 caractères au plus).")
		}
		if sealed, err = box.Seal(key, cspKeyContext(adminID)); err != nil {
			return err
		}
	}
	return s.inTx(ctx, "SaveCSPSettings", func(tx *sqlx.Tx) error {
		var cur struct {
			HadKey bool   `db:"had_key"`
			APIURL string `db:"api_url"`
		}
		err := tx.GetContext(ctx, &cur, `SELECT api_key_sealed IS NOT NULL AS had_key, api_url FROM csp_settings
			WHERE administration_id = $1 FOR UPDATE`, adminID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		hadKey := cur.HadKey
		// The key goes, in every call, to the address: whoever changes the
		// address must know the key, else it could be sent anywhere.
		if hadKey && sealed == nil && apiURL != cur.APIURL {
			return FieldError("api_key", "L'adresse de l'API a changé : saisissez de nouveau la clé d'API, pour qu'elle ne soit envoyée qu'à la nouvelle adresse.")
		}
		if in.Enabled {
			switch {
			case apiURL == "" && defaultURL == "":
				return FieldError("api_url", "Indiquez l'adresse de l'API de Choisir le Service Public.")
			case source == nil:
				return FieldError("source_id", "Indiquez l'identifiant de source que Choisir le Service Public vous a donné.")
			case !hadKey && sealed == nil:
				return FieldError("api_key", "Indiquez la clé d'API que Choisir le Service Public vous a donnée.")
			}
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO csp_settings (administration_id, enabled, api_url, source_id, api_key_sealed, api_key_set_at)
			VALUES ($1, $2, $3, $4, $5, CASE WHEN $5::bytea IS NULL THEN NULL ELSE now() END)
			ON CONFLICT (administration_id) DO UPDATE SET enabled = $2, api_url = $3, source_id = $4,
				api_key_sealed = coalesce($5, csp_settings.api_key_sealed),
				api_key_set_at = CASE WHEN $5::bytea IS NULL THEN csp_settings.api_key_set_at ELSE now() END,
				auth_error = CASE WHEN $5::bytea IS NULL THEN csp_settings.auth_error ELSE '' END,
				auth_error_at = CASE WHEN $5::bytea IS NULL THEN csp_settings.auth_error_at ELSE NULL END,
				updated_at = now()`, adminID, in.Enabled, apiURL, source, sealed); err != nil {
			return err
		}
		if err := insertAudit(ctx, tx, &adminID, actor, "csp.settings", "Choisir le Service Public", map[string]any{
			"activée": in.Enabled, "adresse": apiURL, "source": source, "nouvelle clé": sealed != nil}); err != nil {
			return err
		}
		if !in.Enabled {
			return nil
		}
		// The offers published before publication was on, and those that
		// waited for a valid key.
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO csp_offers (offer_id, administration_id, pending)
			SELECT id, administration_id, 'send' FROM offers
			WHERE administration_id = $1 AND status = 'published' AND kind <> 'concours'
			ON CONFLICT (offer_id) DO UPDATE SET pending = 'send', requested_at = clock_timestamp()
			WHERE csp_offers.state = 'not_sent' AND csp_offers.pending IS NULL`, adminID); err != nil {
			return err
		}
		return ensureCSPOutbox(ctx, tx, adminID)
	})
}

// queueCSP records, in the transaction that changed the offer, what CSP must
// be told: a published offer is sent, a closed or archived one that CSP has
// is archived there. Nothing happens for administrations without CSP
// publication, nor for concours, which CSP takes from the GRECO files.
func queueCSP(ctx context.Context, tx *sqlx.Tx, adminID, offerID int64) error {
	var cur struct {
		Status  OfferStatus `db:"status"`
		Kind    OfferKind   `db:"kind"`
		Enabled bool        `db:"enabled"`
	}
	err := tx.GetContext(ctx, &cur, `SELECT o.status, o.kind, coalesce(s.enabled, false) AS enabled
		FROM offers o LEFT JOIN csp_settings s ON s.administration_id = o.administration_id
		WHERE o.id = $1 AND o.administration_id = $2`, offerID, adminID)
	if err != nil || !cur.Enabled || cur.Kind == KindConcours {
		return err
	}
	var res sql.Result
	switch cur.Status {
	case OfferPublished:
		res, err = tx.ExecContext(ctx, `
			INSERT INTO csp_offers (offer_id, administration_id, pending) VALUES ($1, $2, 'send')
			ON CONFLICT (offer_id) DO UPDATE SET pending = 'send', requested_at = clock_timestamp()`, offerID, adminID)
	case OfferClosed, OfferArchived, OfferPending: // pending: off line until approved again
		res, err = tx.ExecContext(ctx, `
			UPDATE csp_offers SET pending = CASE WHEN sent_at IS NOT NULL AND state <> 'archived' THEN 'archive' END,
				requested_at = clock_timestamp()
			WHERE offer_id = $1 AND administration_id = $2 AND (pending IS NOT NULL OR (sent_at IS NOT NULL AND state <> 'archived'))`,
			offerID, adminID)
	default:
		_, err = tx.ExecContext(ctx, `UPDATE csp_offers SET pending = NULL, requested_at = clock_timestamp()
			WHERE offer_id = $1 AND administration_id = $2`, offerID, adminID)
		return err
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	return ensureCSPOutbox(ctx, tx, adminID)
}

// ensureCSPOutbox writes the outbox row that makes the worker send the
// administration's pending offers, unless one is already waiting: its task
// will see ours, since the row is locked until this transaction commits
// (the relay skips locked rows), and a task collects every pending offer.
// Publishing 250 offers at once is thus one task, not 250.
func ensureCSPOutbox(ctx context.Context, tx *sqlx.Tx, adminID int64) error {
	var id int64
	err := tx.GetContext(ctx, &id, `SELECT id FROM outbox WHERE task_type = $1 AND administration_id = $2
		AND relayed_at IS NULL ORDER BY id LIMIT 1 FOR UPDATE`, TaskCSPSync, adminID)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	m, err := NewOutboxMessage(TaskCSPSync, "default", CSPTask{AdministrationID: adminID})
	if err != nil {
		return err
	}
	m.AdministrationID = &adminID
	return insertOutbox(ctx, tx, &m)
}

// CSPOfferStateOf returns an offer's state with CSP; ENOTFOUND when the
// publication never concerned it.
func (s *Store) CSPOfferStateOf(ctx context.Context, adminID, offerID int64) (*CSPOfferState, error) {
	var st CSPOfferState
	err := s.db.GetContext(ctx, &st, `SELECT offer_id, state, pending, requested_at, sent_reference, sent_at, archived_at,
		rejected_at, errors, last_error FROM csp_offers WHERE offer_id = $1 AND administration_id = $2`, offerID, adminID)
	if err != nil {
		return nil, wrap("CSPOfferStateOf", err)
	}
	return &st, nil
}

// ResendCSP asks again for an offer to be sent (or archived, once closed):
// what the recruiter does after fixing what CSP refused.
func (s *Store) ResendCSP(ctx context.Context, adminID, offerID int64, actor Actor) error {
	return s.inTx(ctx, "ResendCSP", func(tx *sqlx.Tx) error {
		var cur struct {
			Reference string      `db:"reference"`
			Status    OfferStatus `db:"status"`
			Kind      OfferKind   `db:"kind"`
			Enabled   bool        `db:"enabled"`
		}
		err := tx.GetContext(ctx, &cur, `SELECT o.reference, o.status, o.kind, coalesce(s.enabled, false) AS enabled
			FROM offers o LEFT JOIN csp_settings s ON s.administration_id = o.administration_id
			WHERE o.id = $1 AND o.administration_id = $2 FOR UPDATE OF o`, offerID, adminID)
		if err != nil {
			return err
		}
		switch {
		case !cur.Enabled:
			return Errorf(EINVALID, "La publication sur Choisir le Service Public n'est pas activée pour votre administration.")
		case cur.Kind == KindConcours:
			return Errorf(EINVALID, "Les concours sont publiés sur Choisir le Service Public par l'import de fichiers GRECO, pas par l'envoi des offres.")
		case cur.Status == OfferDraft || cur.Status == OfferScheduled || cur.Status == OfferPending:
			return Errorf(EINVALID, "Seule une offre publiée est envoyée à Choisir le Service Public : publiez-la d'abord.")
		}
		if cur.Status == OfferPublished {
			// A new row, for an offer published before publication was on.
			if _, err := tx.ExecContext(ctx, `INSERT INTO csp_offers (offer_id, administration_id) VALUES ($1, $2)
				ON CONFLICT (offer_id) DO NOTHING`, offerID, adminID); err != nil {
				return err
			}
		}
		if err := queueCSP(ctx, tx, adminID, offerID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "csp.resend", cur.Reference, nil)
	})
}

// CSPClaim is a pending offer that a task has taken.
type CSPClaim struct {
	OfferID       int64     `db:"offer_id"`
	Pending       string    `db:"pending"`
	RequestedAt   time.Time `db:"requested_at"`
	SentReference *string   `db:"sent_reference"`
}

// cspClaimTTL is how long a claim keeps other tasks away: past it, the
// claim of a crashed worker is taken over.
const cspClaimTTL = 10 * time.Minute

// ClaimCSP takes up to limit pending offers of the administration, oldest
// request first, for the task taskID (its retries take back its own claims).
func (s *Store) ClaimCSP(ctx context.Context, adminID int64, taskID string, limit int) ([]CSPClaim, error) {
	var out []CSPClaim
	err := s.db.SelectContext(ctx, &out, `
		UPDATE csp_offers c SET claimed_by = $2, claimed_until = $5::timestamptz + $4 * interval '1 second'
		WHERE c.offer_id IN (SELECT offer_id FROM csp_offers WHERE administration_id = $1 AND pending IS NOT NULL
			AND (claimed_by IS NULL OR claimed_by = $2 OR claimed_until < $5)
			ORDER BY requested_at, offer_id LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING c.offer_id, c.pending, c.requested_at, c.sent_reference`, adminID, taskID, limit, cspClaimTTL.Seconds(), s.now())
	return out, wrap("ClaimCSP", err)
}

// CSPResult is what became of a claimed offer. An empty State changes
// nothing but the claim (the offer no longer needed the call).
type CSPResult struct {
	OfferID     int64
	RequestedAt time.Time
	State       string
	Reference   string
	Errors      []CSPFieldError
}

// FinishCSP records the results of a task's calls and releases its claims.
// An offer changed again since it was claimed stays pending, for the next
// batch.
func (s *Store) FinishCSP(ctx context.Context, adminID int64, taskID string, results []CSPResult) error {
	return s.inTx(ctx, "FinishCSP", func(tx *sqlx.Tx) error {
		for _, r := range results {
			errs := r.Errors
			if errs == nil {
				errs = []CSPFieldError{}
			}
			if _, err := tx.ExecContext(ctx, `
				UPDATE csp_offers SET claimed_by = NULL, claimed_until = NULL, last_error = '', updated_at = now(),
					pending = CASE WHEN requested_at = $4 THEN NULL ELSE pending END,
					state = CASE WHEN $5 = '' THEN state ELSE $5 END,
					errors = CASE WHEN $5 = '' THEN errors ELSE $6 END,
					sent_at = CASE WHEN $5 = 'sent' THEN now() ELSE sent_at END,
					sent_reference = CASE WHEN $5 = 'sent' THEN $7 ELSE sent_reference END,
					rejected_at = CASE WHEN $5 = 'rejected' THEN now() ELSE rejected_at END,
					archived_at = CASE WHEN $5 = 'archived' THEN now() ELSE archived_at END
				WHERE offer_id = $1 AND administration_id = $2 AND claimed_by = $3`,
				r.OfferID, adminID, taskID, r.RequestedAt, r.State, JSONB[[]CSPFieldError]{V: errs}, r.Reference); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReleaseCSP gives back a task's claims after a failure that a retry may
// fix (network, CSP unavailable), noting why.
func (s *Store) ReleaseCSP(ctx context.Context, adminID int64, taskID string, reason string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE csp_offers SET claimed_by = NULL, claimed_until = NULL, last_error = $3,
		updated_at = now() WHERE administration_id = $1 AND claimed_by = $2`, adminID, taskID, reason)
	return wrap("ReleaseCSP", err)
}

// RecordCSPAuthFailure notes that CSP refused the administration's key, and
// gives back the task's claims: the offers wait for a new key. The first
// refusal writes the alert to the administrators in the same transaction.
func (s *Store) RecordCSPAuthFailure(ctx context.Context, adminID int64, taskID, reason string) error {
	return s.inTx(ctx, "RecordCSPAuthFailure", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE csp_offers SET claimed_by = NULL, claimed_until = NULL, last_error = $3,
			updated_at = now() WHERE administration_id = $1 AND claimed_by = $2`, adminID, taskID, reason); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE csp_settings SET auth_error = $2, auth_error_at = now()
			WHERE administration_id = $1 AND auth_error = ''`, adminID, reason)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already known: the administrators were told
		}
		m, err := NewOutboxMessage(TaskCSPAuthAlert, "default", CSPTask{AdministrationID: adminID})
		if err != nil {
			return err
		}
		m.AdministrationID = &adminID
		return insertOutbox(ctx, tx, &m)
	})
}

// OffersByIDs returns the administration's offers among ids.
func (s *Store) OffersByIDs(ctx context.Context, adminID int64, ids []int64) ([]Offer, error) {
	var rows []offerRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+offerColumns+` FROM offers
		WHERE administration_id = $1 AND id = ANY($2) ORDER BY id`, adminID, pq.Int64Array(ids))
	if err != nil {
		return nil, wrap("OffersByIDs", err)
	}
	return offersOf(rows)
}

// Administrators lists the active agents holding the admin role in the
// administration, to alert them.
func (s *Store) Administrators(ctx context.Context, adminID int64) ([]Agent, error) {
	var out []Agent
	err := s.db.SelectContext(ctx, &out, `
		SELECT DISTINCT a.id, a.email, a.first_name, a.last_name, a.password_hash, a.status, a.last_login_at, a.created_at, a.updated_at
		FROM casbin_rules r JOIN agents a ON r.v0 = 'agent:' || a.id
		WHERE r.ptype = 'g' AND r.v2 = $1 AND r.v1 = 'admin' AND a.status = 'active'
		ORDER BY a.id`, AdministrationDomain(adminID))
	return out, wrap("Administrators", err)
}

// CompetenceLabels returns the referential skills of the administration's
// offers among ids, by offer: CSP takes them as competences_requises.
func (s *Store) CompetenceLabels(ctx context.Context, adminID int64, ids []int64) (map[int64][]string, error) {
	var rows []struct {
		OfferID int64  `db:"offer_id"`
		Label   string `db:"label"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT oc.offer_id, c.label
		FROM offer_competences oc JOIN competences c ON c.id = oc.competence_id JOIN offers o ON o.id = oc.offer_id
		WHERE oc.offer_id = ANY($2) AND o.administration_id = $1 ORDER BY oc.offer_id, c.family, c.label`, adminID, pq.Int64Array(ids))
	out := map[int64][]string{}
	for _, r := range rows {
		out[r.OfferID] = append(out[r.OfferID], r.Label)
	}
	return out, wrap("CompetenceLabels", err)
}
