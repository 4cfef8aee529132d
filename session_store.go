package vivier

import (
	"context"
	"encoding/hex"
	"time"
)

// SessionStorage returns the storage for one namespace ("session", "csrf").
func (s *Store) SessionStorage(namespace string) *SessionStorage {
	return &SessionStorage{store: s, namespace: namespace, timeout: 5 * time.Second}
}

// Get returns the value stored under key, or nil when there is none or it
// has expired.
func (ss *SessionStorage) Get(key string) ([]byte, error) {
	ctx, cancel := ss.ctx()
	defer cancel()
	var data []byte
	err := ss.store.db.QueryRowContext(ctx, `
		SELECT data FROM http_sessions
		WHERE namespace = $1 AND key_hash = $2 AND (expires_at IS NULL OR expires_at > $3) AND revoked_at IS NULL`,
		ss.namespace, sessionKey(key), ss.store.now()).Scan(&data)
	if err != nil {
		if ErrorCode(wrap("", err)) == ENOTFOUND {
			return nil, nil
		}
		return nil, wrap("SessionStorage.Get", err)
	}
	return data, nil
}

// Set stores val under key; exp 0 means no expiry.
func (ss *SessionStorage) Set(key string, val []byte, exp time.Duration) error {
	if key == "" || len(val) == 0 {
		return nil
	}
	ctx, cancel := ss.ctx()
	defer cancel()
	var expires *time.Time
	if exp > 0 {
		t := ss.store.now().Add(exp)
		expires = &t
	}
	_, err := ss.store.db.ExecContext(ctx, `
		INSERT INTO http_sessions (namespace, key_hash, data, expires_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (namespace, key_hash) DO UPDATE SET data = EXCLUDED.data,
			expires_at = EXCLUDED.expires_at, updated_at = now()
		WHERE http_sessions.revoked_at IS NULL`,
		ss.namespace, sessionKey(key), val, expires)
	return wrap("SessionStorage.Set", err)
}

// Delete removes key.
func (ss *SessionStorage) Delete(key string) error {
	ctx, cancel := ss.ctx()
	defer cancel()
	// Marked, not deleted: a request in flight must not write it back.
	_, err := ss.store.db.ExecContext(ctx, `UPDATE http_sessions SET revoked_at = $3, data = ''::bytea
		WHERE namespace = $1 AND key_hash = $2 AND revoked_at IS NULL`,
		ss.namespace, sessionKey(key), ss.store.now())
	return wrap("SessionStorage.Delete", err)
}

// Reset removes every key of the namespace.
func (ss *SessionStorage) Reset() error {
	ctx, cancel := ss.ctx()
	defer cancel()
	_, err := ss.store.db.ExecContext(ctx, `DELETE FROM http_sessions WHERE namespace = $1`, ss.namespace)
	return wrap("SessionStorage.Reset", err)
}

// PurgeExpiredSessions deletes expired sessions and tokens.
func (s *Store) PurgeExpiredSessions(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM http_sessions WHERE expires_at < $1 OR revoked_at < $1::timestamptz - interval '1 day'`, s.now())
	if err != nil {
		return 0, wrap("PurgeExpiredSessions", err)
	}
	return res.RowsAffected()
}

// BindSession attaches a session (its cookie value) to the agent who signed
// in with it, so that the agent can list and end their sessions.
func (s *Store) BindSession(ctx context.Context, cookie string, agentID int64, ip, userAgent string) error {
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	_, err := s.db.ExecContext(ctx, `UPDATE http_sessions SET agent_id = $2, ip = $3, user_agent = $4, signed_in_at = now()
		WHERE namespace = 'session' AND key_hash = $1`, sessionKey(cookie), agentID, ip, userAgent)
	return wrap("BindSession", err)
}

// AgentSessions lists an agent's live sessions, the current one marked.
func (s *Store) AgentSessions(ctx context.Context, agentID int64, currentCookie string) ([]AgentSession, error) {
	var rows []struct {
		Hash       []byte     `db:"key_hash"`
		IP         string     `db:"ip"`
		UserAgent  string     `db:"user_agent"`
		SignedInAt *time.Time `db:"signed_in_at"`
		UpdatedAt  time.Time  `db:"updated_at"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT key_hash, ip, user_agent, signed_in_at, updated_at FROM http_sessions
		WHERE namespace = 'session' AND agent_id = $1 AND (expires_at IS NULL OR expires_at > $2) AND revoked_at IS NULL
		ORDER BY updated_at DESC`, agentID, s.now())
	if err != nil {
		return nil, wrap("AgentSessions", err)
	}
	current := hex.EncodeToString(sessionKey(currentCookie))
	out := make([]AgentSession, len(rows))
	for i, r := range rows {
		id := hex.EncodeToString(r.Hash)
		out[i] = AgentSession{ID: id, IP: r.IP, UserAgent: r.UserAgent, LastSeenAt: r.UpdatedAt, Current: id == current}
		if r.SignedInAt != nil {
			out[i].SignedInAt = *r.SignedInAt
		}
	}
	return out, nil
}

// EndAgentSession ends one of the agent's sessions (by its listed ID).
func (s *Store) EndAgentSession(ctx context.Context, agentID int64, id string) error {
	hash, err := hex.DecodeString(id)
	if err != nil {
		return Errorf(ENOTFOUND, "Session introuvable.")
	}
	res, err := s.db.ExecContext(ctx, `UPDATE http_sessions SET revoked_at = now()
		WHERE namespace = 'session' AND agent_id = $1 AND key_hash = $2 AND revoked_at IS NULL`, agentID, hash)
	if err != nil {
		return wrap("EndAgentSession", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Errorf(ENOTFOUND, "Session introuvable.")
	}
	return nil
}
