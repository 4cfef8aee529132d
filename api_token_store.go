package vivier

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
)

// CreateAPIToken creates a token for the administration and returns it in
// clear: the only time it exists outside the caller's hands.
func (s *Store) CreateAPIToken(ctx context.Context, adminID int64, name string, scope APIScope, actor Actor) (*APIToken, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 {
		return nil, "", FieldError("name", "Donnez un nom au jeton (100 caractères au plus), par exemple le logiciel qui l'utilisera.")
	}
	if _, err := ParseAPIScope(string(scope)); err != nil {
		return nil, "", err
	}
	secret, _ := NewToken()
	secret = APITokenPrefix + secret
	var agentID *int64
	if actor.AgentID != 0 {
		agentID = &actor.AgentID
	}
	var t APIToken
	err := s.inTx(ctx, "CreateAPIToken", func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &t, `
			INSERT INTO api_tokens (administration_id, name, scope, prefix, token_hash, created_by, created_by_email)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+apiTokenColumns,
			adminID, name, string(scope), secret[:len(APITokenPrefix)+8], HashToken(secret), agentID, actor.Email)
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "api_token.created", t.Name,
			map[string]string{"portée": string(t.Scope), "préfixe": t.Prefix})
	})
	if err != nil {
		return nil, "", err
	}
	return &t, secret, nil
}

// APITokens lists the administration's tokens, newest first, revoked ones
// included (they explain past entries of the audit log).
func (s *Store) APITokens(ctx context.Context, adminID int64) ([]APIToken, error) {
	var out []APIToken
	err := s.db.SelectContext(ctx, &out, `SELECT `+apiTokenColumns+` FROM api_tokens
		WHERE administration_id = $1 ORDER BY created_at DESC, id DESC`, adminID)
	return out, wrap("APITokens", err)
}

// RevokeAPIToken ends a token of the administration for good.
func (s *Store) RevokeAPIToken(ctx context.Context, adminID, id int64, actor Actor) error {
	return s.inTx(ctx, "RevokeAPIToken", func(tx *sqlx.Tx) error {
		var t APIToken
		err := tx.GetContext(ctx, &t, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now())
			WHERE id = $1 AND administration_id = $2 RETURNING `+apiTokenColumns, id, adminID)
		if err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "api_token.revoked", t.Name, map[string]string{"préfixe": t.Prefix})
	})
}

// AuthenticateAPIToken returns the live token whose secret this is, with its
// administration. An unknown or revoked token, or one of a suspended
// administration, is EUNAUTHORIZED, with the same words for all: the answer
// tells nothing to whoever tries tokens.
func (s *Store) AuthenticateAPIToken(ctx context.Context, secret string) (*APIToken, *Administration, error) {
	refused := Errorf(EUNAUTHORIZED, "Jeton d'API absent, inconnu ou révoqué. Envoyez l'en-tête « Authorization: Bearer <jeton> ».")
	if !strings.HasPrefix(secret, APITokenPrefix) {
		return nil, nil, refused
	}
	var t APIToken
	err := s.db.GetContext(ctx, &t, `SELECT `+apiTokenColumns+` FROM api_tokens
		WHERE token_hash = $1 AND revoked_at IS NULL`, HashToken(secret))
	if ErrorCode(wrap("", err)) == ENOTFOUND {
		return nil, nil, refused
	}
	if err != nil {
		return nil, nil, wrap("AuthenticateAPIToken", err)
	}
	adm, err := s.AdministrationByID(ctx, t.AdministrationID)
	if err != nil {
		return nil, nil, err
	}
	if adm.Status != "active" {
		return nil, nil, Errorf(EFORBIDDEN, "Cette administration est suspendue : ses jetons d'API ne sont plus acceptés.")
	}
	// The last use is written at most once a minute, so that a busy
	// integration does not turn every read into a write.
	if t.LastUsedAt == nil || s.now().Sub(*t.LastUsedAt) > time.Minute {
		if _, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = now() WHERE id = $1`, t.ID); err != nil {
			return nil, nil, wrap("AuthenticateAPIToken", err)
		}
	}
	return &t, adm, nil
}
